"""`flask --app wsgi bcp ...`: database, users, organisations, demo data."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from bcp import migrate
from bcp.domain.actors import Actor, Role
from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.errors import DomainError
from bcp.domain.reflexes.coverage import enumerate_cases, faults
from bcp.domain.reflexes.engine import ReflexFacts, evaluate
from bcp.domain.reflexes.table import TableError, parse_duration
from bcp.reports.documents import fallback_pdf, incident_pdf, period_pdf
from bcp.services import accounts, reports
from bcp.services.context import Context
from bcp.services.demo import load_demo
from bcp.services.incidents import open_incident_ids, review_incident
from bcp.services.reflexes import activate, active_table
from bcp.store import backup as backups
from bcp.store.reflex_files import REFLEXES_DIR, load_table
from bcp.web.runtime import runtime

bcp_commands = AppGroup("bcp", help="ICS2 continuity desk commands.")
db = AppGroup("db", help="Database schema (Alembic migrations).")
user = AppGroup("user", help="Users and their API tokens.")
org = AppGroup("org", help="Organisations (operators, EDI providers, customs).")
token = AppGroup("token", help="API tokens: list, revoke, rotate.")
bcp_commands.add_command(db)
bcp_commands.add_command(user)
bcp_commands.add_command(org)
bcp_commands.add_command(token)


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


@bcp_commands.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the whole database to PATH while the service runs (SQLite online backup, or
    pg_dump's custom format on PostgreSQL)."""
    try:
        backups.backup(runtime().settings.database_url, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {path} ({path.stat().st_size:,} bytes)")


@bcp_commands.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH, then upgrade it to this
    version's schema. Stop the web server and the scheduler first."""
    rt = runtime()
    if not yes:
        click.confirm(f"Replace every table of {rt.settings.database_url} with {path}?", abort=True)
    rt.dispose()
    try:
        backups.restore(rt.settings.database_url, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    migrate.upgrade(rt.settings.database_url)
    click.echo(f"restored from {path}")


@bcp_commands.command("demo")
def demo() -> None:
    """Load the demo organisations, users and incidents into an empty database."""
    rt = runtime()
    if rt.settings.is_production:
        raise click.ClickException("demo data is never loaded in production")
    if load_demo(rt.unit_of_work(), rt.clock, rt.library):
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
            token_days=rt.settings.token_days,
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"user {created.login} ({created.role.value}) created")
    if created.token:
        click.echo(created.token)


@token.command("list")
@click.option("--user", "login", help="Only this user's tokens")
def token_list(login: str | None) -> None:
    """Tokens: id, user, name, created, last used, expiry, state (never the token itself)."""
    rt = runtime()
    now = rt.clock.now()
    for row in accounts.list_tokens(rt.unit_of_work()):
        if login and row.user.login != login:
            continue
        state = (
            "revoked"
            if row.revoked_at
            else "expired"
            if row.expires_at and row.expires_at <= now
            else "in force"
        )
        used = row.last_used_at.isoformat(timespec="minutes") if row.last_used_at else "never"
        expires = row.expires_at.isoformat(timespec="minutes") if row.expires_at else "never"
        click.echo(
            f"{row.id}\t{row.user.login}\t{row.label}\t"
            f"{row.created_at.isoformat(timespec='minutes')}\tused {used}\t"
            f"expires {expires}\t{state}"
        )


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
def token_revoke(token_id: int) -> None:
    """Revoke a token: it gets 401 from now on."""
    rt = runtime()
    try:
        accounts.revoke_token(rt.unit_of_work(), rt.clock, None, token_id)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"token {token_id} revoked")


@token.command("rotate")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
def token_rotate(token_id: int) -> None:
    """Revoke a token and print its successor (same user and name), shown once."""
    rt = runtime()
    try:
        issued = accounts.rotate_token(
            rt.unit_of_work(), rt.clock, None, token_id, rt.settings.token_days
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"token {token_id} revoked; its successor {issued.id} expires {issued.expires_at:%Y-%m-%d}:"
    )
    click.echo(issued.token)


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
        raise click.ClickException(str(error)) from None
    click.echo(f"organisation {eori.upper()} created")


reflexes = AppGroup("reflexes", help="The reflex-sheet rules tables in reflexes/.")
bcp_commands.add_command(reflexes)


@reflexes.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiet", is_flag=True, help="Print only the summary and the faults")
def reflexes_check(files: tuple[Path, ...], quiet: bool) -> None:
    """Validate tables (default: every file of reflexes/) and prove their coverage: every
    component × side × scope × mode × channel × STP access × planned, at every duration
    threshold, gets exactly one procedure."""
    paths = files or tuple(sorted(REFLEXES_DIR.glob("*.yaml")))
    failed = False
    for path in paths:
        try:
            table = load_table(path)
        except TableError as error:
            click.echo(f"FAIL {error}", err=True)
            failed = True
            continue
        cases = enumerate_cases(table)
        if not quiet:
            for case in cases:
                names = ", ".join(f"{r.procedure} [{r.id}]" for r in case.winners) or "NONE"
                click.echo(f"{case.label}  ->  {names}")
        problems = faults(cases)
        for problem in problems:
            click.echo(f"FAIL {table.origin}: {problem}", err=True)
        failed = failed or bool(problems)
        status = "FAIL" if problems else "OK"
        click.echo(
            f"{status} {table.origin}: version {table.version}, {len(table.rules)} rules, "
            f"{len(table.procedures)} procedures, {len(cases)} cases, {len(problems)} faults"
        )
    if failed:
        raise SystemExit(1)


