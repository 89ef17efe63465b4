"""Every refusal a person can read is a message the French catalogue can translate: the domain
and the use cases write it as a constant marked N_, and give the values it names apart
(bcp.domain.errors). A message built with an f-string, a "+" or a plain literal never reaches
the catalogue, and shows in English on a French page."""

from __future__ import annotations

import ast
from pathlib import Path

from bcp.domain.errors import NotFound, invalid, said
from bcp.domain.messages import N_

ROOT = Path(__file__).resolve().parents[2]
REFUSALS = {"IllegalTransition", "Conflict", "NotAllowed", "NotFound", "DomainError", "TooBusy"}
MARKING_HELPERS = {"translate", "_roles_only"}
"""Functions that return a marked message (bcp.web.schemas.refusals, bcp.web.api.spec)."""
FOLDERS = ("bcp/domain", "bcp/services", "bcp/web", "bcp/jobs", "bcp/reports")
FIELD_REFUSALS = {"invalid", "add", "FieldError"}


def _message_of(call: ast.Call) -> ast.expr | None:
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
    if name in REFUSALS and call.args:
        return call.args[0]
    if name in FIELD_REFUSALS and len(call.args) >= 2:
        if name == "add" and getattr(call.func.value, "id", None) != "errors":
            return None
        return call.args[1]
    return None


def _is_constant(message: ast.expr) -> bool:
    """N_("…") itself, or a name for one (a module's constant, a table of them, a checker's
    answer): never a literal left unmarked, an f-string or a sum."""
    if isinstance(message, ast.Call):
        marked = getattr(message.func, "id", None) == "N_"
        by_table = getattr(message.func, "attr", None) == "get"  # TABLE.get(key, N_("…"))
        by_helper = getattr(message.func, "id", None) in MARKING_HELPERS
        return (marked and isinstance(message.args[0], ast.Constant)) or by_table or by_helper
    return isinstance(message, ast.Name | ast.Subscript | ast.Attribute)


def refusals_written_in_place() -> list[str]:
    found = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call) or (message := _message_of(node)) is None:
                    continue
                if not _is_constant(message):
                    where = path.relative_to(ROOT)
                    found.append(f"{where}:{node.lineno}: {ast.unparse(message)[:70]}")
    return found


def test_every_refusal_of_the_domain_and_the_use_cases_is_a_marked_constant():
    assert refusals_written_in_place() == []


def test_the_check_finds_a_message_built_in_place():
    """The scan above can fail: a refusal written as an f-string is found."""
    built = ast.parse('raise invalid("note", f"at most {LIMIT} characters")').body[0].exc
    assert not _is_constant(_message_of(built))
    marked = ast.parse('raise invalid("note", N_("at most %(limit)s characters"))').body[0].exc
    assert _is_constant(_message_of(marked))


def test_a_refusal_says_its_values_in_english_and_keeps_them_apart_for_translation():
    error = invalid("reference", N_("at most %(limit)s characters"), limit=200)
    assert str(error) == "reference: at most 200 characters"
    (fault,) = error.errors
    assert fault.message == "at most %(limit)s characters" and fault.values == {"limit": 200}
    assert said(fault.message, fault.values) == "at most 200 characters"
    found = NotFound(N_("no incident %(incident_id)s"), incident_id=7)
    assert str(found) == "no incident 7" and found.message == "no incident %(incident_id)s"
