"""The carrier sheet ("fiche transporteur", DGDDI note of 21 July 2023): the flight and goods
details sent with the fallback message, one line per consignment, as a CSV beside the PDF
(bcp.reports.documents.fallback_pdf)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import force_locale, gettext

from bcp.domain.clock import in_paris
from bcp.domain.consignments.model import DOCUMENT_KINDS, STATES, Consignment
from bcp.domain.incident import Incident
from bcp.domain.messages import N_

COLUMNS = (
    "EORI",
    "incident",
    "document_kind",
    "document_number",
    "means_of_transport",
    "case",
    "office_of_first_entry",
    "loading",
    "departure",
    "arrival",
    "ens_deadline",
    "lrn",
    "fallback_reference",
    "state",
)


def _paris(moment) -> str:
    return in_paris(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def carrier_sheet_csv(incident: Incident, consignments: Iterable[Consignment], lang: str) -> str:
    """Semicolon-separated with a byte-order mark, as spreadsheets in France open it; times in
    Paris time."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    with force_locale(lang):
        writer.writerow([gettext(_HEADERS[c]) for c in COLUMNS])
        eori = incident.organisation.eori if incident.organisation else ""
        for c in consignments:
            f = c.facts
            writer.writerow(
                [
                    eori,
                    incident.id,
                    gettext(DOCUMENT_KINDS[f.document_kind.value]),
                    f.document_number,
                    f.means_of_transport,
                    f.case,
                    f.office_of_first_entry,
                    _paris(f.loading_at),
                    _paris(f.departure_at),
                    _paris(f.arrival_at),
                    _paris(c.deadline.at),
                    f.lrn or "",
                    c.fallback_reference or "",
                    gettext(STATES[c.state.value]),
                ]
            )
    return out.getvalue()


_HEADERS = {
    "EORI": N_("EORI"),
    "incident": N_("Incident"),
    "document_kind": N_("Kind of document"),
    "document_number": N_("Transport document"),
    "means_of_transport": N_("Means of transport"),
    "case": N_("ENS deadline case"),
    "office_of_first_entry": N_("Office of first entry"),
    "loading": N_("Loading (Paris)"),
    "departure": N_("Departure (Paris)"),
    "arrival": N_("Estimated arrival (Paris)"),
    "ens_deadline": N_("ENS deadline (Paris)"),
    "lrn": N_("LRN"),
    "fallback_reference": N_("Fallback reference"),
    "state": N_("State"),
}
