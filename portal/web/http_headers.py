"""Security and caching headers added to every response."""
from flask import request, session

# Parts whose pages show personal data, secrets or a draft: never stored by
# the browser's or a proxy's cache (the back button after logging out shows
# nothing).
PRIVATE_PARTS = frozenset({"auth", "wizard", "backoffice", "tiles", "access"})

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
# An htmx request gets a fragment, a history restore the whole page: caches keep them apart.
HTMX_VARY = ("HX-Request", "HX-Request-Type", "HX-History-Restore-Request")


def init_app(app):
    added = SECURITY_HEADERS + ((HSTS,) if app.config["PRODUCTION"] else ())

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # one pass, not one per header
        for name, value in added:
            if name.lower() not in present:
                headers.add(name, value)
        if "cache-control" not in present and (request.blueprint in PRIVATE_PARTS or "login" in session):
            headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html":
            if "vary" in present:
                for name in HTMX_VARY:
                    response.vary.add(name)
            else:
                headers["Vary"] = ", ".join(HTMX_VARY)
        return response
