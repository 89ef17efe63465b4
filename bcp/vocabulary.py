"""The closed vocabularies as a person reads them: each code of bcp's enums (states, events,
roles, modes…) and its words, marked for the French catalogue. The templates translate only the
word they show (`_(vocabulary.STATE[s])`, registered as the Jinja global `vocabulary` for pages,
PDFs and e-mails): a table of every translation built for each word shown cost the incident page
a third of its time (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bcp.domain.messages import N_


def word_of(table: Mapping[str, str], code: Any) -> str:
    """The words of `code` (an enum's member or its value) in `table`, to be translated; a code
    the table lacks, as it is."""
    key = getattr(code, "value", code)
    return table.get(key, key)


STATE = {
    "declared": N_("declared"),
    "acknowledged": N_("acknowledged"),
    "fallback_active": N_("fallback active"),
    "recovered": N_("recovered"),
    "closed": N_("closed"),
    "cancelled": N_("cancelled"),
}
"""An incident's states (bcp.domain.lifecycle.State)."""

PROBE_HEALTH = {
    "unknown": N_("not checked yet"),
    "up": N_("answering"),
    "down": N_("not answering"),
}

CERTIFICATE_STATUS = {
    "active": N_("in force"),
    "revoked": N_("revoked"),
}

ORGANISATION_KIND = {
    "carrier": N_("carrier"),
    "forwarder": N_("freight forwarder"),
    "provider": N_("EDI provider"),
    "postal": N_("postal operator"),
    "express": N_("express operator"),
    "customs": N_("customs"),
}
"""Kinds of organisation (bcp.domain.actors.OrganisationKind)."""

USER_ROLE = {
    "operator": N_("operator"),
    "desk": N_("customs desk"),
    "manager": N_("manager"),
    "admin": N_("administrator"),
}
"""A person's role (bcp.domain.actors.Role)."""

EVENT_KIND = {
    "declared": N_("declared"),
    "acknowledged": N_("acknowledged"),
    "fallback_activated": N_("fallback authorised"),
    "fallback_refused": N_("fallback refused"),
    "recovered": N_("recovered"),
    "closed": N_("closed"),
    "cancelled": N_("cancelled"),
    "procedure_selected": N_("procedure selected"),
    "procedure_switched": N_("procedure switched"),
    "reclassified": N_("reclassified"),
    "step_done": N_("step done"),
    "step_skipped": N_("step skipped"),
    "fallback_reference_issued": N_("fallback reference issued"),
    "note_added": N_("note"),
    "escalated": N_("escalated"),
    "step_reminder": N_("step due soon"),
    "step_overdue": N_("step overdue"),
    "follow_up_reminder": N_("follow-up reminder"),
    "notice_linked": N_("linked to the desk notice"),
    "notice_updated": N_("desk notice updated"),
    "referral_sent": N_("referral passed to the carrier"),
    "referral_confirmed": N_("referral confirmed"),
    "referral_outcome": N_("referral outcome"),
    "referral_escalated": N_("referral not confirmed: escalated"),
    "consignments_added": N_("consignments listed"),
    "consignments_sent": N_("consignments sent by the fallback route"),
    "consignments_lodged": N_("consignments back in ICS2 (MRN)"),
    "consignment_not_needed": N_("consignment not needed"),
    "consignments_waived": N_("re-lodging waived by the desk"),
    "consignments_relodged": N_("every consignment back in ICS2 or settled"),
    "consignment_deadline_near": N_("ENS deadline near"),
    "commission_notified": N_("Commission and member states notified"),
    "replaced_by_notice": N_("replaced by the desk notice"),
}
"""What a timeline event records (bcp.domain.timeline.EventKind)."""

HEALTH = {
    "operational": N_("operational"),
    "degraded": N_("degraded"),
    "maintenance": N_("maintenance"),
    "down": N_("down"),
}

NOTICE_KIND = {
    "scheduled": N_("scheduled"),
    "unscheduled": N_("unscheduled"),
}

NOTICE_REASON = {
    "hardware_failure": N_("hardware failure"),
    "telecom_failure": N_("telecommunication failure"),
    "network_problem": N_("network problem"),
    "force_majeure": N_("force majeure"),
    "scheduled_maintenance": N_("scheduled maintenance"),
    "undetermined": N_("cause not yet known"),
}

UPDATE_KIND = {
    "published": N_("published"),
    "updated": N_("update"),
    "fallback_opened": N_("fallback allowed"),
    "fallback_closed": N_("fallback no longer allowed"),
    "overran": N_("maintenance overran: now unscheduled"),
    "commission_notified": N_("Commission and member states notified"),
    "closed": N_("closed: service restored"),
}

MODE = {
    "air": N_("air"),
    "postal": N_("postal"),
    "express": N_("express"),
    "maritime": N_("maritime"),
    "road": N_("road"),
    "rail": N_("rail"),
}

ROUTE = {
    "telephone": N_("telephone"),
    "email": N_("e-mail"),
}

OPERATION = {
    "lodge": N_("lodge"),
    "amend": N_("amend"),
    "invalidate": N_("invalidate"),
    "arrival_notification": N_("arrival notification"),
    "presentation_notification": N_("presentation notification"),
    "referral_response": N_("referral response"),
}

STEP_ROLE = {
    "operator": N_("the operator"),
    "provider": N_("the EDI provider"),
    "desk": N_("the customs desk"),
    "manager": N_("a manager"),
}
"""Who does a step of a procedure (bcp.domain.reflexes.model.StepRole)."""

SIDE = {
    "administration": N_("the administration's side"),
    "operator": N_("the operator's side"),
    "provider": N_("the EDI provider's side"),
}

OWNER = {
    "eu": N_("the European Commission"),
    "national": N_("French customs (DGDDI)"),
    "operator": N_("the operator"),
    "provider": N_("the EDI provider"),
}

STEP_STATE = {
    "pending": N_("to do"),
    "overdue": N_("overdue"),
    "done": N_("done"),
    "skipped": N_("skipped"),
}

ANCHOR = {
    "declared": N_("after the declaration"),
    "acknowledged": N_("after the acknowledgement"),
    "fallback_authorised": N_("once the fallback is authorised"),
    "recovered": N_("after recovery"),
}

ACTION = {
    "acknowledge": N_("acknowledgement"),
    "activate_fallback": N_("authorisation of the fallback"),
    "refuse_fallback": N_("refusal of the fallback"),
    "recover": N_("recovery"),
    "close": N_("closure"),
    "cancel": N_("cancellation"),
}

CHANNEL = {
    "EDI": N_("EDI (system to system)"),
    "DTI": N_("DTI (typed in the STP portal)"),
}

OUTCOME = {
    "information_given": N_("information given"),
    "screening_done": N_("screening done"),
    "cargo_not_loaded": N_("cargo not loaded"),
}

SCOPE = {
    "organisation": N_("this organisation"),
    "provider": N_("all the provider's clients"),
    "national": N_("Every operator in France"),
    "eu": N_("Every operator in the EU"),
}

AUDIT_ACTION = {
    "certificate_recorded": N_("certificate recorded"),
    "contact_updated": N_("contact updated"),
    "delivery_retried": N_("delivery retried"),
    "notifications_chosen": N_("notifications chosen"),
    "organisation_added": N_("organisation added"),
    "organisation_updated": N_("organisation updated"),
    "password_set": N_("password set"),
    "probe_added": N_("probe added"),
    "reflexes_activated": N_("rules table activated"),
    "sign_in": N_("signed in"),
    "sign_in_failed": N_("sign-in failed"),
    "sign_in_refused": N_("sign-in refused"),
    "signed_out": N_("signed out"),
    "token_issued": N_("token issued"),
    "token_revoked": N_("token revoked"),
    "user_added": N_("user added"),
    "user_activated": N_("user reactivated"),
    "user_deactivated": N_("user deactivated"),
    "user_updated": N_("user updated"),
    "webhook_added": N_("webhook added"),
    "webhook_secret_rotated": N_("webhook secret rotated"),
}

OUTCOME_ACTION = {
    "information_given": N_("Information given"),
    "screening_done": N_("Screening done"),
    "cargo_not_loaded": N_("Cargo not loaded"),
}

DELIVERY_STATUS = {
    "pending": N_("waiting to be sent"),
    "dispatched": N_("handed to the senders"),
    "sent": N_("sent"),
    "failed": N_("failed"),
}
