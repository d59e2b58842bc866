"""Secrets in URLs never reach a log line.

A registration draft's address is its resume link, a reset link holds its
token, and the federal login's callback carries an authorization code: the
access logs of the development server (werkzeug) and of gunicorn, and the
app's own error log, would otherwise keep them. The filter rewrites each
record's message with those parts masked.
"""
import logging
import re

_PATTERNS = [
    (re.compile(r"(/register/)(?!\[hidden\])[A-Za-z0-9_-]{16,}"), r"\1[hidden]"),
    (re.compile(r"(/login/reset/)(?!\[hidden\])[A-Za-z0-9_-]{16,}"), r"\1[hidden]"),
    (re.compile(r"([?&](?:code|state|session_state)=)[^&\s\"']+"), r"\1[hidden]"),
    # A staff search names a person (NISS, e-mail, name), also inside a login's next=.
    (re.compile(r"(/staff/people(?:\?|%3F)q(?:=|%3D))[^&\s\"']+", re.I), r"\1[hidden]"),
]
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def mask(text):
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskSecrets(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def init_app(app):
    for logger in (app.logger, *map(logging.getLogger, LOGGERS)):
        if not any(isinstance(f, MaskSecrets) for f in logger.filters):
            logger.addFilter(MaskSecrets())
