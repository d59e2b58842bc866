"""Public pages: home, help, FAQ, guides, list of registered firms, the register in numbers, the register as
open data and its API."""
from flask import Blueprint

bp = Blueprint("public", __name__)

# The route modules attach themselves to bp: the pages, the register in numbers, its downloads and firm
# pages, its API.
from portal.public import api, numbers, open_data, routes  # noqa: E402,F401
