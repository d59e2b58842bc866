"""“Mes fabricants et représentants autorisés” (guide 5.5): what each activity keeps, the device
identifiers checked, the CSV import all or nothing, the exports; other companies' rows."""
import csv
import datetime
import io

import pytest

from portal.models import (Activity, Company, MarketedDevice, MemberApplication, Quality, QualityMember,
                           RepresentedCompany, Supplier)

HTMX = {"HX-Request": "true"}
GMN = "1987654Ad4X4bL5ttr2310c2K"


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def operator(auth):
    jan = auth.company_user()
    company = jan.company
    Company.update(main_access_manager=jan).where(Company.id == company.id).execute()
    quality = Quality.create(company=company, kind="health_institution", contact_email="q@musterfirma.de")
    member = QualityMember.create(quality=quality, person=jan, role="ga", email=jan.email)
    MemberApplication.insert_many([{"member": member.id, "application": a} for a in ("medseip", "sara")]).execute()
    return jan


def notify(company, *kinds):
    for kind in kinds:
        Activity.create(company=company, kind=kind, classes="IIa", started_on=datetime.date(2024, 1, 1))


def post(client, auth, path, **data):
    return client.post(f"/en/portal/partners{path}", data=dict(data, csrf_token=auth.token))


DEVICE = {"device_name": "Clinical thermometer", "device_reference": "TC-100", "device_basic_udi_di": GMN,
          "device_udi_di": "09506000134352", "device_emdn": "Z12010101", "device_class": "IIa",
          "device_marketed_from": "31/01/2024"}


def test_the_lists_follow_the_notified_activities(operator, client):
    page = body(client.get("/en/portal/partners"))
    assert "Notify one of these activities" in page and "supplier-form" not in page
    notify(operator.company, "distributor")
    page = body(client.get("/en/portal/partners"))
    assert 'id="supplier-form"' in page and 'id="device-form"' not in page
    notify(operator.company, "manufacturer", "authorised_representative")
    page = body(client.get("/en/portal/partners"))
    assert 'id="device-form"' in page and 'id="represented-form"' in page
    tile = body(client.get("/en/portal/tiles/partners", headers=HTMX))
    assert "My suppliers" in tile and "My devices on the Belgian market" in tile


def test_a_supplier_is_typed_or_picked_among_the_registered_firms(operator, auth, client):
    notify(operator.company, "distributor")
    maker = Company(country="DE", street="Werkstraße", house_number="9", postcode="80331", city="München",
                    listed=True, agency_number="000123")
    maker.set_name("Medizintechnik Süd GmbH")
    maker.save()
    found = body(client.get("/en/portal/partners/firms?firm=medizin", headers=HTMX))
    assert "Medizintechnik Süd GmbH" in found and "<html" not in found
    assert "Medizintechnik Süd GmbH" in body(client.get("/en/portal/partners?firm=medizin"))  # without JavaScript
    assert post(client, auth, "/suppliers", supplier_role="manufacturer",
                supplier_registered=str(maker.id)).status_code == 303
    supplier = Supplier.get()
    assert supplier.registered_id == maker.id and supplier.name == "Medizintechnik Süd GmbH" and supplier.city == "München"
    bad = post(client, auth, "/suppliers", supplier_role="", supplier_name="", supplier_country="ZZ")
    assert bad.status_code == 422 and "manufacturer or its authorised representative" in body(bad)
    assert post(client, auth, "/suppliers", supplier_role="authorised_representative", supplier_name="EU Rep Ltd",
                supplier_country="IE", supplier_city="Dublin").status_code == 303
    assert Supplier.select().count() == 2
    typed = Supplier.get(Supplier.name == "EU Rep Ltd")
    assert post(client, auth, f"/suppliers/{typed.id}/remove").status_code == 303
    assert "Supplier removed" in body(client.get("/en/portal/partners"))