@reflexes.command("explain")
@click.option("--component", required=True, type=click.Choice(list(COMPONENTS), False))
@click.option(
    "--mode", "modes", multiple=True, required=True, type=click.Choice([m.value for m in Mode])
)
@click.option("--channel", default="EDI", type=click.Choice([c.value for c in Channel]))
@click.option("--side", type=click.Choice([s.value for s in Side]), help="Default: the owner's")
@click.option("--scope", default="organisation", type=click.Choice([s.value for s in Scope]))
@click.option("--planned/--unplanned", default=False)
@click.option(
    "--stp-access/--no-stp-access",
    default=False,
    help="The organisation can lodge on the portal (STP) when its EDI chain is down",
)
@click.option(
    "--operation",
    "operations",
    multiple=True,
    default=["lodge"],
    type=click.Choice([o.value for o in EnsOperation]),
)
@click.option("--lasted", default="0min", help="How long the outage has lasted: 30min, 4h, 1d")
@click.option("--table", "version", help="Table version (default: the active one)")
@click.option("--lang", default="fr", type=click.Choice(["fr", "en"]))
def reflexes_explain(
    component, modes, channel, side, scope, planned, stp_access, operations, lasted, version, lang
) -> None:
    """Print the procedure the rules pick for these facts, why, and its steps."""
    rt = runtime()
    try:
        elapsed = parse_duration(lasted)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--lasted") from None
    table = rt.library.get(version) if version else active_table(rt.unit_of_work(), rt.library)
    spec = COMPONENTS[component.upper()]
    now = rt.clock.now()
    facts = ReflexFacts(
        component=spec.code,
        scope=Scope(scope),
        side=Side(side) if side else spec.default_side,
        planned=planned,
        modes=frozenset(Mode(m) for m in modes),
        channel=Channel(channel),
        ens_operations=frozenset(EnsOperation(o) for o in operations),
        started_at=now - elapsed,
        stp_access=stp_access,
    )
    decision = evaluate(facts, table, now)
    procedure = decision.procedure
    click.echo(f"{procedure.title(lang)}  [{procedure.id}, table {table.version}]")
    click.echo(procedure.summary(lang))
    click.echo("")
    for line in decision.explanation():
        click.echo(line)
    click.echo("")
    for index, planned_step in enumerate(decision.steps, 1):
        step = planned_step.step
        flag = "  (to confirm)" if step.to_confirm else ""
        minutes = int(step.due_after.total_seconds() // 60)
        click.echo(
            f"{index}. [{step.role.value}] {step.title(lang)} — "
            f"{step.anchor.value} + {minutes} min{flag}"
        )


@reflexes.command("activate")
@click.argument("version")
@click.option("--note", default="", help="Why this version now")
def reflexes_activate(version: str, note: str) -> None:
    """Make VERSION the table new incidents are decided with; open incidents keep theirs."""
    rt = runtime()
    operator = Actor(user_id=None, label="command line", role=Role.ADMIN)
    try:
        table = activate(Context(rt.unit_of_work(), rt.clock, rt.library, operator), version, note)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"rules table {table.version} is active")


@reflexes.command("review")
def reflexes_review() -> None:
    """Re-run the rules on every open incident (durations and planned windows move on)."""
    rt = runtime()
    for incident_id in open_incident_ids(rt.unit_of_work()):
        event = review_incident(rt.unit_of_work(), rt.clock, rt.library, incident_id)
        if event is not None:
            click.echo(f"incident {incident_id}: now {event.changes['procedure']}")


_CLI_MANAGER = Actor(user_id=None, label="command line", role=Role.MANAGER)


@bcp_commands.command("report")
@click.argument("incident_id", type=int)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", default="fr", type=click.Choice(["fr", "en"]))
@click.option("--postmortem", is_flag=True, help="The post-mortem (closed incidents)")
@click.option("--step", "step_id", help="The fallback document of this step instead")
def report(incident_id: int, output: Path, lang: str, postmortem: bool, step_id: str | None):
    """Write the PDF report of INCIDENT_ID (or its post-mortem, or a fallback document)."""
    rt = runtime()
    try:
        data = reports.incident_report(
            Context(rt.unit_of_work(), rt.clock, rt.library, _CLI_MANAGER),
            rt.settings,
            incident_id,
            with_postmortem=postmortem,
        )
        now = rt.clock.now()
        pdf = fallback_pdf(data, step_id, lang, now) if step_id else incident_pdf(data, lang, now)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    output.write_bytes(pdf)
    click.echo(f"{output} ({len(pdf)} bytes)")


@bcp_commands.command("period-report")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", default="fr", type=click.Choice(["fr", "en"]))
def period_report_command(start, end, output: Path, lang: str):
    """Write the PDF report of the incidents declared from --from to --to (days in Paris)."""
    rt = runtime()
    try:
        data = reports.period_report(
            Context(rt.unit_of_work(), rt.clock, rt.library, _CLI_MANAGER),
            rt.settings,
            start.date(),
            end.date(),
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    pdf = period_pdf(data, lang, rt.clock.now())
    output.write_bytes(pdf)
    click.echo(f"{output} ({len(pdf)} bytes)")


@bcp_commands.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler: escalations, reminders, rule thresholds, certificates, probes and
    notifications. A second one started by mistake waits for the first's lock."""
    import logging

    from bcp.jobs.scheduler import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run(runtime())


@bcp_commands.command("tick")
def tick_command() -> None:
    """Do now, once, what the scheduler does on each tick (for cron, or to catch up by hand)."""
    from bcp.jobs.scheduler import tick

    click.echo(str(tick(runtime())))
