"""Access management ("Gestion des accès", guide 3.1–3.2.3): the main access
manager (GAP), the quality "Institution liée au domaine de la santé", its
access managers (GA, Co-GA) and its users with their applications."""
from flask import Blueprint

bp = Blueprint("access", __name__)

from portal.access import routes  # noqa: E402,F401  (the route modules attach their views to bp, once it exists)
