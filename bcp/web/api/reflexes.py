"""/api/v1/reflexes: the active rules table, and dry runs of a declaration against it."""

from __future__ import annotations

from bcp.services import incidents as service
from bcp.services.context import Context
from bcp.services.reflexes import active_table
from bcp.web.api import api
from bcp.web.api.serialize import decision_json, table_json
from bcp.web.api.spec import operation
from bcp.web.runtime import runtime
from bcp.web.schemas.incidents import DeclarationBody
from bcp.web.schemas.reflexes import DecisionOut, ReflexTableOut

TAG = "reflexes"


@api.get("/reflexes")
@operation("The active rules table: rules, procedures, contacts", tag=TAG, answer=ReflexTableOut)
def get_reflexes():
    rt = runtime()
    return ReflexTableOut.model_validate(table_json(active_table(rt.unit_of_work(), rt.library)))


@api.post("/reflexes/evaluate")
@operation(
    "Which procedure a declaration would get, and why; nothing is saved",
    tag=TAG,
    body=DeclarationBody,
    answer=DecisionOut,
    errors=(403,),
)
def post_evaluate(ctx: Context, body: DeclarationBody):
    preview = service.preview_declaration(ctx, body.to_domain())
    return DecisionOut.model_validate(decision_json(preview.decision))
