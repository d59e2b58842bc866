"""Who is asking, and what they may open: the portal's pages need a company
user's login, the back office's a staff member's; and where a login may lead
afterwards.

`current_user` (flask-login) is loaded from this request's login session
row; company users and staff never share one (a session carries a person or
a staff member, never both)."""
import functools
import re
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import AnonymousUserMixin, current_user

from portal.data.prepared import Prepared, slot
from portal.extensions import login_manager
from portal.people import sessions

_PORTAL_PATH = re.compile(r"^/(?:fr|nl|en)/portal(?:/|$)")
_STAFF_PATH = re.compile(r"^/(?:fr|nl|en)/staff/")


class User:
    """Someone logged in: a company user (`person`, and `account` unless they
    came by eID without a password account) or a staff member (`staff`)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, login):
        self.login = login
        self.person = login.person if login.person_id else None
        self.account = login.account if login.account_id else None
        self.staff = login.staff if login.staff_id else None
        if self.staff is not None and self.account is None:  # a staff session from before it carried the account
            self.account = self.staff.account

    def get_id(self):
        return str(self.login.id)

    @property
    def is_staff(self):
        return self.staff is not None and self.staff.active

    @property
    def name(self):
        if self.staff is not None:
            return self.staff.name
        return f"{self.person.first_name} {self.person.last_name}"


class Visitor(AnonymousUserMixin):
    person = account = staff = login = None
    is_staff = False


@login_manager.request_loader
def _load_user(request):
    login = sessions.current()
    return User(login) if login is not None else None


login_manager.anonymous_user = Visitor


def login_required(view):
    """A portal page: only after a completed login (password, code, required actions)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.person is None:
            return redirect(url_for("auth.choose", next=request.full_path.rstrip("?")), 303)
        return view(*args, **kwargs)
    return wrapper


def staff_required(view):
    """A back-office page for every active staff member, whatever their roles (the back office's home,
    "Mon compte"). The role x route test reads `any_staff`."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_staff:
            return redirect(url_for("auth.staff_login", next=request.full_path.rstrip("?")), 303)
        return view(*args, **kwargs)
    wrapper.any_staff = True
    return wrapper


def role_required(*roles):
    """A back-office page for the staff members holding one of `roles` (people.staff_roles): a visitor
    is sent to the staff login, a staff member without the role gets 403. The roles stay on the view
    (`staff_roles`), where the role x route test reads them."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_staff:
                return redirect(url_for("auth.staff_login", next=request.full_path.rstrip("?")), 303)
            if not current_user.staff.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        wrapper.staff_roles = roles
        return wrapper
    return decorate


# The back office's sections, in the menu's order (base.html); each opens to its view's roles.
STAFF_SECTIONS = ("backoffice.queue_page", "backoffice.numbers_page", "backoffice.companies_page",
                  "backoffice.inspections_page", "backoffice.contributions_page", "backoffice.people", "backoffice.approvals_page",
                  "backoffice.staff_members_page")


def may_open(endpoint):
    """Whether the staff member of this session holds a role of the view at `endpoint` (the roles its
    `role_required` names): what the menu and the pages show is what the routes let through."""
    view = current_app.view_functions[endpoint]
    if getattr(view, "any_staff", False):
        return current_user.is_staff
    return current_user.is_staff and current_user.staff.has_role(*getattr(view, "staff_roles", ()))


def first_staff_section():
    """The endpoint of the first section the staff member may open, or None."""
    return next((endpoint for endpoint in STAFF_SECTIONS if may_open(endpoint)), None)


def init_app(app):
    app.jinja_env.globals["may_open"] = may_open


def local_path(target, allowed):
    """`target` as a browser would read it, if it is a path of this site that
    `allowed` matches; else None. Browsers drop tabs and line breaks from a
    URL and read a backslash as a slash, so "/\\tevil.com" or "/\\\\evil.com"
    lead to another site: they are read the same way here first."""
    if not target:
        return None
    cleaned = re.sub(r"[\t\r\n]", "", target).replace("\\", "/").strip()
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not allowed.match(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def safe_next(target):
    """Only a page of the portal itself; anything else leads to the portal's home."""
    return local_path(target, _PORTAL_PATH) or url_for("tiles.dashboard")


def safe_staff_next(target):
    """Only a page of the back office; anything else leads to the back office's home."""
    return local_path(target, _STAFF_PATH) or url_for("backoffice.home")


COMPANY_KEY = "company"


def current_company():
    """The company the person works for in this session: their choice, if it
    is still one of theirs, else their only company; None when they must
    choose (Figure 8). Never another company than theirs, whatever was sent."""
    from flask import g, session

    from portal.rights.access_rights import companies_of

    if "company" in g:
        return g.company
    companies = companies_of(current_user.person)
    chosen = session.get(COMPANY_KEY)
    company = next((c for c in companies if c.id == chosen), None)
    if company is None and len(companies) == 1:
        company = companies[0]
    g.company, g.companies = company, companies
    return company


def owned_or_404(model, row_id, joined=None):
    """A row of `model` that belongs to the session's company; 404 for any other
    id, another company's included: one company never learns that another's exists.
    `joined`: a model its foreign key names, read in the same query (a contact's person)."""
    from flask import abort

    company = current_company()
    prepared = _OWNED.get((model, joined))
    if prepared is None:  # one prepared statement per model (prepared.py)
        prepared = _OWNED[model, joined] = Prepared(lambda: (
            model.select(model, joined).join(joined) if joined else model.select()).where(
            (model.id == slot("id")) & (model.company == slot("company"))).limit(1))
    found = prepared.first(id=row_id, company=company.id) if company is not None and row_id is not None else None
    if found is None:
        abort(404)
    return found


_OWNED = {}


def choose_company(company_id):
    """Keep the person's choice, if the company is theirs; returns it or None."""
    from flask import g, session

    from portal.rights.access_rights import companies_of

    companies = companies_of(current_user.person)
    company = next((c for c in companies if c.id == company_id), None)
    if company is not None:
        session[COMPANY_KEY] = company.id
        g.company, g.companies = company, companies
    return company


def company_required(view):
    """A page about the session's company: without one chosen, the choice."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_company() is None:
            return redirect(url_for("tiles.dashboard"), 303)
        return view(*args, **kwargs)
    return login_required(wrapper)


def application_required(application):
    """A tile's page or action: only for a person whose access, for the
    session's company, includes `application`; otherwise the portal's home,
    which says what is missing and who grants it."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from portal.rights.access_rights import rights

            if not rights(current_user.person, current_company()).has(application):
                return redirect(url_for("tiles.dashboard"), 303)
            return view(*args, **kwargs)
        return company_required(wrapper)
    return decorate
