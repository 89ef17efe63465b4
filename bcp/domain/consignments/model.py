"""A consignment at stake in an outage, from the moment it is listed to its ENS back in ICS2.

at_risk --(sent by the fallback route, under a fallback reference)--> sent_by_fallback
at_risk | sent_by_fallback --(its MRN entered)--> lodged
at_risk | sent_by_fallback --(a reason: goods not loaded after a DNL, shipment cancelled)-->
    not_needed
at_risk | sent_by_fallback --(the desk waives the rest after recovery, with a reason)--> waived
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bcp.domain.consignments.deadlines import DeadlineTable, EnsDeadline, Times
from bcp.domain.errors import ErrorList
from bcp.domain.messages import N_

DOCUMENT_MAX = 35
"""A transport document number is at most 35 characters (UN/CEFACT an..35)."""
MEANS_MAX = 70
LRN_MAX = 22
NOTE_MAX = 500
REASON_MAX = 500
CLOCK_SKEW = timedelta(minutes=1)
_OFFICE = re.compile(r"^FR[A-Z0-9]{6}$")
_AWB = re.compile(r"^(\d{3})[- ]?(\d{8})$")


class DocumentKind(StrEnum):
    AWB_MASTER = "awb_master"
    AWB_HOUSE = "awb_house"
    BILL_OF_LADING = "bill_of_lading"
    HOUSE_BILL_OF_LADING = "house_bill_of_lading"
    CMR = "cmr"
    CIM = "cim"
    POSTAL_ITEM = "postal_item"
    EXPRESS_ITEM = "express_item"


class ConsignmentState(StrEnum):
    AT_RISK = "at_risk"
    SENT_BY_FALLBACK = "sent_by_fallback"
    LODGED = "lodged"
    NOT_NEEDED = "not_needed"
    WAIVED = "waived"

    @property
    def settled(self) -> bool:
        """Nothing more to do: back in ICS2, not needed, or waived by the desk."""
        return self in (
            ConsignmentState.LODGED,
            ConsignmentState.NOT_NEEDED,
            ConsignmentState.WAIVED,
        )


DOCUMENT_KINDS = {
    "awb_master": N_("Master air waybill"),
    "awb_house": N_("House air waybill"),
    "bill_of_lading": N_("Bill of lading"),
    "house_bill_of_lading": N_("House bill of lading"),
    "cmr": N_("CMR consignment note"),
    "cim": N_("CIM consignment note"),
    "postal_item": N_("Postal item"),
    "express_item": N_("Express item"),
}
"""What each kind of document is called, marked for translation."""
STATES = {
    "at_risk": N_("At risk"),
    "sent_by_fallback": N_("Sent by the fallback route"),
    "lodged": N_("Back in ICS2"),
    "not_needed": N_("Not needed"),
    "waived": N_("Waived by the desk"),
}


@dataclass(frozen=True)
class ConsignmentFacts:
    """What the operator says of a consignment: its document, mode, means and times."""

    document_kind: DocumentKind
    document_number: str
    case: str
    means_of_transport: str
    office_of_first_entry: str
    loading_at: datetime | None = None
    departure_at: datetime | None = None
    arrival_at: datetime | None = None
    lrn: str | None = None
    note: str = ""

    @property
    def times(self) -> Times:
        return Times(self.loading_at, self.departure_at, self.arrival_at)

    def changes(self) -> dict[str, Any]:
        return {
            "document_kind": self.document_kind.value,
            "document_number": self.document_number,
            "case": self.case,
            "means_of_transport": self.means_of_transport,
            "office_of_first_entry": self.office_of_first_entry,
            "loading_at": _iso(self.loading_at),
            "departure_at": _iso(self.departure_at),
            "arrival_at": _iso(self.arrival_at),
            "lrn": self.lrn,
        }


@dataclass
class Consignment:
    id: int | None
    incident_id: int | None
    facts: ConsignmentFacts
    deadline: EnsDeadline
    recorded_at: datetime
    recorded_by: str
    state: ConsignmentState = ConsignmentState.AT_RISK
    fallback_reference: str | None = None
    sent_at: datetime | None = None
    sent_by: str | None = None
    mrn: str | None = None
    lodged_at: datetime | None = None
    lodged_by: str | None = None
    reason: str = ""
    settled_at: datetime | None = None
    settled_by: str | None = None
    referral: int | None = None
    reminded_at: datetime | None = None

    @property
    def label(self) -> str:
        return self.facts.document_number

    def late(self, now: datetime) -> bool:
        """Past its ENS deadline with neither its ENS lodged nor its data sent by fallback."""
        return (
            self.state is ConsignmentState.AT_RISK
            and self.deadline.at is not None
            and now > self.deadline.at
        )

    def time_left(self, now: datetime) -> timedelta | None:
        return None if self.deadline.at is None else self.deadline.at - now

    def send(self, reference: str, at: datetime, by: str) -> None:
        self.state, self.fallback_reference = ConsignmentState.SENT_BY_FALLBACK, reference
        self.sent_at, self.sent_by = at, by

    def lodge(self, mrn: str, at: datetime, by: str) -> None:
        self.state, self.mrn, self.lodged_at, self.lodged_by = ConsignmentState.LODGED, mrn, at, by

    def settle(
        self, state: ConsignmentState, reason: str, at: datetime, by: str, referral: int | None
    ) -> None:
        """Not needed, or waived: nothing more to do, and why."""
        self.state, self.reason, self.referral = state, reason, referral
        self.settled_at, self.settled_by = at, by


def normalise_document(kind: DocumentKind, number: str) -> str:
    """An air waybill is written 020-12345675; other documents as given, without spaces at
    either end and in capitals."""
    number = " ".join(number.split()).upper()
    if kind is DocumentKind.AWB_MASTER and (match := _AWB.match(number)):
        return f"{match.group(1)}-{match.group(2)}"
    return number


def check_consignment(
    facts: ConsignmentFacts, table: DeadlineTable, now: datetime
) -> tuple[ConsignmentFacts, EnsDeadline]:
    """What only the business knows of a well-formed consignment (bcp.web.schemas.consignments
    checks its form): a case the regulation has, times in their order and fitting the case, a
    French office of first entry, a master air waybill with its check digit. Returns the facts
    as kept, and the ENS deadline they give."""
    errors = ErrorList()
    number = normalise_document(facts.document_kind, facts.document_number)
    if not number:
        errors.add("document_number", N_("required: the number of the transport document"))
    elif facts.document_kind is DocumentKind.AWB_MASTER and not _awb_valid(number):
        errors.add(
            "document_number",
            N_(
                "an air waybill is 3 digits (the airline) and 8 digits, the last one the rest of "
                "the first seven divided by 7"
            ),
        )
    office = facts.office_of_first_entry.strip().upper()
    if not _OFFICE.match(office):
        errors.add(
            "office_of_first_entry",
            N_(
                "a French customs office: FR followed by 6 letters or digits (for example FR004100)"
            ),
        )
    case = table.case(facts.case)
    if case is None:
        errors.add("case", N_("not a case of the ENS deadlines: choose one in the list"))
    times = facts.times
    if times.loading_at and times.departure_at and times.loading_at > times.departure_at:
        errors.add("loading_at", N_("the goods are loaded before the departure"))
    if times.departure_at and times.arrival_at and times.departure_at >= times.arrival_at:
        errors.add("arrival_at", N_("the arrival comes after the departure"))
    elif (
        case is not None
        and case.journey is not None
        and times.journey is not None
        and not case.journey.holds(times.journey)
    ):
        errors.add(
            "case",
            N_(
                "the times given do not fit this case: the length of the journey (departure "
                "to arrival) calls for the other case of this mode"
            ),
        )
    if facts.lrn is not None and not re.fullmatch(r"[A-Za-z0-9]{1,22}", facts.lrn):
        errors.add("lrn", N_("an LRN is at most 22 letters or digits"))
    if len(facts.note) > NOTE_MAX:
        errors.add("note", N_("at most 500 characters"))
    if len(facts.means_of_transport.strip()) == 0:
        errors.add(
            "means_of_transport", N_("required: the flight, vessel and voyage, vehicle or train")
        )
    errors.raise_if_any()
    kept = replace(
        facts,
        document_number=number,
        office_of_first_entry=office,
        means_of_transport=" ".join(facts.means_of_transport.split()).upper(),
        note=facts.note.strip(),
    )
    return kept, table.deadline(kept.case, kept.times)


def _awb_valid(number: str) -> bool:
    match = _AWB.match(number)
    if not match:
        return False
    serial = match.group(2)
    return int(serial[:7]) % 7 == int(serial[7])


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
