"""What several test modules share: data arranged the way the portal itself stores it, the agency's staff
and their login (by test client and by browser), a request sent through the real wizard, parallel calls,
PDF files, clean or carrying the EICAR test virus. Test modules import these from here, never from one another."""
import io
import re
import threading

import pyotp
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from portal.activities.notified import refresh_listing
from portal.models import (
    Account,
    Activity,
    Company,
    LegalRepresentative,
    LoginSession,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
    Registration,
    StaffMember,
)
from portal.people.passwords import hash_password
from portal.people.staff_roles import EVERY_ROLE
from tests.accounts import body
from tests.harness import EICAR, Clamd
from tests.wizard_driver import WizardDriver, csrf

STAFF_PASSWORD = "a long staff password 42"
STAFF_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_firm(name, country="DE", agency_number=None, activities=("manufacturer",),
              inactive=(), city="Berlin"):
    company = Company(country=country, agency_number=agency_number, city=city)
    company.set_name(name)
    company.save()
    company.save_name_words()
    for kind in activities:
        Activity.create(company=company, kind=kind, active=True)
    for kind in inactive:
        Activity.create(company=company, kind=kind, active=False)
    refresh_listing(company)
    return company


def give_autocontrole(person):
    """Make `person` (a company user of the harness) the main access manager and a GL of their company with
    "Autocontrôle" (and MEDSEIP): the tile "Mes contrôles" opens to them. Returns the person."""
    Company.update(main_access_manager=person).where(Company.id == person.company.id).execute()
    quality = Quality.create(company=person.company, kind="health_institution", contact_email="quality@musterfirma.de")
    member = QualityMember.create(quality=quality, person=person, role="ga", email=person.email)
    MemberApplication.insert_many([{"member": member.id, "application": a}
                                   for a in ("medseip", "autocontrole")]).execute()
    return person


def company_keeper(name, niss, password, secret, applications, company, person, function=""):
    """A company (`company`: its address and language) whose legal representative (`person`: names, sex,
    birth, e-mail, language) logs in with `password` and the TOTP `secret` and is its local manager with
    "medseip" and `applications`. The company and the person an earlier run left go first: a browser
    journey runs in three languages on one server. Returns (company, person)."""
    Company.delete().where(Company.name == name).execute()
    for earlier in Person.select().where(Person.niss == niss):
        LoginSession.delete().where(LoginSession.person == earlier).execute()
        earlier.delete_instance(recursive=True)
    firm = Company(**company)
    firm.set_name(name)
    firm.save()
    me = Person.create(niss=niss, **person)
    LegalRepresentative.create(company=firm, person=me, function=function)
    Account.create(person=me, password_hash=hash_password(password), must_change_password=False, totp_secret=secret)
    quality = Quality.create(company=firm, kind="health_institution", contact_email="q@" + person["email"].split("@")[1])
    member = QualityMember.create(quality=quality, person=me, role="ga", email=me.email)
    MemberApplication.insert_many([{"member": member.id, "application": a}
                                   for a in ("medseip", *applications)]).execute()
    return firm, me


# The agency's staff ------------------------------------------------------------------------------------

def make_staff(email="agent@afmps.be", name="Agent Peeters", secret=STAFF_SECRET, roles=EVERY_ROLE):
    staff = StaffMember.create(email=email, name=name, roles=" ".join(roles))
    Account.create(staff=staff, password_hash=hash_password(STAFF_PASSWORD), must_change_password=False,
                   totp_secret=secret)
    return staff


def staff_log_in(client, email="agent@afmps.be", lang="en", at=None):
    """A staff member's login through the test client: the CSRF token of the session it opened."""
    token = csrf(client, lang)
    response = client.post(f"/{lang}/staff/login",
                           data={"csrf_token": token, "email": email, "password": STAFF_PASSWORD})
    assert response.headers["Location"] == f"/{lang}/login/code", body(response)
    code = pyotp.TOTP(STAFF_SECRET).at(at) if at else pyotp.TOTP(STAFF_SECRET).now()
    response = client.post(f"/{lang}/login/code", data={"csrf_token": token, "code": code})
    assert response.status_code == 303 and "/staff/" in response.headers["Location"], body(response)
    return csrf(client, lang)  # a login gives the browser a new token


def staff_log_in_browser(visitor, lang="fr", button="Se connecter", email="agent@afmps.be"):
    """A staff member's login in the browser, from the home page's staff link."""
    page = visitor.page
    visitor.goto(f"/{lang}/")
    page.locator("#staff").get_by_role("link").click()
    visitor.check_page()
    page.locator("#field-email").fill(email)
    page.locator("#field-password").fill(STAFF_PASSWORD)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=button, exact=True).click()
    visitor.check_page()
    page.locator("#field-code").fill(pyotp.TOTP(STAFF_SECRET).now())
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=button, exact=True).click()
    visitor.check_page()


def approve_as_second(app, page_url, at=None):
    """A second staff member opens the page of a waiting request and approves it: (their client, the page
    after the approval)."""
    make_staff(email="second@afmps.be", name="Second Janssens")
    second = app.test_client()
    second.csrf = staff_log_in(second, email="second@afmps.be", at=at)
    action = re.search(r'action="(/en/staff/approvals/\d+/approve)"', body(second.get(page_url))).group(1)
    done = second.post(action, data={"csrf_token": second.csrf})
    assert done.status_code == 303, body(done)
    page = body(second.get(done.headers["Location"]))
    assert "enrolment-code" not in body(second.get(done.headers["Location"]))  # shown once
    return second, page


def submitted_request(app, **company):
    """A registration sent through the real wizard, from its own browser."""
    wizard = WizardDriver(app.test_client())
    wizard.identify()
    wizard.company(**company)
    wizard.add_unit()
    wizard.next("units")
    wizard.add_representative()
    wizard.add_representative(first_name="Erika", last_name="Mustermann", sex="F", birth_date="1982-11-23",
                              email="erika@musterfirma.de")
    wizard.next("representatives")
    assert wizard.submit().status_code == 303
    return Registration.get(Registration.token == wizard.draft)


# Parallel requests ---------------------------------------------------------------------------------------

def all_at_once(calls):
    """Run each call in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # a crash is a result too: the assertions show it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def codes(responses):
    return sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)


# Files ------------------------------------------------------------------------------------------------------

def a_pdf(script=False):
    """A one-page PDF; with a document-level script (as Acrobat runs on opening) when `script`."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if script:
        js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hello');")})
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"),
                                                                    writer._add_object(js)])})
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"):
                                                                      writer._add_object(tree)})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


VIRUS_FOUND = f"This file contains a virus ({Clamd.SIGNATURE}"  # what the person reads, in English
NOT_SCANNED = "could not be checked for viruses just now"


def an_infected_pdf():
    """A PDF that passes every check of pdf.py, with the EICAR test string after its end (as a virus rides
    along in a file): only the virus scanner refuses it."""
    return a_pdf() + b"\n" + EICAR + b"\n"


def every_row(db, skip=("schema_migration",)):
    """{table: {id: {column: value}}} of a whole database, stored files included (bytes), read through the
    peewee Database `db`; a table without an id keys its rows by their values."""
    found = {}
    for table in db.get_tables():
        if table in skip:
            continue
        cursor = db.execute_sql(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, [bytes(v) if isinstance(v, memoryview) else v for v in row])) for row in cursor]
        found[table] = {row["id"] if "id" in row else repr(sorted(row.items())): row for row in rows}
    return found
