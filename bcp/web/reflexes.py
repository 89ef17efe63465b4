"""The reflex sheet as a page: the matrix of procedures, each procedure's steps, and a dry run."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.errors import DomainError
from bcp.domain.reflexes.matrix import matrix
from bcp.services.incidents import preview_declaration
from bcp.services.reflexes import active_table
from bcp.web.forms import messages
from bcp.web.runtime import context_for, runtime
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.incidents import DeclarationBody

bp = Blueprint("reflexes", __name__)

_DRY_RUN_ACTOR = Actor(user_id=None, label="dry run", role=Role.DESK)


@bp.get("/reflexes")
def table_page():
    rt = runtime()
    version = request.args.get("version")
    table = rt.library.get(version) if version else active_table(rt.unit_of_work(), rt.library)
    columns, rows = matrix(table)
    decision, errors = None, []
    if request.args.get("component"):
        decision, errors = _dry_run(request.args)
    return render_template(
        "reflexes/table.html",
        table=table,
        versions=sorted(rt.library.tables),
        columns=columns,
        rows=rows,
        decision=decision,
        errors=errors,
        form=request.args,
        vocab={
            "components": list(COMPONENTS.values()),
            "modes": [m.value for m in Mode],
            "channels": [c.value for c in Channel],
            "sides": [s.value for s in Side],
            "scopes": [s.value for s in Scope if not s.concerns_everyone] + ["national", "eu"],
            "operations": [o.value for o in EnsOperation],
        },
    )


def _dry_run(args):
    rt = runtime()
    now = rt.clock.now()
    data = {
        "component": args.get("component"),
        "scope": args.get("scope") or None,
        "side": args.get("side") or None,
        "started_at": args.get("started_at") or now.isoformat(),
        "planned": args.get("planned") == "on",
        "modes": args.getlist("modes") or ["air"],
        "channel": args.get("channel") or "EDI",
        "ens_operations": args.getlist("ens_operations") or ["lodge"],
        "summary": "dry run",
    }
    try:
        declaration = from_mapping(DeclarationBody, data).to_domain()
        preview = preview_declaration(
            context_for(_dry_run_actor(data)), declaration, with_notices=False
        )
        return preview.decision, []
    except DomainError as error:
        return None, messages(error)


def _dry_run_actor(data) -> Actor:
    """A dry run loads no organisation: an outage for everyone is tried as the desk, a local one
    as a stand-in operator (an EDI provider for the provider scope)."""
    if data["scope"] in ("national", "eu"):
        return _DRY_RUN_ACTOR
    kind = OrganisationKind.PROVIDER if data["scope"] == "provider" else OrganisationKind.CARRIER
    organisation = OrganisationRef(0, "dry run", kind, "XX0")
    return Actor(user_id=None, label="dry run", role=Role.OPERATOR, organisation=organisation)
