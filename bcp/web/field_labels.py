"""What a page calls the fields a refusal names: a person reads "Summary: must not be empty",
never "summary: …". The API keeps the field's name (application/problem+json names it exactly).
"""

from __future__ import annotations

import re

from flask_babel import gettext

from bcp.domain.messages import N_

LABELS = {
    "component": N_("Component"),
    "components": N_("Components"),
    "scope": N_("Whom it concerns"),
    "side": N_("Side at fault"),
    "started_at": N_("When did it start?"),
    "planned": N_("Planned"),
    "planned_until": N_("planned until"),
    "modes": N_("Transport modes affected"),
    "channel": N_("Filing channel"),
    "ens_operations": N_("ENS operations affected"),
    "ens_waiting": N_("ENS waiting"),
    "summary": N_("Summary"),
    "title": N_("Title"),
    "messages": N_("What happens to messages sent meanwhile"),
    "description": N_("Description"),
    "note": N_("Note"),
    "reason": N_("Reason"),
    "reference": N_("Reference"),
    "status": N_("Status"),
    "kind": N_("Kind"),
    "air_waybill": N_("Air waybill"),
    "carrier": N_("Carrier's EORI"),
    "outcome": N_("Outcome"),
    "result": N_("Result"),
    "case": N_("ENS deadline case"),
    "document_number": N_("Transport document number"),
    "arrival_at": N_("Expected arrival"),
    "loading_at": N_("Loading"),
    "sent_at": N_("Sent"),
    "starts_at": N_("Start"),
    "expected_end": N_("Expected end"),
    "until": N_("Until"),
    "decided_by": N_("Decided by"),
    "root_cause": N_("Root cause"),
    "impact": N_("Impact"),
    "went_well": N_("What went well"),
    "to_change": N_("What to change"),
    "ens_delayed": N_("ENS delayed"),
    "consignments_delayed": N_("Consignments delayed"),
    "action_items": N_("Action items"),
    "what": N_("What"),
    "owner": N_("Owner"),
    "due": N_("Due date"),
    "from": N_("From"),
    "to": N_("To"),
    "login": N_("Login"),
    "password": N_("Password"),
    "display_name": N_("Name"),
    "name": N_("Name"),
    "name_fr": N_("Name (French)"),
    "name_en": N_("Name (English)"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "role": N_("Role"),
    "org": N_("Organisation"),
    "organisation": N_("Organisation"),
    "eori": N_("EORI"),
    "siret": N_("SIRET"),
    "provider": N_("EDI provider"),
    "url": N_("URL"),
    "topics": N_("Topics"),
    "label": N_("Name"),
    "file": N_("File"),
    "valid_until": N_("Valid until"),
}


def label(field: str) -> str:
    """The field's label in the page's language; a field of a nested object (bcp.modes) is
    called by its last part, and one of a list's items by its line ("action_items[1].due":
    "Due date (line 2)")."""
    key = field.rsplit(".", 1)[-1].split("[", 1)[0]
    if key not in LABELS:
        return field
    if line := _ITEM.search(field):
        return gettext(
            "%(field)s (line %(line)s)", field=gettext(LABELS[key]), line=int(line[1]) + 1
        )
    return gettext(LABELS[key])


_ITEM = re.compile(r"\[(\d+)\]")
