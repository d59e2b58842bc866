"""Logging in: NISS + password + TOTP (Keycloak-style), required actions."""
from flask import Blueprint

from portal.logins import device

bp = Blueprint("auth", __name__)
bp.after_app_request(device.set_cookie)

from portal.auth import account, csam_routes, passkey_login, reset, routes, strength  # noqa: E402,F401  (the route modules attach their views to bp, once it exists)
