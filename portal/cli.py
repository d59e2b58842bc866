"""`flask --app wsgi portal …` commands for operators."""
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from portal.data import migrations
from portal.people.staff_roles import EVERY_ROLE

portal = AppGroup("portal", help="Operate the portal: database, demo data, mail.")


@portal.command("migrate")
def migrate_command():
    """Apply the pending schema migrations."""
    applied = migrations.migrate()
    click.echo(f"Applied {len(applied)} migration(s)." if applied else "The schema is up to date.")
    for name in applied:
        click.echo(f"  {name}")


@portal.command("init-db")
def init_db_command():
    """Create the schema on an empty database (same as migrate)."""
    migrate_command.callback()


@portal.command("seed-demo")
@click.option("--firms", default=300, show_default=True, help="How many demo firms.")
def seed_demo_command(firms):
    """Fill the database with demo firms; does nothing when they already exist."""
    from portal.demo.firms import seed_demo

    created = seed_demo(firms)
    if created:
        click.echo(f"Created {created} demo firms.")
    else:
        click.echo("Demo data already present; nothing to do.")
    if current_app.config["DEVELOPMENT"]:  # people with known passwords: never on a real server
        from portal.demo.people import PASSWORD, seed_people

        people = seed_people()
        if people:
            click.echo(f"Demo people (password “{PASSWORD}”; each links an authenticator at the first login):")
            for niss, name, role in people:
                click.echo(f"  {niss}  {name:<24} {role}")
            from portal.companies.models import Company
            from portal.demo.people import PEOPLE
            from portal.demo.tiles import seed_tiles
            from portal.people.models import Person

            gap = Person.get(Person.niss == PEOPLE[0][0])
            company = Company.select().where(Company.is_demo == True).order_by(Company.id).first()  # noqa: E712  (a peewee expression: SQL's = TRUE)
            for line in seed_tiles(company, gap):
                click.echo(f"  {company.name}: {line}")
        from portal.demo.belgians import seed_belgians

        for line in seed_belgians(current_app.config["INSTANCE_DIR"], current_app.config["BASE_URL"]):
            click.echo(f"  {line}")


@portal.command("import-kbo")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--update", is_flag=True, help="PATH is an update extract (its *_delete.csv / *_insert.csv files).")
def import_kbo_command(path, update):
    """Import the BCE/KBO open data extract PATH.zip (FPS Economy), then bring the Belgian companies up to date."""
    from portal.bce.kbo_import import ExtractRefused, import_extract, total_size

    try:
        size = total_size(path, update)
    except Exception:  # not a ZIP, or files missing: import_extract says so below
        size = None
    try:
        with click.progressbar(length=size or 1, label="Importing", file=sys.stderr) as bar:
            extract = import_extract(path, update=update, progress=bar.update)
    except ExtractRefused as refused:
        raise click.ClickException(f"Nothing imported: {refused.message}")
    rows = sum(json.loads(extract.rows).values())
    click.echo(f"Imported {extract.kind} extract {extract.number} of {extract.snapshot_date:%d-%m-%Y}: "
               f"{rows:,} rows in {extract.seconds:.1f} s{_peak_memory()}.")


def _peak_memory():
    """", peak memory N MiB" of this process (Linux's VmHWM: its own pages, not its parent's before exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return f", peak memory {int(line.split()[1]) / 1024:,.0f} MiB"
    except OSError:
        pass
    return ""


@portal.command("remind-contributions")
def remind_contributions_command():
    """E-mail the registered firms that have not declared a contribution due soon (run it daily)."""
    from portal.contributions.declarations import remind

    click.echo(f"Reminded {remind()} compan(y/ies).")


@portal.command("send-mail")
def send_mail_command():
    """Send the e-mails waiting in the outbox (run it from cron every minute)."""
    from portal.web.mail import send_pending

    sent, failed = send_pending()
    click.echo(f"Sent {sent} message(s); {failed} will be retried later.")


@portal.command("purge-drafts")
def purge_drafts_command():
    """Delete registration drafts untouched for PORTAL_DRAFT_RETENTION_DAYS days,
    logins abandoned halfway and old rate-limit windows; recount the staff queue's tabs."""
    from portal.logins import flow
    from portal.registrations import tally as request_tally
    from portal.registrations.drafts import purge_stale_drafts
    from portal.web import rate_limit

    days = current_app.config["DRAFT_RETENTION_DAYS"]
    click.echo(f"Deleted {purge_stale_drafts(days)} draft(s) untouched for {days} days.")
    click.echo(f"Forgot {flow.purge()} unfinished login(s) and {rate_limit.purge()} rate-limit window(s).")
    wrong = request_tally.recount()
    click.echo("Recounted the requests of each status: " + (", ".join(
        f"{status} {tallied} -> {counted}" for status, (tallied, counted) in wrong.items()) or "the tally was right."))


@portal.command("recheck-vat")
def recheck_vat_command():
    """Ask VIES again about the VAT numbers it could not check at registration."""
    from portal.registrations.vat_recheck import recheck_unverified

    confirmed, invalid, waiting = recheck_unverified()
    click.echo(f"VIES confirmed {confirmed}, refused {invalid}, still could not check {waiting}.")


@portal.command("create-staff")
@click.option("--email", required=True, help="The staff member's e-mail address (their login).")
@click.option("--name", required=True, help="Their name, as shown in the audit trail.")
@click.option("--password", help="For scripts; without it the password is asked twice.")
@click.option("--role", "roles", multiple=True,
              type=click.Choice(EVERY_ROLE),
              help="A role (repeat for several; all_dossiers goes with inspector). Without any, every role: an "
                   "administrator narrows them later.")
def create_staff_command(email, name, password, roles):
    """Create an agency staff account."""
    from portal.data.db import database
    from portal.logins import password_policy
    from portal.people import staff_roles
    from portal.people.models import Account, StaffMember
    from portal.people.passwords import hash_password
    from portal.text.lazy_text import forced

    try:
        held = staff_roles.stored(roles or EVERY_ROLE)
    except ValueError as refused:
        raise click.ClickException(str(refused))
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    email = email.strip().lower()
    with forced("en"):
        problem = password_policy.problems(password, (email.split("@")[0], *name.split()))
        if problem:
            raise click.ClickException(str(problem))
    if StaffMember.select().where(StaffMember.email == email).exists():
        raise click.ClickException(f"A staff account for {email} exists already.")
    with database.atomic():
        staff = StaffMember.create(email=email, name=name.strip(), roles=held)
        Account.create(staff=staff, password_hash=hash_password(password), must_change_password=False)
    click.echo(f"Created the staff account {email} ({staff.roles.replace(' ', ', ')}); they link an authenticator app at "
               "their first login.")


def init_app(app):
    app.cli.add_command(portal)
    app.config.setdefault("MIGRATIONS_DIR", str(migrations.DIRECTORY))
