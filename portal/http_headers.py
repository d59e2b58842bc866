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


def init_app(app):
    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["PRODUCTION"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if "Cache-Control" not in headers and (request.blueprint in PRIVATE_PARTS or "login" in session):
            headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
            response.vary.add("HX-Request-Type")
            response.vary.add("HX-History-Restore-Request")  # a history restore gets the whole page
        return response
