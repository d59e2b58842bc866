"""“Mes fabricants et représentants autorisés” (guide 5.5): what each activity keeps, the device
identifiers checked, the CSV import all or nothing and within bounds, the lists paged, the exports;
other companies' rows."""
import csv
import datetime
import io
import re

import pytest

from portal.models import (
    Activity,
    Company,
    MarketedDevice,
    MemberApplication,
    Quality,
    QualityMember,
    RepresentedCompany,
    Supplier,
)
from tests.builders import NOT_SCANNED, VIRUS_FOUND
from tests.harness import EICAR

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


def send_bytes(client, auth, data, lang="en", valid_only=False):
    """The import form sent with `data` as its file. The body is written here: the test client would
    spool a body of more than 500 KB to a temporary file that it never closes."""
    boundary = "partners-test-boundary"
    fields = {"csrf_token": auth.token, **({"valid_only": "yes"} if valid_only else {})}
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                   for name, value in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="devices_file"; filename="devices.csv"\r\n'
             f"Content-Type: text/csv\r\n\r\n")
    return client.post(f"/{lang}/portal/partners/devices/import",
                       content_type=f"multipart/form-data; boundary={boundary}",
                       data=body.encode() + data + f"\r\n--{boundary}--\r\n".encode())


def import_file(client, auth, text, valid_only=False):
    return send_bytes(client, auth, text.encode(), valid_only=valid_only)


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
    assert template.mimetype == "text/csv" and template.get_data().decode("utf-8-sig").startswith(HEADER.strip())


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


# Bounds: the lists paged, the import's answer short and its cost small, imports per day ------------------------

def gtin(number):
    """A GTIN-14 with its check digit, one per number."""
    digits = f"0950{number:09d}"
    return digits + str(-sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits))) % 10)


def device_lines(numbers, name="Device"):
    return "".join(f"{name} {n:05d};R-{n};{GMN};{gtin(n)};Z12010101;IIa;no;31/01/2024\n" for n in numbers)


def add_devices(company, numbers, name="Device"):
    now = datetime.datetime(2026, 1, 1)
    rows = [{"company": company.id, "name": f"{name} {n:05d}", "reference": f"R-{n}", "basic_udi_di": GMN,
             "udi_di": gtin(n), "emdn": "Z12010101", "device_class": "IIa", "marketed_from": datetime.date(2024, 1, 31),
             "created_at": now, "updated_at": now} for n in numbers]
    for start in range(0, len(rows), 500):
        MarketedDevice.insert_many(rows[start:start + 500]).execute()


def test_each_list_is_paged_and_paging_one_keeps_the_others(operator, client):
    notify(operator.company, "distributor", "manufacturer", "authorised_representative")
    add_devices(operator.company, range(1, 61))
    Supplier.insert_many([{"company": operator.company.id, "role": "manufacturer", "name": f"Supplier {n:02d}",
                           "country": "DE"} for n in range(1, 31)]).execute()
    RepresentedCompany.insert_many([{"company": operator.company.id, "name": f"Represented {n:02d}",
                                     "country": "US"} for n in range(1, 31)]).execute()
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    add_devices(other, range(1000, 1100), name="Theirs")
    page = body(client.get("/en/portal/partners"))
    for shown, hidden in (("Device 00025", "Device 00026"), ("Supplier 25", "Supplier 26"),
                          ("Represented 25", "Represented 26")):
        assert shown in page and hidden not in page, shown
    assert "Theirs" not in page

    # Without JavaScript: a plain link to the devices' page 3 keeps the suppliers on their page 2.
    page = body(client.get("/en/portal/partners/devices?devices_page=3&suppliers_page=2"))
    assert "Device 00051" in page and "Device 00060" in page and "Device 00050" not in page
    assert "Supplier 26" in page and "Supplier 25" not in page and "Represented 01" in page
    assert "Theirs" not in page and "Device 00061" not in page  # 60 devices of its own: 3 pages
    previous = re.search(r'<a href="([^"]*devices_page=2[^"]*)"[^>]*rel="prev"', page)
    assert previous and "suppliers_page=2" in previous.group(1)
    following = re.findall(r'<a href="([^"]*)"[^>]*rel="next"', page)
    assert any("represented_page=2" in href and "suppliers_page=2" in href for href in following)

    # With htmx: the devices' block alone.
    fragment = body(client.get("/en/portal/partners/devices?devices_page=2", headers=HTMX))
    assert "<html" not in fragment and 'id="devices-list"' in fragment
    assert "Device 00026" in fragment and "Device 00050" in fragment and "Supplier" not in fragment
    # … the suppliers then stay on the page the address bar shows, not on the one an older link names.
    swapped = client.get("/en/portal/partners/devices?devices_page=3",
                         headers=dict(HTMX, **{"HX-Current-URL": "http://localhost/en/portal/partners/suppliers"
                                                                 "?suppliers_page=2&devices_page=2"}))
    assert "Device 00051" in body(swapped) and "suppliers_page=2" in swapped.headers["HX-Push-Url"]
    assert "devices_page=3" in swapped.headers["HX-Push-Url"]
    assert re.search(r'href="[^"]*devices_page=2[^"]*suppliers_page=2|href="[^"]*suppliers_page=2[^"]*devices_page=2',
                     body(swapped))

    # Page numbers no person would type: the first or the last page, never an error.
    for value, shown in (("-3", "Device 00001"), ("0", "Device 00001"), ("abc", "Device 00001"), ("", "Device 00001"),
                         ("2.5", "Device 00001"), ("1e9", "Device 00001"), ("9" * 5000, "Device 00060"),
                         ("99999999999999999999", "Device 00060"), ("٣", "Device 00001")):
        response = client.get(f"/en/portal/partners?devices_page={value}&suppliers_page={value}"
                              f"&represented_page={value}")
        assert response.status_code == 200 and shown in body(response), value
        assert client.get(f"/en/portal/partners/represented?represented_page={value}",
                          headers=HTMX).status_code == 200, value


