"""The registration wizard for companies based outside Belgium (guide section 2)."""
from flask import Blueprint

bp = Blueprint("wizard", __name__)

from . import routes  # noqa: E402,F401
