"""`flask --app wsgi bcp ...`, through Click's runner on the test app."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bcp.store.models import IncidentRow, OrganisationRow, UserRow


def run(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=["bcp", *args], input=input)


def test_add_an_organisation_and_an_operator_with_a_token(app, client):
    result = run(
        app,
        "org",
        "add",
        "--name",
        "Aérofret",
        "--kind",
        "carrier",
        "--eori",
        "fr81234567800013",
        "--siret",
        "81234567800013",
    )
    assert result.exit_code == 0, result.output
    result = run(
        app, "user", "add", "camille", "--role", "operator", "--org", "FR81234567800013", "--token"
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("bcp_")
    response = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_a_user_with_a_password_that_breaks_the_rule_is_refused(app):
    result = run(
        app, "user", "add", "desk1", "--role", "desk", "--password", input="short\nshort\n"
    )
    assert result.exit_code != 0
    assert "upper-case" in result.output


def test_bad_input_is_a_message_not_a_traceback(app):
    result = run(app, "user", "add", "x1", "--role", "operator", "--org", "FR12345678901234")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "EORI" in result.output
    result = run(app, "org", "add", "--name", "X", "--kind", "carrier", "--eori", "1234")
    assert result.exit_code != 0 and "country code" in result.output
    result = run(
        app, "org", "add", "--name", "X", "--kind", "carrier", "--eori", "FR12345678901234"
    )
    assert result.exit_code != 0 and "SIRET" in result.output


def test_demo_data_loads_once(app):
    assert "loaded" in run(app, "demo").output
    assert "left as it is" in run(app, "demo").output
    with app.extensions["bcp"].session_factory() as session:
        kinds = set(session.scalars(select(OrganisationRow.kind)))
        roles = set(session.scalars(select(UserRow.role)))
        incidents = session.scalar(select(func.count()).select_from(IncidentRow))
    assert kinds == {"carrier", "forwarder", "postal", "express", "provider", "customs"}
    assert roles == {"operator", "desk", "manager", "admin"}
    assert incidents == 2  # the AS4 outage, and a carrier's STI incident that joined its notice


def test_the_demo_tokens_documented_in_the_readme_work(app, client):
    run(app, "demo")
    for token in ("demo-operator-token", "demo-desk-token", "demo-manager-token"):
        response = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200


def test_reflexes_check_proves_the_shipped_table(app):
    result = run(app, "reflexes", "check")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    first, current = (line for line in lines if line.startswith("OK "))
    assert first.startswith("OK reflexes/fr-2025-10.yaml: version fr-2025-10, 8 rules")
    assert current.startswith("OK reflexes/fr-2026-12.yaml: version fr-2026-12, 16 rules")
    assert "2784 cases, 0 faults" in current
    assert any(
        line.startswith("STI ") and "administration-outage [administration-unplanned]" in line
        for line in lines
    )


def test_reflexes_check_fails_on_a_broken_file_naming_its_line(app, tmp_path):
    shipped = (Path(__file__).parent.parent / "reflexes" / "fr-2025-10.yaml").read_text()
    broken = tmp_path / "fr-2099-01.yaml"
    broken.write_text(shipped.replace("components: [NES]", "components: [NSE]"))
    result = run(app, "reflexes", "check", "--quiet", str(broken))
    assert result.exit_code == 1
    line = next(i for i, t in enumerate(broken.read_text().splitlines(), 1) if "[NSE]" in t)
    assert f"fr-2099-01.yaml:{line}: unknown component 'NSE'" in result.output


def test_reflexes_check_reports_a_hole(app, tmp_path):
    shipped = (Path(__file__).parent.parent / "reflexes" / "fr-2025-10.yaml").read_text()
    holed = tmp_path / "fr-2099-02.yaml"
    holed.write_text(
        shipped.replace(
            "      components: [NES]\n", "      components: [NES]\n      channels: [EDI]\n"
        )
    )
    result = run(app, "reflexes", "check", "--quiet", str(holed))
    assert result.exit_code == 1
    assert "no procedure: NES" in result.output and "DTI" in result.output


def test_reflexes_explain(app):
    result = run(
        app,
        "reflexes",
        "explain",
        "--component",
        "EO_SYSTEM",
        "--side",
        "operator",
        "--mode",
        "air",
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Outage on the operator's side  [operator-outage, table fr-2026-12]"
    )
    assert "rule operator-system" in result.output
    assert "2. [operator] Ask the CID SAU for a diagnosis — declared + 60 min" in result.output
    result = run(
        app, "reflexes", "explain", "--component", "STI", "--mode", "air", "--lasted", "5h"
    )
    assert "administration-prolonged" in result.output
    result = run(
        app, "reflexes", "explain", "--component", "STI", "--mode", "air", "--lasted", "soon"
    )
    assert result.exit_code != 0 and "15min, 4h or 2d" in result.output


def test_reflexes_activate_and_review(app):
    result = run(app, "reflexes", "activate", "fr-1999-01")
    assert result.exit_code != 0 and "no rules table" in result.output
    result = run(app, "reflexes", "activate", "fr-2025-10", "--note", "première version")
    assert result.exit_code == 0 and "fr-2025-10 is active" in result.output
    assert run(app, "reflexes", "review").exit_code == 0
