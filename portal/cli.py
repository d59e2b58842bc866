"""`flask --app wsgi portal …` commands for operators."""
import click
from flask.cli import AppGroup

from . import migrations

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
    from .demo import seed_demo

    created = seed_demo(firms)
    if created:
        click.echo(f"Created {created} demo firms.")
    else:
        click.echo("Demo data already present; nothing to do.")


def init_app(app):
    app.cli.add_command(portal)
    app.config.setdefault("MIGRATIONS_DIR", str(migrations.DIRECTORY))