def test_a_device_needs_identifiers_with_the_right_check_characters(operator, auth, client):
    notify(operator.company, "manufacturer")
    wrong = post(client, auth, "/devices", **dict(DEVICE, device_basic_udi_di=GMN[:-1] + "X",
                                                  device_udi_di="09506000134353", device_emdn="12"))
    page = body(wrong)
    assert wrong.status_code == 422 and "Basic UDI-DI is not valid" in page and "UDI-DI is not valid" in page
    assert "EMDN code" in page and 'value="Clinical thermometer"' in page
    assert post(client, auth, "/devices", **DEVICE).status_code == 303
    twice = post(client, auth, "/devices", **dict(DEVICE, device_name="Again"))
    assert twice.status_code == 422 and "already in the company's list" in body(twice)
    for basic, udi in (("++A999MODELIDENTIFIER11S8", "4006381333931"), ("A99971234ABC", "5901234123457")):
        assert post(client, auth, "/devices", **dict(DEVICE, device_basic_udi_di=basic, device_udi_di=udi,
                                                     device_name=basic)).status_code == 303, basic
    device = MarketedDevice.get(MarketedDevice.name == "Clinical thermometer")
    early = client.post(f"/en/portal/partners/devices/{device.id}/withdraw",
                        data={"csrf_token": auth.token, "withdrawn_on": "01/01/2020"})
    assert early.status_code == 422
    assert client.post(f"/en/portal/partners/devices/{device.id}/withdraw",
                       data={"csrf_token": auth.token, "withdrawn_on": "30/06/2026"}).status_code == 303
    assert MarketedDevice.get_by_id(device.id).withdrawn_on == datetime.date(2026, 6, 30)


def import_file(client, auth, text, valid_only=False):
    data = {"csrf_token": auth.token, "devices_file": (io.BytesIO(text.encode()), "devices.csv")}
    if valid_only:
        data["valid_only"] = "yes"
    return client.post("/en/portal/partners/devices/import", data=data, content_type="multipart/form-data")


HEADER = "name;reference;basic_udi_di;udi_di;emdn;class;sterile;marketed_from\n"


def test_an_import_is_all_or_nothing_unless_asked_otherwise(operator, auth, client):
    notify(operator.company, "manufacturer")
    text = (HEADER + f"Thermometer;TC-1;{GMN};09506000134352;Z12010101;IIa;no;31/01/2024\n"
            + f"Bad one;TC-2;{GMN[:-1]}X;09506000134352;Z12;IX;no;someday\n\n"
            + f"Dressing;D-1;{GMN};4006381333931;M0101;I;yes;2024-03-01\n")
    refused = import_file(client, auth, text)
    page = body(refused)
    assert refused.status_code == 422 and "Nothing was imported" in page and "Line 3:" in page
    assert "Line 2:" not in page and "Line 5:" not in page and not MarketedDevice.select().exists()
    partial = import_file(client, auth, text, valid_only=True)
    assert "2 devices imported" in body(partial)
    assert sorted(d.name for d in MarketedDevice.select()) == ["Dressing", "Thermometer"]
    assert MarketedDevice.get(MarketedDevice.name == "Dressing").sterile
    again = import_file(client, auth, HEADER + f"Thermometer;TC-1;{GMN};09506000134352;Z12010101;IIa;no;31/01/2024\n")
    assert again.status_code == 422 and "already in the company's list" in body(again)
    header = import_file(client, auth, "a;b;c\n1;2;3\n")
    assert header.status_code == 422 and "first line must name the columns" in body(header)
    template = client.get("/en/portal/partners/devices/template.csv")
    assert template.mimetype == "text/csv" and template.get_data(as_text=True).startswith(HEADER.strip())


