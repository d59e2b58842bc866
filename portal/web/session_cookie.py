"""Flask's signed session cookie, with its signature checked once per cookie.

Every request of a logged-in person brings the same cookie back until the
session changes. Flask builds a new serializer and checks the cookie's HMAC
(two HMACs, with the key derived again) at each one.
Here the serializer is made once per key, and a cookie whose signature was
checked is remembered by its whole value: the same bytes, the same valid
signature. Only its age is checked again, as itsdangerous checks it, and its
data is decoded anew each time (the session is a fresh dict; nothing is shared
between requests). A cookie changed by so much as a byte is another key, and
is checked in full.
"""
import time

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired

from portal.web.caches import SharedLru

# This portal's cookies are about 150 bytes (1.5 MB for all entries); a browser's largest, 4 KB, would
# make it 30 MB at worst. Only cookies whose signature holds are kept: a stranger's cookies can push
# entries out (a slower request), never in.
VERIFIED_COOKIES = 4096


class SessionCookies(SecureCookieSessionInterface):
    def __init__(self):
        self.serializers = {}
        self.verified = SharedLru(VERIFIED_COOKIES)

    def _keys(self, app):
        return (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))

    def get_signing_serializer(self, app, keys=None):
        if not app.secret_key:
            return None
        keys = keys or self._keys(app)
        serializer = self.serializers.get(keys)
        if serializer is None:
            serializer = self.serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        keys = self._keys(app)
        serializer = self.get_signing_serializer(app, keys)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (keys, value)
        known = self.verified.get(key)
        try:
            if known is None:
                known = self._unsign(serializer, value, max_age)
                self.verified.put(key, known)
            else:
                age = int(time.time()) - known[1]  # itsdangerous' own test of a signature's age
                if age > max_age or age < 0:
                    return self.session_class()
            return self.session_class(serializer.load_payload(known[0]))
        except BadSignature:  # a wrong signature, an expired one, a payload that does not decode
            return self.session_class()

    def save_session(self, app, session, response):
        """Flask's, where the cookie is written or removed; otherwise only what
        Flask adds then (Vary: Cookie when the session was read), without its
        header parsing."""
        if session.modified or (session and self.should_set_cookie(app, session)):
            return super().save_session(app, session, response)
        if session.accessed:
            vary_on_cookie(response)

    @staticmethod
    def _unsign(serializer, value, max_age):
        """(payload, signed at) of a cookie whose signature holds under one of the keys."""
        value = value.encode() if isinstance(value, str) else value
        last = None
        for signer in serializer.iter_unsigners():
            try:
                payload, signed_at = signer.unsign(value, max_age=max_age, return_timestamp=True)
                return payload, int(signed_at.timestamp())
            except SignatureExpired:  # signed by this key, and too old: no other key is tried
                raise
            except BadSignature as error:
                last = error
        raise last


def vary_on_cookie(response):
    """Add Cookie to the response's Vary header, as werkzeug's `vary.add` does."""
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Cookie"
    elif "cookie" not in (part.strip().lower() for part in vary.split(",")):
        response.headers["Vary"] = vary + ", Cookie"
