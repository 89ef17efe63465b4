"""Consignments from a table: a CSV file (an export of a spreadsheet or of the operator's own
system) or rows pasted from one. The columns are documented in docs/consignments.md and in the
template (`template()`); a file is read whole or not at all, and every faulty cell is reported
with its line and column.

Accepted: UTF-8 (with or without a byte-order mark) or Windows-1252; separated by commas,
semicolons (French spreadsheets) or tabs; times as ISO 8601 with their offset, or as
"DD/MM/YYYY HH:MM" or "YYYY-MM-DD HH:MM" in Paris time."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bcp.domain.clock import PARIS
from bcp.domain.consignments.model import (
    DOCUMENT_MAX,
    LRN_MAX,
    MEANS_MAX,
    NOTE_MAX,
    ConsignmentFacts,
    DocumentKind,
)
from bcp.domain.errors import FieldError
from bcp.domain.fields import EARLIEST_YEAR, LATEST_YEAR
from bcp.domain.messages import N_

COLUMNS = (
    "document_kind",
    "document_number",
    "case",
    "means_of_transport",
    "office_of_first_entry",
    "loading_at",
    "departure_at",
    "arrival_at",
    "lrn",
    "note",
)
REQUIRED = (
    "document_kind",
    "document_number",
    "case",
    "means_of_transport",
    "office_of_first_entry",
)
MAX_ROWS = 5_000
MAX_BYTES = 2_000_000
_TIMES = ("loading_at", "departure_at", "arrival_at")
_LOCAL = (
    re.compile(r"^(\d{2})/(\d{2})/(\d{4})[ T](\d{1,2}):(\d{2})$"),  # DD/MM/YYYY HH:MM
    re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$"),  # YYYY-MM-DD HH:MM
)


@dataclass(frozen=True)
class Parsed:
    items: list[tuple[str, ConsignmentFacts]]
    errors: list[FieldError]


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, the encoding of spreadsheets on Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse(text: str) -> Parsed:
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        return Parsed([], [FieldError("file", N_("the file is larger than 2 MB: split it"))])
    if "\x00" in text:
        return Parsed(
            [],
            [
                FieldError(
                    "file",
                    N_(
                        "this is not a CSV file (it holds NUL bytes): export the "
                        "spreadsheet as CSV first"
                    ),
                )
            ],
        )
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        return Parsed([], [FieldError("file", N_("the table is empty: paste or upload its rows"))])
    delimiter = _delimiter(lines[header_line])
    reader = csv.reader(io.StringIO("\n".join(lines[header_line:])), delimiter=delimiter)
    header = [h.strip().lower().replace(" ", "_") for h in next(reader)]
    errors: list[FieldError] = []
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        errors.append(
            FieldError(
                "line 1",
                N_(
                    "the first line names the columns; required: "
                    "document_kind, document_number, case, "
                    "means_of_transport, office_of_first_entry"
                ),
            )
        )
    if unknown:
        errors.append(FieldError("line 1", N_("a column is not one of the template's")))
    if errors:
        return Parsed([], errors)
    items: list[tuple[str, ConsignmentFacts]] = []
    for offset, row in enumerate(reader):
        number = header_line + 2 + offset
        if not any(cell.strip() for cell in row):
            continue
        if len(items) + len(errors) >= MAX_ROWS:
            errors.append(FieldError(f"line {number}", N_("at most 5,000 consignments at once")))
            break
        where = f"line {number}"
        if len(row) > len(header):
            errors.append(FieldError(where, N_("more cells than columns: check the separators")))
            continue
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        facts, row_errors = _facts(cells, where)
        errors += row_errors
        if facts is not None:
            items.append((where, facts))
    if not items and not errors:
        errors.append(FieldError("file", N_("the table has no consignment under its first line")))
    return Parsed(items, errors)


def template() -> str:
    """The CSV to download and fill in: the columns and two examples."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "awb_master",
            "020-12345675",
            "air-long-haul",
            "AF0123",
            "FR004100",
            "",
            "2026-11-22T06:00:00+01:00",
            "2026-11-22T14:00:00+01:00",
            "",
            "",
        ]
    )
    writer.writerow(
        [
            "bill_of_lading",
            "MSCU1234567",
            "maritime-containerised",
            "MSC ANNA 047W",
            "FR002100",
            "2026-11-23T08:00:00+01:00",
            "",
            "2026-12-01T06:00:00+01:00",
            "",
            "",
        ]
    )
    return out.getvalue()


def _facts(cells: dict[str, str], where: str) -> tuple[ConsignmentFacts | None, list[FieldError]]:
    errors: list[FieldError] = []

    def fault(column: str, message: str) -> None:
        errors.append(FieldError(f"{where}.{column}", message))

    for column in REQUIRED:
        if not cells.get(column):
            fault(column, N_("required"))
    kind = None
    if cells.get("document_kind"):
        try:
            kind = DocumentKind(cells["document_kind"].lower())
        except ValueError:
            fault("document_kind", N_("not a kind of transport document: see the template"))
    for column, limit in (
        ("document_number", DOCUMENT_MAX),
        ("means_of_transport", MEANS_MAX),
        ("lrn", LRN_MAX),
        ("note", NOTE_MAX),
    ):
        if len(cells.get(column, "")) > limit:
            fault(column, N_("too long"))
    times: dict[str, datetime | None] = {}
    for column in _TIMES:
        value = cells.get(column, "")
        times[column] = None
        if value:
            moment = parse_time(value)
            if moment is None:
                fault(column, N_("a time like 2026-11-22T14:05:00+01:00 or 22/11/2026 14:05"))
            times[column] = moment
    if errors or kind is None:
        return None, errors
    return (
        ConsignmentFacts(
            document_kind=kind,
            document_number=cells["document_number"],
            case=cells["case"].lower(),
            means_of_transport=cells["means_of_transport"],
            office_of_first_entry=cells["office_of_first_entry"],
            loading_at=times["loading_at"],
            departure_at=times["departure_at"],
            arrival_at=times["arrival_at"],
            lrn=cells.get("lrn") or None,
            note=cells.get("note", ""),
        ),
        [],
    )


def parse_time(value: str) -> datetime | None:
    """An aware instant: ISO 8601 with its offset, or a Paris wall-clock time."""
    value = value.strip()
    moment = None
    for pattern in _LOCAL:
        if match := pattern.match(value):
            a, b, c, hour, minute = (int(g) for g in match.groups())
            year, month, day = (c, b, a) if pattern is _LOCAL[0] else (a, b, c)
            try:
                moment = datetime(year, month, day, hour, minute, tzinfo=PARIS)
            except ValueError:
                return None
            break
    else:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=PARIS)
    try:
        moment = moment.astimezone(UTC)  # the years are those of the instant as it is kept
    except (OverflowError, ValueError):
        return None
    return moment if EARLIEST_YEAR <= moment.year <= LATEST_YEAR else None


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
