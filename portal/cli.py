"""`flask --app wsgi portal …` commands for operators."""
import json
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.data import migrations
from portal.people.staff_roles import EVERY_ROLE

portal = AppGroup("portal", help="Operate the portal: database, demo data, mail.")


@portal.command("migrate")
def migrate_command():
    """Apply the pending schema migrations."""
    try:
        applied = migrations.migrate()
    except migrations.SchemaTooNew as refused:
        raise click.ClickException(str(refused))
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


@portal.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
def backup_command(dest):
    """Write a consistent copy of the database to DEST while the portal runs (SQLite's online backup, or
    pg_dump --format=custom), and its manifest to DEST.manifest.json."""
    from portal.backups import operations

    try:
        made = operations.backup(current_app.config["DATABASE_URL"], dest, _progress("Backing up"),
                                 current_app.config.get("PG_BIN"))
    except operations.BackupError as failed:
        raise click.ClickException(f"No backup was written: {failed}")
    finally:
        click.echo(err=True)  # ends the progress line
    click.echo(f"Backed up {len(made['tables'])} tables, {sum(made['tables'].values()):,} rows and "
               f"{sum(f['files'] for f in made['files'].values()):,} stored files at level {made['level']} into "
               f"{dest}: {made['size'] / 1e6:,.1f} MB in {made['seconds']:.2f} s.")


@portal.command("restore")
@click.argument("src", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace everything the database holds (otherwise only an empty one).")
def restore_command(src, force):
    """Restore the backup SRC into the configured (empty) database, after checking it against its manifest,
    then migrate it forward to this release."""
    from portal.backups import operations

    began = time.monotonic()
    try:
        restored = operations.restore(src, current_app.config["DATABASE_URL"], migrations.known(), force,
                                      current_app.config.get("PG_BIN"))
    except operations.BackupError as refused:
        raise click.ClickException(str(refused))
    click.echo(f"Restored {len(restored['tables'])} tables, {sum(restored['tables'].values()):,} rows and "
               f"{sum(f['files'] for f in restored['files'].values()):,} stored files, as the manifest lists them "
               f"(level {restored['level']}, release {restored['release']}) in {time.monotonic() - began:.1f} s.")
    migrate_command.callback()


@portal.command("verify-backup")
@click.argument("src", type=click.Path(exists=True, dir_okay=False))
def verify_backup_command(src):
    """Restore SRC into a throwaway database (a temporary file, or a database of its own on the configured
    PostgreSQL server) and compare its rows and stored files with the manifest."""
    from portal.backups import operations

    began = time.monotonic()
    try:
        checked, wrong = operations.verify(src, current_app.config["DATABASE_URL"], migrations.known(),
                                           current_app.config.get("PG_BIN"))
    except operations.BackupError as refused:
        raise click.ClickException(str(refused))
    if wrong:
        raise click.ClickException("The backup does not hold what its manifest says:\n  " + "\n  ".join(wrong))
    click.echo(f"{src} is sound: {len(checked['tables'])} tables, {sum(checked['tables'].values()):,} rows and "
               f"{sum(f['files'] for f in checked['files'].values()):,} stored files restored as the manifest lists "
               f"them (level {checked['level']}, made {checked['began_at']}) in {time.monotonic() - began:.1f} s.")


def _progress(label):
    """A progress line on stderr, rewritten in place: "label: 42 % (n/total)"."""
    def show(done, total):
        click.echo(f"\r{label}: {100 * done // max(total, 1):3d} % ({done:,}/{total:,})", nl=False, err=True)
    return show


def init_app(app):
    app.cli.add_command(portal)
    app.config.setdefault("MIGRATIONS_DIR", str(migrations.DIRECTORY))
