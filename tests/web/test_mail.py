"""The outbox: messages in the recipient's language, delivered by real SMTP,
kept and retried when the SMTP server is down, sent exactly once."""
import datetime

from aiosmtpd.controller import Controller

from portal import clock
from portal.models import OutboxMessage
from portal.web import mail
from tests.harness import Mailbox, free_port

PERSON = {"first_name": "Anna", "last_name": "Berg", "email": "anna@example.se"}
COMPANY = {"name": "Vision AB", "language": "nl"}


def queue_received(language="nl"):
    return mail.queue("anna@example.se", "registration_received", language,
                      "Ontvangen", person=PERSON, company=COMPANY, reference="REG-2026-000007")


def test_a_queued_message_is_delivered_by_smtp_in_the_recipients_language(app, db, mailbox):
    with app.app_context():
        queue_received("nl")
        assert mail.send_pending() == (1, 0)
    [message] = mailbox.received("anna@example.se")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "REG-2026-000007" in text and "REG-2026-000007" in html and "Vision AB" in text
    assert text.startswith("Beste Anna Berg,") and '<html lang="nl">' in html  # Dutch, whatever the request's language
    assert "Hello" not in text and "Bonjour" not in text
    assert OutboxMessage.get().sent_at is not None


def test_nothing_is_sent_twice(app, db, mailbox):
    with app.app_context():
        queue_received()
        mail.send_pending()
        assert mail.send_pending() == (0, 0)
    assert len(mailbox.received()) == 1


def test_smtp_down_then_back_sends_later_exactly_once(database_url, instance_dir, _schema, db):
    from tests.harness import clear_tables, make_app

    port = free_port()
    app = make_app(database_url, instance_dir, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=1)
    try:
        with app.app_context():
            queue_received()
            now = clock.utc()
            assert mail.send_pending(now) == (0, 1)  # nobody listens on that port
            message = OutboxMessage.get()
            assert message.sent_at is None and message.attempts == 1
            assert message.last_error == "ConnectionRefusedError"
            assert message.next_attempt_at > now
            assert mail.send_pending(now) == (0, 0)  # not due again yet

            late = Mailbox()
            server = Controller(late, hostname="127.0.0.1", port=port)
            server.start()
            try:
                later = now + datetime.timedelta(minutes=5)
                assert mail.send_pending(later) == (1, 0)
                assert mail.send_pending(later + datetime.timedelta(hours=2)) == (0, 0)
            finally:
                server.stop()
            assert len(late.messages) == 1
            assert OutboxMessage.get().sent_at is not None
            # The same Message-ID whatever the attempt: a receiver can drop a copy sent again after a crash.
            assert late.received()[0]["Message-ID"] == mail.message_id(OutboxMessage.get())
    finally:
        with app.app_context():
            clear_tables()


def test_back_off_grows_and_is_capped():
    assert mail.backoff(1) == datetime.timedelta(minutes=1)
    assert mail.backoff(2) == datetime.timedelta(minutes=2)
    assert mail.backoff(4) == datetime.timedelta(minutes=8)
    assert mail.backoff(20) == datetime.timedelta(hours=1)


def test_without_smtp_host_mail_goes_to_the_instance_outbox(database_url, tmp_path, _schema, db):
    from tests.harness import clear_tables, make_app

    app = make_app(database_url, tmp_path)
    with app.app_context():
        queue_received("fr")
        assert mail.send_pending() == (1, 0)
        files = list((tmp_path / "outbox").glob("*.eml"))
        assert len(files) == 1 and b"REG-2026-000007" in files[0].read_bytes()
        clear_tables()


def test_send_mail_command_flushes_the_outbox(app, db, mailbox, runner):
    with app.app_context():
        queue_received()
    result = runner.invoke(args=["portal", "send-mail"])
    assert "Sent 1 message(s)" in result.output
    assert len(mailbox.received()) == 1


def test_a_message_that_can_never_be_built_is_put_aside_and_the_queue_goes_on(app, db, mailbox, caplog):
    """Before: a CR/LF in an address raised on every run, and what was queued after it waited for ever."""
    with app.app_context():
        broken = mail.queue("victim@example.eu\r\nBcc: all@example.eu", "registration_received", "en",
                            "Received", person=PERSON, company=COMPANY, reference="REG-1")
        queue_received()
        assert mail.send_pending() == (1, 1)
        assert mail.send_pending() == (0, 0)  # never tried again
    broken = OutboxMessage.get_by_id(broken.id)
    assert broken.failed_at is not None and broken.sent_at is None
    assert len(mailbox.received()) == 1 and "put aside" in caplog.text


def test_a_subject_is_always_one_line(app, db, mailbox):
    with app.app_context():
        mail.queue("anna@example.se", "registration_received", "en", "Received\r\nBcc: all@example.eu",
                   person=PERSON, company=COMPANY, reference="REG-1")
        assert mail.send_pending() == (1, 0)
    [message] = mailbox.received()
    assert message["Subject"] == "Received Bcc: all@example.eu" and message["Bcc"] is None


def test_the_outbox_folder_keeps_every_file_inside_it(app, db, tmp_path):
    app.config.update(SMTP_HOST=None, INSTANCE_DIR=str(tmp_path))
    with app.app_context():
        mail.queue("../../escape@example.eu", "registration_received", "en", "Received",
                   person=PERSON, company=COMPANY, reference="REG-1")
        assert mail.send_pending() == (1, 0)
    files = list(tmp_path.rglob("*.eml"))
    assert len(files) == 1 and files[0].parent == tmp_path / "outbox"


def test_three_send_mail_runs_at_once_send_each_message_exactly_once(app, db, mailbox, database_url, smtp_server):
    """As cron on three app servers would: separate processes draining one outbox together."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    with app.app_context():
        for n in range(250):  # more than one batch of 100 for each run
            mail.queue(f"person{n}@example.se", "registration_received", "fr", f"Reçu {n}", person=PERSON,
                       company=COMPANY, reference=f"REG-2026-{n:06d}")
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PORTAL_ENV="development", PORTAL_DATABASE_URL=database_url, PORTAL_LOG_LEVEL="WARNING",
               PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(smtp_server.port))
    runs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "portal", "send-mail"], cwd=root,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    sent = [int(out.split()[1]) for out, _ in outputs]  # "Sent N message(s); …"
    recipients = [message["To"] for message in mailbox.received()]
    assert sum(sent) == 250 and len(recipients) == 250 and len(set(recipients)) == 250, (sent, len(recipients))
    assert OutboxMessage.select().where(OutboxMessage.sent_at.is_null()).count() == 0
    assert len({message["Message-ID"] for message in mailbox.received()}) == 250  # one per message
    print(f"sent by each run: {sent}")


def test_with_the_smtp_server_down_a_run_stops_after_one_batch(database_url, instance_dir, _schema, db):
    from tests.harness import clear_tables, make_app

    app = make_app(database_url, instance_dir, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=1)
    try:
        with app.app_context():
            for _ in range(150):
                queue_received()
            assert mail.send_pending(limit=100) == (0, 100)  # not 150 connection attempts in a row
            assert OutboxMessage.select().where(OutboxMessage.attempts == 0).count() == 50
    finally:
        with app.app_context():
            clear_tables()
