"""`flask --app wsgi bcp ...`, through Click's runner on the test app."""

from __future__ import annotations

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
    assert incidents == 2


def test_the_demo_tokens_documented_in_the_readme_work(app, client):
    run(app, "demo")
    for token in ("demo-operator-token", "demo-desk-token", "demo-manager-token"):
        response = client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
