"""A person with an account, as the login tests and their neighbours use them: the person's
numbers and passwords, a clock the tests move, and a driver for the login pages."""
from tests.wizard_driver import csrf

NISS = "85073003328"
TEMPORARY = "Kx7p-Qm3r-T9wz-Hb4n"
MINE = "four words are stronger"


class Clock:
    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


class Login:
    def __init__(self, client):
        self.client = client
        self.token = csrf(client)

    def post(self, path, **data):
        return self.post_to(f"/en/login/{path}", **data)

    def post_to(self, path, **data):
        """A form sent with the session's token, as a browser does (a login gives the browser a new one)."""
        response = self.client.post(path, data={"csrf_token": self.token, **data})
        with self.client.session_transaction() as session:
            logged_in = "csrf_token" not in session
        if logged_in:
            self.token = csrf(self.client)
        return response

    def password(self, username="85.07.30-033.28", password=MINE, next_url=""):
        return self.post("afmps", username=username, password=password, next=next_url)

    def code(self, code):
        return self.post("code", code=code)