def test_a_represented_company_is_outside_the_eea_and_the_customs_union(operator, auth, client):
    notify(operator.company, "authorised_representative")
    inside = post(client, auth, "/represented", represented_name="Acme SAS", represented_country="FR")
    assert inside.status_code == 422 and "needs no authorised representative" in body(inside)
    assert post(client, auth, "/represented", represented_name="=cmd|' /C calc'!A0", represented_country="US",
                represented_city="Boston", represented_contact_email="qa@acme.com").status_code == 303
    export = client.get("/en/portal/partners/represented.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True)), delimiter=";"))
    assert export.mimetype == "text/csv" and rows[1][0].startswith("'=")  # never a formula


def test_another_companys_rows_are_never_found(operator, auth, client):
    notify(operator.company, "distributor", "manufacturer", "authorised_representative")
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    supplier = Supplier.create(company=other, role="manufacturer", name="Theirs", country="FR")
    device = MarketedDevice.create(company=other, name="Theirs", reference="x", basic_udi_di=GMN,
                                   udi_di="09506000134352", emdn="Z12", device_class="I",
                                   marketed_from=datetime.date(2024, 1, 1))
    represented = RepresentedCompany.create(company=other, name="Theirs", country="US")
    for path in (f"/suppliers/{supplier.id}", f"/suppliers/{supplier.id}/remove", f"/devices/{device.id}",
                 f"/devices/{device.id}/withdraw", f"/represented/{represented.id}",
                 f"/represented/{represented.id}/remove"):
        assert post(client, auth, path, supplier_role="manufacturer", supplier_name="Mine",
                    supplier_country="BE").status_code == 404, path
    for query in (f"supplier={supplier.id}", f"device={device.id}", f"represented={represented.id}"):
        assert client.get(f"/en/portal/partners?{query}").status_code == 404
    assert "Theirs" not in client.get("/en/portal/partners/devices.csv").get_data(as_text=True)
    assert Supplier.get_by_id(supplier.id).name == "Theirs"


def test_without_sara_the_tile_is_closed(operator, auth, client):
    MemberApplication.delete().where(MemberApplication.application == "sara").execute()
    notify(operator.company, "distributor")
    assert client.get("/en/portal/partners").status_code == 303
    assert post(client, auth, "/suppliers", supplier_role="manufacturer", supplier_name="X",
                supplier_country="DE").status_code == 303
    assert not Supplier.select().exists()


def test_a_file_that_is_not_clean_csv_is_reported_not_crashed(operator, auth, client):
    notify(operator.company, "manufacturer")
    huge_cell = import_file(client, auth, HEADER + '"' + "x" * 200_000 + '";a;b;c;d;e;f;g\n')
    assert huge_cell.status_code == 422 and "cannot be read as CSV" in body(huge_cell)
    old_mac = (HEADER.replace("\n", "\r") + f"Thermometer;TC-1;{GMN};09506000134352;Z12010101;IIa;no;31/01/2024\r")
    assert "1 device imported" in body(import_file(client, auth, old_mac))


def test_one_gtin_is_one_device_whatever_zeros_lead_it(operator, auth, client):
    notify(operator.company, "manufacturer")
    text = (HEADER + f"A;1;{GMN};09506000134352;Z12010101;IIa;no;31/01/2024\n"
            + f"B;2;{GMN};9506000134352;Z12010101;IIa;no;31/01/2024\n")
    response = import_file(client, auth, text)
    assert response.status_code == 422 and "Line 3:" in body(response) and not MarketedDevice.select().exists()


def test_a_list_is_kept_only_for_its_activity(operator, auth, client):
    """The review's finding: with SARA alone, a company with no activity filled every list."""
    assert post(client, auth, "/suppliers", supplier_role="manufacturer", supplier_name="X",
                supplier_country="DE").status_code == 404
    assert post(client, auth, "/devices", **DEVICE).status_code == 404
    assert post(client, auth, "/represented", represented_name="Acme", represented_country="US").status_code == 404
    assert client.get("/en/portal/partners/devices.csv").status_code == 404
    assert not Supplier.select().exists() and not MarketedDevice.select().exists()


def test_a_device_added_while_an_import_waits_its_turn_is_reported_not_crashed(operator, auth, client, monkeypatch):
    """The review's finding: the duplicate check ran before the lock, the unique index then answered 500."""
    notify(operator.company, "manufacturer")
    original = Company.lock_row.__func__

    def meanwhile(cls, company_id):  # another request adds the same device just before the import's turn
        if not MarketedDevice.select().exists():
            MarketedDevice.create(company=company_id, name="Meanwhile", reference="M", basic_udi_di=GMN,
                                  udi_di="09506000134352", emdn="Z12010101", device_class="IIa",
                                  marketed_from=datetime.date(2024, 1, 1))
        return original(cls, company_id)

    monkeypatch.setattr(Company, "lock_row", classmethod(meanwhile))
    response = import_file(client, auth, HEADER + f"Thermometer;TC-1;{GMN};09506000134352;Z12010101;IIa;no;31/01/2024\n")
    assert response.status_code == 422 and "already in the company's list" in body(response)
    assert [d.name for d in MarketedDevice.select()] == ["Meanwhile"]
