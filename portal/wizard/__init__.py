"""The registration wizard for companies based outside Belgium (guide section 2), and the request of a
person logged in by eID to act for a Belgian enterprise (belgian_routes)."""
from flask import Blueprint

bp = Blueprint("wizard", __name__)

from portal.wizard import belgian_routes, routes  # noqa: E402,F401  (the route modules attach their views to bp, once it exists)
