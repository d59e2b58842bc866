"""Public pages: home, help, FAQ, guides, list of registered firms, the register as open data and its API."""
from flask import Blueprint

bp = Blueprint("public", __name__)

# The route modules attach themselves to bp: the pages, the register's downloads and firm pages, its API.
from portal.public import api, open_data, routes  # noqa: E402,F401
