"""The coverage proof: every case of the catalogue gets exactly one procedure."""

from __future__ import annotations

from bcp.domain.reflexes.coverage import enumerate_cases, faults
from bcp.domain.reflexes.matrix import matrix
from bcp.store.reflex_files import parse_table
from tests.domain.conftest import TABLE
from tests.domain.test_reflex_table import MINIMAL


def test_the_shipped_table_covers_every_case_exactly_once():
    cases = enumerate_cases(TABLE)
    # 29 component × side × scope combinations, 6 modes, 2 channels, with or without STP
    # access, planned or not, at 0 and at the 4-hour threshold.
    assert len(cases) == 29 * 6 * 2 * 2 * 2 * 2
    assert faults(cases) == []


def test_a_hole_is_reported_with_the_case():
    holed = MINIMAL.replace(
        "  - id: everything\n    procedure: p\n",
        "  - id: everything\n    when: {channels: [EDI]}\n    procedure: p\n",
    )
    problems = faults(enumerate_cases(parse_table(holed, "t")))
    assert problems
    assert all(p.startswith("no procedure:") and " DTI " in p for p in problems)


def test_the_matrix_shows_every_component_and_side():
    columns, rows = matrix(TABLE)
    assert [(c.planned, c.lasted.total_seconds()) for c in columns] == [
        (False, 0),
        (False, 4 * 3600),
        (True, 0),
    ]
    cells = {(r.component.code, r.side.value): r.cells for r in rows}
    assert cells[("STI", "administration")] == (
        ("administration-outage", "administration-outage-stp"),
        ("administration-prolonged", "administration-prolonged-stp"),
        ("planned-maintenance",),
    )
    assert cells[("CR", "administration")] == (
        ("administration-outage",),
        ("administration-prolonged",),
        ("planned-maintenance",),
    )
    assert cells[("NES", "administration")] == (("national-system-outage",),) * 3
    assert cells[("UUMDS", "operator")] == (("certificate-problem", "certificate-problem-stp"),) * 3
    assert all(all(cell for cell in r.cells) for r in rows)
