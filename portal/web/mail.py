"""Outgoing e-mail: an outbox table, and a sender with retries.

`queue()` writes a message in the caller's transaction, so a message exists
exactly when the change that causes it is committed. `send_pending()` runs
after commit (and from `flask --app wsgi portal send-mail`, for cron): it
claims each due message, sends it by SMTP, or, with no SMTP host configured,
writes it to instance/outbox/ as an .eml file. A failure leaves the message
for a later attempt, with growing back-off; it never rolls back the change.
Bodies are never logged: they may carry a temporary password.
"""
import datetime
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import peewee
from flask import current_app, render_template

from portal import clock
from portal.data.db import BaseModel
from portal.text.lazy_text import forced

log = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(hours=1)
CLAIM_FOR = datetime.timedelta(minutes=5)


class OutboxMessage(BaseModel):
    """An e-mail, written in the same transaction as the change that causes it,
    sent after commit; kept until sent, retried with back-off."""

    recipient = peewee.CharField(max_length=254)
    subject = peewee.CharField(max_length=300)
    text_body = peewee.TextField()
    html_body = peewee.TextField()
    created_at = peewee.DateTimeField(default=clock.utc)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=clock.utc, index=True)
    claimed_until = peewee.DateTimeField(null=True)
    sent_at = peewee.DateTimeField(null=True, index=True)
    last_error = peewee.CharField(max_length=300, null=True)
    # Set when the message can never be built or sent (a broken header):
    # it is put aside instead of blocking the queue with retries.
    failed_at = peewee.DateTimeField(null=True)


def queue(recipient, template, language, subject, **context):
    """Render `email/<template>.txt` and `.html` in `language` and store them."""
    with forced(language):
        message = OutboxMessage.create(
            recipient=recipient,
            subject=" ".join(str(subject).split())[:300],  # a header is one line
            text_body=render_template(f"email/{template}.txt", language=language, **context),
            html_body=render_template(f"email/{template}.html", language=language, **context),
        )
    return message


def backoff(attempts):
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim(message, now):
    """Take a message for sending; False when another process has it."""
    claimed = (OutboxMessage.update(claimed_until=now + CLAIM_FOR)
               .where((OutboxMessage.id == message.id) & OutboxMessage.sent_at.is_null()
                      & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < now)))
               .execute())
    return claimed == 1


def message_id(message):
    """The same for every attempt at one message, so that a receiver can drop the copy that a process
    killed between the SMTP server's "250" and the outbox's `sent_at` sends again; the creation time
    (microseconds) keeps two installations' row 7 apart."""
    created = message.created_at.strftime("%Y%m%d%H%M%S%f") if message.created_at else "0"
    return f"<outbox.{message.id}.{created}@portal.afmps.be>"


def _build(message, sender):
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message_id(message)
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


def _deliver(email, config):
    if not config.get("SMTP_HOST"):
        outbox = Path(config["INSTANCE_DIR"]) / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        # The address names the file, reduced to characters that cannot leave the folder.
        safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_"
                       for ch in email["To"].replace("@", "_at_"))[:100]
        path = outbox / f"{clock.utc():%Y%m%dT%H%M%S%f}-{safe}.eml"
        path.write_bytes(bytes(email))
        log.info("mail written to %s (to %s: %s)", path, email["To"], email["Subject"])
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(email)


def send_pending(now=None, limit=100, drain=True):
    """Send the messages that are due, `limit` at a time until none is left
    that no other run holds (`drain`; else one batch); returns (sent, failed).

    Runs at once (cron on each app server) share the outbox: each message is
    claimed by one run before it is sent, and a run reads only messages no
    other run holds, so together they send everything, each message once.
    Each batch reads the clock again: a long run never claims with a time
    already past (its claims would look expired to the next run)."""
    fixed = now
    sent = failed = 0
    while True:
        now = fixed or clock.utc()
        due = list(OutboxMessage.select()
                   .where(OutboxMessage.sent_at.is_null() & OutboxMessage.failed_at.is_null()
                          & (OutboxMessage.next_attempt_at <= now)
                          & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < now)))
                   .order_by(OutboxMessage.id).limit(limit))
        batch_sent, batch_failed = _send_batch(due, fixed)
        sent, failed = sent + batch_sent, failed + batch_failed
        # The last batch; or nothing went out (all taken by other runs, or the SMTP server down: the
        # next run tries again, rather than this one waiting on every message of a long queue).
        if not drain or len(due) < limit or not batch_sent:
            return sent, failed


def _send_batch(due, fixed):
    config = current_app.config
    sent = failed = 0
    for message in due:
        now = fixed or clock.utc()  # each message's claim and back-off from the time it is taken
        if not _claim(message, now):
            continue
        try:
            email = _build(message, config["MAIL_FROM"])
        except (ValueError, TypeError, LookupError) as error:
            # It can never be built (a header the mail library refuses):
            # retrying would block the queue forever. Put it aside.
            failed += 1
            (OutboxMessage.update(failed_at=now, claimed_until=None, last_error=type(error).__name__[:300])
             .where(OutboxMessage.id == message.id).execute())
            log.error("mail %s to %s put aside, it cannot be built: %s", message.id, message.recipient,
                      type(error).__name__)
            continue
        try:
            _deliver(email, config)
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            attempts = message.attempts + 1
            (OutboxMessage.update(attempts=attempts, next_attempt_at=now + backoff(attempts),
                                  claimed_until=None, last_error=type(error).__name__[:300])
             .where(OutboxMessage.id == message.id).execute())
            log.warning("mail %s to %s not sent (attempt %s): %s", message.id, message.recipient,
                        attempts, type(error).__name__)
            continue
        sent += 1
        (OutboxMessage.update(sent_at=clock.utc(), attempts=message.attempts + 1, claimed_until=None,
                              last_error=None)
         .where(OutboxMessage.id == message.id).execute())
    return sent, failed


def send_after_response():
    """Send what the request committed once its answer has gone out: a page
    whose e-mail depends on a secret fact (is this address known?) then
    answers in the same time whether a message was queued or not."""
    from flask import after_this_request

    app = current_app._get_current_object()

    @after_this_request
    def _later(response):
        def send():
            from portal.data.db import database

            with app.app_context():
                send_after_commit()
                if not database.is_closed():
                    database.close()
        response.call_on_close(send)
        return response


def send_after_commit():
    """Try to send right away what the request just committed (one batch: the
    backlog is cron's, not a person's request's); never raise."""
    try:
        send_pending(drain=False)
    except Exception:  # the outbox keeps the messages; cron retries them
        log.exception("sending the outbox failed")
