"""/api/v1/reflexes: the active rules table, and dry runs of a declaration against it."""

from __future__ import annotations

from flask import g, jsonify

from bcp.services import incidents as service
from bcp.services.reflexes import active_table
from bcp.web.api import api
from bcp.web.api.parsing import json_object
from bcp.web.api.serialize import decision_json, table_json
from bcp.web.runtime import runtime


@api.get("/reflexes")
def get_reflexes():
    rt = runtime()
    return jsonify(table_json(active_table(rt.unit_of_work(), rt.library)))


@api.post("/reflexes/evaluate")
def post_evaluate():
    rt = runtime()
    preview = service.preview_declaration(
        rt.unit_of_work(), rt.clock, rt.library, g.actor, json_object()
    )
    return jsonify(decision_json(preview.decision))
