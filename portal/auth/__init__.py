"""Logging in: NISS + password + TOTP (Keycloak-style), required actions."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account, csam_routes, reset, routes  # noqa: E402,F401
