"""The agency's back office: staff log in, review registration requests."""
from flask import Blueprint

bp = Blueprint("backoffice", __name__)

from portal.backoffice import (  # noqa: E402,F401  (the route modules attach their views to bp, once it exists)
    approval_routes,
    contribution_routes,
    inspection_routes,
    numbers,
    routes,
    staff_routes,
)
