"""/api/v1/admin: what the admin pages do, for scripts; the same checks as the pages, and every
fault named by its field."""

from __future__ import annotations

from tests.conftest import CARRIER_EORI


def fields(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {e["field"]: e["message"] for e in response.get_json()["errors"]}


def test_the_admin_adds_an_organisation_and_a_user_then_changes_them(client, people):
    admin = people.admin.auth
    created = client.post(
        "/api/v1/admin/organisations",
        json={"name": "Fret Sud", "kind": "forwarder", "eori": "fr73282932000074"},
        headers=admin,
    )
    assert created.status_code == 201, created.get_json()
    organisation = created.get_json()
    assert (organisation["eori"], organisation["kind"]) == ("FR73282932000074", "forwarder")
    assert organisation["stp_access"] is False
    stp = client.put(
        f"/api/v1/admin/organisations/{organisation['id']}",
        json={"name": "Fret Sud", "stp_access": True},
        headers=admin,
    )
    assert stp.status_code == 200 and stp.get_json()["stp_access"] is True
    user = client.post(
        "/api/v1/admin/users",
        json={"login": "lea", "role": "operator", "org": "FR73282932000074", "email": "lea@fs.fr"},
        headers=admin,
    )
    assert user.status_code == 201, user.get_json()
    user_id = user.get_json()["id"]
    changed = client.put(
        f"/api/v1/admin/users/{user_id}",
        json={"role": "operator", "org": CARRIER_EORI, "display_name": "Léa"},
        headers=admin,
    ).get_json()
    assert (changed["organisation"], changed["display_name"], changed["email"]) == (
        CARRIER_EORI,
        "Léa",
        None,
    )
    off = client.post(
        f"/api/v1/admin/users/{user_id}/active", json={"active": False}, headers=admin
    )
    assert off.get_json()["active"] is False
    listed = client.get("/api/v1/admin/users", headers=admin).get_json()["items"]
    assert any(u["login"] == "lea" and not u["active"] for u in listed)


def test_bad_values_are_named_by_the_model_or_by_the_rules(client, people):
    admin = people.admin.auth
    assert fields(
        client.post(
            "/api/v1/admin/users",
            json={"login": "x", "role": "captain", "colour": "red"},
            headers=admin,
        )
    ) == {
        "role": "unknown value 'captain'; expected one of: operator, desk, manager, admin",
        "colour": "unknown field",
    }
    assert fields(
        client.post(
            "/api/v1/admin/users",
            json={"login": "lea", "role": "operator", "email": "nobody"},
            headers=admin,
        )
    ) == {"email": "not an e-mail address, e.g. ops@example.fr"}
    refused = fields(
        client.post(
            "/api/v1/admin/users",
            json={"login": "Not A Login", "role": "operator", "email": "lea@fs.fr"},
            headers=admin,
        )
    )
    assert set(refused) == {"login", "org"}  # the rules of the use case, once the forms are right
    assert fields(
        client.post("/api/v1/admin/users/1/password", json={"password": "short"}, headers=admin)
    )["password"].startswith("8 characters or more")


def test_contacts_probes_and_certificates(client, people):
    admin = people.admin.auth
    contact = client.put(
        "/api/v1/admin/contacts/fr-ics2",
        json={"name_fr": "Cellule ICS2", "name_en": "ICS2 desk", "email": "ics2@douane.fr"},
        headers=admin,
    )
    assert contact.status_code == 200, contact.get_json()
    assert contact.get_json()["email"] == "ics2@douane.fr"
    probe = client.post(
        "/api/v1/admin/probes",
        json={"name": "STI", "component": "sti", "url": "http://127.0.0.1:9/sti"},
        headers=admin,
    )
    assert probe.status_code == 201, probe.get_json()
    assert (probe.get_json()["component"], probe.get_json()["health"]) == ("STI", "unknown")
    assert set(
        fields(
            client.post(
                "/api/v1/admin/probes",
                json={
                    "name": "x",
                    "component": "STI",
                    "url": "http://169.254.169.254/",
                    "timeout_seconds": 600,
                },
                headers=admin,
            )
        )
    ) == {"timeout_seconds"}
    assert "url" in fields(
        client.post(
            "/api/v1/admin/probes",
            json={"name": "x", "component": "STI", "url": "http://169.254.169.254/"},
            headers=admin,
        )
    )
    carrier_id = people.carrier.actor.organisation_id
    certificate = client.post(
        "/api/v1/admin/certificates",
        json={
            "organisation_id": carrier_id,
            "label": "UUM&DS 2027",
            "valid_from": "2026-01-01",
            "valid_until": "2027-03-31",
            "process": 1,
        },
        headers=admin,
    )
    assert certificate.status_code == 201, certificate.get_json()
    listed = client.get("/api/v1/admin/certificates", headers=admin).get_json()["items"]
    assert [c["valid_until"] for c in listed] == ["2027-03-31"]


def test_a_webhooks_secret_is_shown_on_creation_and_rotation_only(client, people):
    admin = people.admin.auth
    created = client.post(
        "/api/v1/admin/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "topics": ["incident.declared"]},
        headers=admin,
    )
    assert created.status_code == 201, created.get_json()
    first = created.get_json()
    assert first["secret"].startswith("whsec_")
    rotated = client.post(
        f"/api/v1/admin/webhooks/{first['id']}/rotation", headers=admin
    ).get_json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != first["secret"]
    listed = client.get("/api/v1/admin/webhooks", headers=admin).get_json()
    assert all("secret" not in item for item in listed["items"])
    assert listed["items"][0]["previous_secret_until"] is not None
    assert "topics" in fields(
        client.post(
            "/api/v1/admin/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "topics": ["incident.nope"]},
            headers=admin,
        )
    )


def test_the_rules_table_versions_are_read_and_one_is_activated(client, people):
    versions = client.get("/api/v1/reflexes/versions", headers=people.carrier.auth).get_json()
    assert versions["active"] == "fr-2026-12"
    assert any(v["version"] == "fr-2026-12" and v["active"] for v in versions["items"])
    assert any(v["version"] == "fr-2025-10" and not v["active"] for v in versions["items"])
    again = client.post(
        "/api/v1/reflexes/versions/fr-2025-10/activation",
        json={"note": "confirmed by the desk"},
        headers=people.desk.auth,
    )
    assert again.status_code == 200 and again.get_json()["active"] == "fr-2025-10"
    unknown = client.post("/api/v1/reflexes/versions/fr-1999/activation", headers=people.admin.auth)
    assert unknown.status_code == 404