def test_a_list_page_is_only_for_its_activity(operator, client):
    notify(operator.company, "manufacturer")
    assert client.get("/en/portal/partners/devices").status_code == 200
    assert client.get("/en/portal/partners/suppliers").status_code == 404
    assert client.get("/en/portal/partners/represented", headers=HTMX).status_code == 404


def test_the_import_answers_with_counts_and_the_wrong_lines_only(operator, auth, client):
    notify(operator.company, "manufacturer")
    add_devices(operator.company, range(1, 301))  # already on the list: the answer shows one page of them
    wrong = "".join(f"Wrong {n};R;{GMN};{gtin(n)};Z12010101;IX;no;31/01/2024\n" for n in range(2000, 2150))
    response = import_file(client, auth, HEADER + device_lines(range(1000, 1200)) + wrong, valid_only=True)
    page = body(response)
    assert response.status_code == 200 and MarketedDevice.select().count() == 500
    for count in ("350 lines read.", "200 devices imported.", "150 lines refused."):
        assert count in page, count
    assert len(re.findall(r"Line \d+:", page)) == 100 and "Line 202:" in page and "Line 301:" in page
    assert "Line 302:" not in page and "And 50 more lines." in page
    assert page.count("<tr>") <= 26 and len(response.data) < 150_000  # one page of devices, not all 500


def test_a_file_of_blank_lines_is_refused_plainly(operator, auth, client):
    notify(operator.company, "manufacturer")
    for blank in ("\n" * 2_000_000, " ; ;\r\n" * 300_000, ";;;;;;;;\n" * 200_000):
        response = import_file(client, auth, HEADER + blank)
        assert response.status_code == 422 and "The file lists no device" in body(response)
    assert not MarketedDevice.select().exists()
    with_blanks = import_file(client, auth, HEADER + "\n" * 100_000 + device_lines([7]) + " ; \n" * 1000)
    assert "1 line read." in body(with_blanks) and "1 device imported." in body(with_blanks)


def test_imports_are_bounded_per_company_and_brussels_day(app, operator, auth, client):
    """Ten files a day, whatever they hold; refused before the file is read, in the person's language."""
    notify(operator.company, "manufacturer")
    from zoneinfo import ZoneInfo

    day = datetime.datetime.now(ZoneInfo("Europe/Brussels")).replace(hour=0, minute=0, second=0, microsecond=0)
    day -= datetime.timedelta(days=1)  # a midnight in Brussels before the session began (22:00 or 23:00 UTC)
    moment = [(day - datetime.timedelta(minutes=10)).timestamp()]
    app.config["CLOCK"] = lambda: moment[0]
    for number in range(10):
        assert import_file(client, auth, HEADER + device_lines([number], name="Bad")[:-3] + "X\n").status_code == 422
    refused = send_bytes(client, auth, b"\xff\xfe not even UTF-8")
    page = body(refused)
    assert refused.status_code == 429 and "At most 10 imports a day" in page and "Save the file as CSV" not in page
    french = body(send_bytes(client, auth, (HEADER + device_lines([99])).encode(), lang="fr"))
    assert "Au plus 10 importations par jour" in french and not MarketedDevice.select().exists()
    moment[0] += 20 * 60  # ten past midnight in Brussels: a new day
    assert "1 device imported." in body(import_file(client, auth, HEADER + device_lines([99])))


def test_every_export_starts_with_a_bom_for_spreadsheets(operator, auth, client):
    notify(operator.company, "distributor", "manufacturer", "authorised_representative")
    add_devices(operator.company, [1])
    MarketedDevice.update(name="Thermomètre").execute()
    Supplier.create(company=operator.company, role="manufacturer", name="Medizintechnik Süd", country="DE")
    for path in ("devices.csv", "suppliers.csv", "represented.csv", "devices/template.csv"):
        raw = client.get(f"/en/portal/partners/{path}").get_data()
        assert raw.startswith("\ufeff".encode()) and not raw.startswith(("\ufeff" * 2).encode()), path
    rows = list(csv.reader(io.StringIO(client.get("/en/portal/partners/devices.csv").get_data().decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0][0] == "name" and rows[1][0] == "Thermomètre"
    suppliers = client.get("/en/portal/partners/suppliers.csv").get_data().decode("utf-8-sig")
    assert "Medizintechnik Süd" in suppliers  # the export of the suppliers answered 500 (a join written wrong)


def test_a_device_file_carrying_a_virus_or_not_scanned_is_refused_and_nothing_is_imported(app, operator, auth, client,
                                                                                           virus_scanner, tmp_path):
    notify(operator.company, "manufacturer")
    lines = HEADER + f"Thermometer;TC-1;{GMN};09506000134352;Z12010101;IIa;no;31/01/2024\n"
    infected = send_bytes(client, auth, lines.encode() + EICAR + b"\n")
    assert infected.status_code == 422 and VIRUS_FOUND in body(infected)
    assert not MarketedDevice.select().exists()
    app.config["CLAMD_SOCKET"] = str(tmp_path / "stopped-clamd.sock")
    unscanned = import_file(client, auth, lines)
    assert unscanned.status_code == 422 and NOT_SCANNED in body(unscanned)
    assert not MarketedDevice.select().exists()
    app.config["CLAMD_SOCKET"] = virus_scanner.socket
    assert import_file(client, auth, lines).status_code == 200 and MarketedDevice.select().count() == 1
