"""Hostile input from every role: a visitor, two Belgians logged in by eID (one acting for two
enterprises, one unknown who may ask to act for one), a company's main access manager, a user with
three applications, and agency staff. Each crawls what it can reach, once in each of the three languages, submits every form it finds
with and without htmx headers, filled with empty, huge (1 MB), control characters, an RTL override,
NUL, SQL and template injection, markup, wrong types, forged choices and random bytes as files.

Never a 5xx; never the markup sent back unescaped; a refusal is a page in the user's language (and,
where it lists problems, under that language's heading, with no other language's); and afterwards every page is crawled again: nothing stored breaks a page later.
The seed is printed; FUZZ_SEED=… repeats a run.
"""
import io
import os
import random
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest

from portal.demo.belgians import FIRST_NAME, LAST_NAME, NEWCOMER, NISS
from portal.demo.people import PEOPLE
from portal.models import Account
from tests.harness import AuthActions

SEED = int(os.environ.get("FUZZ_SEED", "20261130"))
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}
MARKUP = '<script>alert("fuzz")</script><img src=x onerror=alert(1)>'
PAYLOADS = [
    "", " ", "x" * (1024 * 1024), "\x01\x02\x07\x1b[31m\x7f", "\u202eevil\u202c", "a\x00b",
    "' OR '1'='1'; DROP TABLE company; --", "{{ 7*7 }}{% for x in range(9) %}{% endfor %}${7*7}", MARKUP,
    "-1", "99999999999999999999999", "1e309", "NaN", "2026-02-30", "31/13/2026", "ZZ-not-an-option",
    "🙂" * 50, "%s%s%n", "../../etc/passwd", "\r\nSet-Cookie: injected=1",
]
SKIP_ACTIONS = re.compile(r"/logout$")  # would end the session the crawl goes on with
MAX_PAGES = 120
# The heading of the error summary, per language: a refusal listing problems shows its own language's only.
PROBLEM_HEADING = {"fr": "Il y a un problème", "nl": "Er is een probleem", "en": "There is a problem"}


class Page(HTMLParser):
    """The links and forms of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms, self._form, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                          "fields": {}, "files": set(), "choices": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button") and attrs.get("name"):
            name = attrs["name"]
            if tag == "input" and attrs.get("type") == "file":
                self._form["files"].add(name)
            else:
                self._form["fields"].setdefault(name, attrs.get("value") or "")
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select and self._form is not None:
            self._form["choices"].setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse(html):
    page = Page()
    page.feed(html)
    return page


def local(base, href, lang):
    target = urlsplit(urljoin(base, href))
    if target.netloc not in ("", "localhost") or not target.path.startswith(f"/{lang}/"):
        return None
    return target.path + (f"?{target.query}" if target.query else "")


class Role:
    def __init__(self, name, client, start, lang):
        self.name, self.client, self.lang = name, client, lang
        self.start = f"/{lang}{start}"
        self.csrf = None

    def get(self, path, headers=None):
        response = self.client.get(path, headers=headers or {})
        if response.mimetype == "text/html":
            found = re.search(r'name="csrf-token" content="([^"]+)"', response.get_data(as_text=True))
            self.csrf = found.group(1) if found else self.csrf
        return response


def crawl(role, problems):
    """Every page reachable from the role's start by links: {path: forms}."""
    seen, queue, forms = set(), deque([role.start]), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        key = re.sub(r"\d+", "N", urlsplit(path).path)  # one page per shape of address (not every row's)
        if key in seen:
            continue
        seen.add(key)
        response = role.get(path)
        check(role, "GET", path, response, problems)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = parse(response.get_data(as_text=True))
        for href in page.links:
            target = local(path, href, role.lang)
            if target and not target.endswith((".pdf", ".csv")):
                queue.append(target)
        for form in page.forms:
            action = local(path, form["action"] or path, role.lang)
            if action and not SKIP_ACTIONS.search(action):
                forms.setdefault((form["method"], action, tuple(sorted(form["fields"]))), form)
    return seen, forms


def check(role, method, path, response, problems, htmx=False):
    where = f"{role.name} ({role.lang}) {method} {path}{' (htmx)' if htmx else ''} -> {response.status_code}"
    if response.status_code >= 500:
        problems.append(where)
        return
    text = response.get_data(as_text=True) if response.mimetype in ("text/html", "text/plain") else ""
    if MARKUP in text or "<script>alert" in text:
        problems.append(f"{where}: markup sent back unescaped")
    if response.status_code in (400, 413, 422, 429) and response.mimetype == "text/html" and not htmx:
        if f'<html lang="{role.lang}"' not in text:  # the page's own; the language links carry the others
            problems.append(f"{where}: a refusal not in the user's language")
    if response.status_code == 422 and response.mimetype == "text/html":
        others = [heading for lang, heading in PROBLEM_HEADING.items() if lang != role.lang and heading in text]
        if others:
            problems.append(f"{where}: a refusal headed in another language ({others[0]!r})")
        elif 'id="error-summary"' in text and PROBLEM_HEADING[role.lang] not in text:
            problems.append(f"{where}: a list of problems without its heading in the user's language")


