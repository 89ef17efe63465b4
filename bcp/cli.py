"""`flask --app wsgi bcp ...`: database, users, organisations, demo data."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bcp import migrate
from bcp.domain.errors import DomainError
from bcp.services import accounts
from bcp.services.demo import load_demo
from bcp.web.runtime import runtime

bcp_commands = AppGroup("bcp", help="ICS2 continuity desk commands.")
db = AppGroup("db", help="Database schema (Alembic migrations).")
user = AppGroup("user", help="Users and their API tokens.")
org = AppGroup("org", help="Organisations (operators, EDI providers, customs).")
bcp_commands.add_command(db)
bcp_commands.add_command(user)
bcp_commands.add_command(org)


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (default: head)."""
    migrate.upgrade(runtime().settings.database_url, revision)


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION ('base' empties the database)."""
    migrate.downgrade(runtime().settings.database_url, revision)


@bcp_commands.command("demo")
def demo() -> None:
    """Load the demo organisations, users and incidents into an empty database."""
    rt = runtime()
    if rt.settings.is_production:
        raise click.ClickException("demo data is never loaded in production")
    if load_demo(rt.unit_of_work(), rt.clock):
        click.echo("demo data loaded (credentials: README.md)")
    else:
        click.echo("the database already has data: demo data left as it is")


@user.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(["operator", "desk", "manager", "admin"]))
@click.option("--org", "org_eori", help="EORI of the user's organisation (required for operators)")
@click.option("--name", "display_name", help="Name shown in the timeline")
@click.option("--email")
@click.option("--password", is_flag=True, help="Ask for a password (for the web sign-in)")
@click.option("--token", is_flag=True, help="Create an API token and print it (shown once)")
def user_add(login, role, org_eori, display_name, email, password, token) -> None:
    """Create a user."""
    secret = (
        click.prompt("Password", hide_input=True, confirmation_prompt=True) if password else None
    )
    rt = runtime()
    try:
        created = accounts.add_user(
            rt.unit_of_work(),
            rt.clock,
            login=login,
            role=role,
            org_eori=org_eori,
            display_name=display_name,
            email=email,
            password=secret,
            with_token=token,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"user {created.login} ({created.role.value}) created")
    if created.token:
        click.echo(created.token)


@org.command("add")
@click.option("--name", required=True)
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["carrier", "forwarder", "postal", "express", "provider", "customs"]),
)
@click.option("--eori", required=True)
@click.option("--siret")
@click.option("--provider", "provider_eori", help="EORI of the EDI provider that files for it")
def org_add(name, kind, eori, siret, provider_eori) -> None:
    """Create an organisation."""
    rt = runtime()
    try:
        accounts.add_organisation(
            rt.unit_of_work(),
            rt.clock,
            name=name,
            kind=kind,
            eori=eori,
            siret=siret,
            provider_eori=provider_eori,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"organisation {eori.upper()} created")
