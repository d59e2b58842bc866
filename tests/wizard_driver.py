"""Drive the registration wizard through the Flask test client, step by step."""
import io
import re

from portal.demo.tiles import blank_pdf

BASE = "/{lang}/register/{token}/"
STEP_PATHS = {
    "identification": "company-identification", "company": "company-data", "units": "establishment-units",
    "representatives": "legal-representatives", "check": "check", "submitted": "submitted",
}
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def a_pdf():
    return blank_pdf()


def csrf(client, lang="en"):
    body = client.get(f"/{lang}/login/afmps").get_data(as_text=True)  # a page with a form carries the token
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', body).group(1)


class WizardDriver:
    def __init__(self, client, lang="en"):
        self.client = client
        self.lang = lang
        self.token = csrf(client, lang)
        response = client.post(f"/{lang}/register", data={"csrf_token": self.token})
        assert response.status_code == 303
        self.draft = re.search(r"/register/([^/]+)/", response.headers["Location"]).group(1)

    def url(self, step, lang=None):
        return BASE.format(lang=lang or self.lang, token=self.draft) + STEP_PATHS[step]

    def get(self, step, **kwargs):
        return self.client.get(self.url(step), **kwargs)

    def post(self, step, data, headers=None, **kwargs):
        return self.client.post(self.url(step), data={"csrf_token": self.token, **data},
                                headers=headers or {}, **kwargs)

    def identify(self, **fields):
        data = {"country": "DE", "bce_registered": "no", "vat_number": "136695976"}
        data.update(fields)
        return self.post("identification", data)

    def company(self, pdf=True, **fields):
        data = {"name": "Musterfirma Medizintechnik GmbH", "language": "en", "street": "Hauptstraße",
                "house_number": "1", "postcode": "10115", "city": "Berlin"}
        data.update(fields)
        if pdf:
            data["proof"] = (io.BytesIO(a_pdf() if pdf is True else pdf), "extract.pdf")
        return self.post("company", data, content_type="multipart/form-data")

    def add_unit(self, **fields):
        data = {"action": "save", "name": "Warehouse", "street": "Lagerweg", "house_number": "5",
                "postcode": "20095", "city": "Hamburg"}
        data.update(fields)
        return self.post("units", data)

    def add_representative(self, **fields):
        data = {"action": "save", "last_name": "Muster", "first_name": "Max", "sex": "M",
                "birth_date": "1970-05-01", "birth_country": "DE", "email": "max@musterfirma.de"}
        data.update(fields)
        return self.post("representatives", data)

    def next(self, step):
        return self.post(step, {"action": "next"})

    def complete(self, units=1, representatives=1):
        assert self.identify().status_code == 303
        assert self.company().status_code == 303
        for i in range(units):
            assert self.add_unit(name=f"Unit {i}").status_code == 200
        assert self.next("units").status_code == 303
        for i in range(representatives):
            assert self.add_representative(email=f"rep{i}@musterfirma.de").status_code == 200
        assert self.next("representatives").status_code == 303
        return self

    def submit(self):
        return self.post("check", {})
