"""Public pages: home, help, FAQ, guides, list of registered firms, the register in numbers."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import numbers, routes  # noqa: E402,F401  (routes attach themselves to bp)