def hostile(form, rng):
    """The form filled with payloads: each field one, a forged choice for a select now and then."""
    data = {}
    # One field gets the megabyte, not all of them; not beside a file (the test client would spool that
    # body to a temporary file it never closes: its leak, not the portal's; files have their own cases).
    huge = rng.choice(list(form["fields"]) or [None]) if not form["files"] else None
    for name, value in form["fields"].items():
        if name == "csrf_token":
            data[name] = value
        elif name == huge:
            data[name] = "x" * (1024 * 1024)
        elif name in form["choices"] and rng.random() < 0.5:
            data[name] = rng.choice(form["choices"][name] + ["ZZ-not-an-option"])
        else:
            data[name] = rng.choice(PAYLOADS[:2] + PAYLOADS[3:])
    for name in form["files"]:
        data[name] = (io.BytesIO(rng.randbytes(rng.choice([0, 10, 5000]))), rng.choice(["a.pdf", "b.docx", "c.exe"]))
    return data


def company_person(app, niss):
    """A demo person of the first demo firm, logged in with an authenticator of the test's own."""
    client = app.test_client()
    auth = AuthActions(app, client)
    secret = pyotp.random_base32()
    account = Account.get(Account.person == Account.person.rel_model.get(niss=niss).id)
    Account.update(totp_secret=secret, password_hash=Account.password_hash).where(Account.id == account.id).execute()
    from portal.people.passwords import hash_password

    Account.update(password_hash=hash_password(AuthActions.PASSWORD)).where(Account.id == account.id).execute()
    auth._log_in("/en/login/afmps", {"username": niss}, secret)
    return client


def eid_client(app, niss, given_name, surname):
    client = app.test_client()
    page = client.get("/fr/login/csam").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = client.post("/fr/login/csam/simulator", data={"csrf_token": token, "niss": niss,
                                                             "given_name": given_name, "surname": surname})
    assert response.status_code == 303
    return client


@pytest.fixture(params=["fr", "nl", "en"])
def roles(request, app, db, runner):
    lang = request.param
    assert runner.invoke(args=["portal", "seed-demo", "--firms", "30"]).exit_code == 0
    staff_client = app.test_client()
    AuthActions(app, staff_client).staff()
    return [
        Role("visitor", app.test_client(), "/", lang),
        # By eID (the simulator): a Belgian the demo links to two BCE enterprises, and one it does not know,
        # who may ask to act for an enterprise (the form with the mandate's file).
        Role("eid, two enterprises", eid_client(app, NISS, FIRST_NAME, LAST_NAME), "/portal", lang),
        Role("eid, newcomer", eid_client(app, *NEWCOMER), "/portal", lang),
        Role("manager", company_person(app, PEOPLE[0][0]), "/portal", lang),
        Role("user", company_person(app, PEOPLE[2][0]), "/portal", lang),
        Role("staff", staff_client, "/staff/registrations", lang),
    ]


def test_every_form_of_every_role_survives_hostile_input(roles):
    rng = random.Random(SEED)
    print(f"fuzz seed {SEED} (FUZZ_SEED={SEED} repeats this run)")
    problems, pages, submissions, forms_total, statuses = [], {}, 0, 0, {}
    for role in roles:
        seen, forms = crawl(role, problems)
        pages[role.name] = seen
        forms_total += len(forms)
        for (method, action, _), form in sorted(forms.items(), key=lambda item: item[0][:2]):
            for headers in ({}, HTMX):
                for _ in range(2):
                    role.get(role.start)  # a fresh token: a refused form may have been the last page
                    data = hostile(form, rng)
                    if "csrf_token" in data:
                        data["csrf_token"] = role.csrf or ""
                    if method == "get":
                        query = {k: v for k, v in data.items() if isinstance(v, str) and len(v) < 2000}
                        response = role.client.get(action, query_string=query, headers=headers)
                    else:
                        response = role.client.post(action, data=data, headers={**headers, "X-CSRF-Token": role.csrf or ""},
                                                    content_type="multipart/form-data" if form["files"] else None)
                    submissions += 1
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    check(role, method.upper(), action, response, problems, htmx=bool(headers))
    for role in roles:  # what the fuzz stored must not break a page later
        crawl(role, problems)
    print(f"{roles[0].lang}: {sum(len(s) for s in pages.values())} pages, {forms_total} forms, {submissions} submissions, "
          f"{len(problems)} problems; pages by role {dict((r, len(s)) for r, s in pages.items())}; "
          f"answers {dict(sorted(statuses.items()))}")
    assert not problems, "\n".join(problems[:40])
