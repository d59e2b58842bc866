"""Count the SQL statements a request runs (peewee logs each one at DEBUG)."""
import logging


class QueryCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0
        self.log = logging.getLogger("peewee")
        self.log.addHandler(self)
        self.log.propagate = False

    def emit(self, record):
        if isinstance(record.msg, tuple):  # (sql, params); other lines are pool chatter
            self.count += 1

    def count_for(self, client, path, headers=None):
        self.log.setLevel(logging.DEBUG)
        self.count = 0
        headers = dict(headers or {})
        cookie = headers.pop("Cookie", None)  # the test client's own jar would override the header
        pairs = [part.strip().partition("=") for part in cookie.split(";")] if cookie else []
        for name, _, value in pairs:
            client.set_cookie(name, value)
        client.get(path, headers=headers)
        for name, _, _ in pairs:
            client.delete_cookie(name)
        self.log.setLevel(logging.WARNING)
        return self.count
