"""Consignments from a table: every row or none, each fault with its line and column."""

from __future__ import annotations

from datetime import UTC, datetime

from bcp.domain.consignments.csv_import import COLUMNS, decode, parse, parse_time, template

HEADER = ",".join(COLUMNS)


def row(number: int, case: str = "air-long-haul", sep: str = ",") -> str:
    cells = [
        "awb_house",
        f"H{number:05d}",
        case,
        "AF0123",
        "FR004100",
        "",
        "2026-11-22T06:00:00+01:00",
        "2026-11-22T14:00:00+01:00",
        "",
        "",
    ]
    return sep.join(cells)


def test_the_template_reads_back():
    parsed = parse(template())
    assert not parsed.errors
    assert [f.document_number for _, f in parsed.items] == ["020-12345675", "MSCU1234567"]


def test_a_thousand_rows():
    parsed = parse("\n".join([HEADER, *(row(i) for i in range(1000))]))
    assert not parsed.errors
    assert len(parsed.items) == 1000
    assert parsed.items[-1][0] == "line 1001"


def test_a_bad_row_at_line_873_is_named_with_its_column():
    rows = [row(i) for i in range(1000)]
    rows[871] = rows[871].replace("2026-11-22T14:00:00+01:00", "tomorrow")
    parsed = parse("\n".join([HEADER, *rows]))
    assert [(e.field, e.message) for e in parsed.errors] == [
        ("line 873.arrival_at", "a time like 2026-11-22T14:05:00+01:00 or 22/11/2026 14:05")
    ]


def test_a_semicolon_separated_export_with_paris_times():
    text = (
        ";".join(COLUMNS)
        + "\r\n"
        + ";".join(
            [
                "cmr",
                "CMR 778",
                "road",
                "AB-123-CD",
                "FR006900",
                "",
                "",
                "22/11/2026 14:05",
                "",
                "été",
            ]
        )
    )
    parsed = parse(text)
    assert not parsed.errors
    ((_, facts),) = parsed.items
    assert facts.arrival_at == datetime(2026, 11, 22, 13, 5, tzinfo=UTC)
    assert facts.note == "été"


def test_windows_1252_and_a_byte_order_mark():
    text = (
        ";".join(COLUMNS)
        + "\r\n"
        + ";".join(
            [
                "cmr",
                "CMR 1",
                "road",
                "Camion frigorifique",
                "FR006900",
                "",
                "",
                "22/11/2026 14:05",
                "",
                "Dépôt à Lyon",
            ]
        )
    )
    assert parse(decode(text.encode("cp1252"))).items[0][1].note == "Dépôt à Lyon"
    assert parse(decode(b"\xef\xbb\xbf" + text.encode("utf-8"))).items[0][1].note == "Dépôt à Lyon"


def test_missing_columns_and_cells():
    assert parse("document_number,case\nX,road").errors[0].field == "line 1"
    parsed = parse(HEADER + "\n" + ",,road,,FR004100,,,,,")
    assert {e.field for e in parsed.errors} == {
        "line 2.document_kind",
        "line 2.document_number",
        "line 2.means_of_transport",
    }
    assert parse("").errors[0].field == "file"
    assert parse(HEADER + "\n\n").errors[0].field == "file"


def test_times():
    assert parse_time("2026-11-22T14:05:00Z") == datetime(2026, 11, 22, 14, 5, tzinfo=UTC)
    assert parse_time("2026-07-01 10:00") == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert parse_time("31/02/2026 10:00") is None
    assert parse_time("1999-01-01T00:00:00Z") is None
    assert parse_time("01/01/2000 00:30") is None  # 1999 in UTC, as it would be kept


def test_a_spreadsheet_that_is_not_csv():
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256))
    (error,) = parse(decode(xlsx)).errors
    assert error.field == "file" and "NUL" in error.message
