"""Who may open what: the portal's pages need a company user's login, the
back office's a staff member's; and where a login may lead afterwards."""
import functools
import re
from urllib.parse import urlsplit

from flask import g, redirect, request, url_for

from . import sessions

_PORTAL_PATH = re.compile(r"^/(?:fr|nl|en)/portal(?:/|$)")
_STAFF_PATH = re.compile(r"^/(?:fr|nl|en)/staff/")


def login_required(view):
    """A portal page: only after a completed login (password, code, required actions)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        login = sessions.current()
        if login is None or login.person_id is None:
            return redirect(url_for("auth.choose", next=request.full_path.rstrip("?")), 303)
        g.account = login.account  # None after an eID/itsme login without a password account
        g.person = login.person
        return view(*args, **kwargs)
    return wrapper


def staff_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        login = sessions.current()
        if login is None or login.staff_id is None or not login.staff.active:
            return redirect(url_for("auth.staff_login", next=request.full_path.rstrip("?")), 303)
        g.staff = login.staff
        return view(*args, **kwargs)
    return wrapper


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
    """Only a page of the back office; anything else leads to the queue."""
    return local_path(target, _STAFF_PATH) or url_for("backoffice.queue_page")
