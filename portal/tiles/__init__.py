"""The portal after login: the home page, then one module per tile."""
from flask import Blueprint

bp = Blueprint("tiles", __name__)

from portal.tiles import activities, company, company_rows, contributions, controls, dashboard, partners  # noqa: E402,F401  (the route modules attach their views to bp, once it exists)
