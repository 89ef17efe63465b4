"""Sessions that end, tokens that can be revoked and expire, limits that slow an attacker without
locking out the rightful user, and the production edge (schema, demo accounts, HSTS, proxy,
destinations of webhooks)."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bcp import migrate
from bcp.domain.actors import Actor, Role
from bcp.domain.addresses import DestinationPolicy
from bcp.domain.errors import InvalidInput
from bcp.services.accounts import set_password, set_user_active, update_user
from bcp.services.notifications import add_webhook
from bcp.store.models import AuditEventRow
from bcp.web.app import create_app
from tests.conftest import CARRIER_EORI
from tests.web.conftest import PASSWORD, Browser

ADMIN = Actor(None, "admin", Role.ADMIN)


def signed_in(response) -> bool:
    return response.status_code == 200


def copy_of(browser: Browser, app) -> Browser:
    """Another client holding the same session cookie, as a thief would."""
    thief = Browser(app)
    cookie = browser.client.get_cookie("session")
    thief.client.set_cookie("session", cookie.value)
    return thief


def test_a_copied_session_cookie_dies_when_its_owner_signs_out(browser_app, people):
    owner = Browser(browser_app, people.carrier)
    thief = copy_of(owner, browser_app)
    assert signed_in(thief.get("/operator/"))
    owner.post("/sign-out")
    assert thief.get("/operator/").status_code == 302  # to the sign-in page


@pytest.mark.parametrize("change", ["password reset", "role changed", "deactivated"])
def test_an_admins_change_ends_every_session_of_the_user(browser_app, people, uow, clock, change):
    owner = Browser(browser_app, people.carrier)
    user_id = people.carrier.actor.user_id
    if change == "password reset":
        set_password(uow, clock, ADMIN, user_id, "Another!2026secret")
    elif change == "role changed":
        update_user(
            uow, clock, ADMIN, user_id, role="desk", org_eori=None, display_name="c", email=None
        )
    else:
        set_user_active(uow, clock, ADMIN, user_id, False)
    assert owner.get("/operator/").status_code == 302
    assert owner.get("/desk/").status_code == 302


def test_a_person_creates_sees_and_revokes_a_token(browser_app, people, clock):
    me = Browser(browser_app, people.carrier)
    created = me.post("/account/tokens", data={"label": "TMS"})
    assert created.status_code == 201
    page = created.get_data(as_text=True)
    token = page.split('<code class="secret">')[1].split("</code>")[0]
    api = browser_app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/incidents", headers=auth).status_code == 200
    listing = me.page("/account/tokens")
    assert "TMS" in listing and token not in listing  # shown once
    token_id = int(listing.split("/account/tokens/")[1].split("/revoke")[0])  # newest first
    assert me.post(f"/account/tokens/{token_id}/revoke").status_code == 303
    refused = api.get("/api/v1/incidents", headers=auth)
    assert refused.status_code == 401
    assert "revoked or expired" in refused.get_json()["detail"]


def test_a_token_expires(client, people, clock):
    assert client.get("/api/v1/incidents", headers=people.carrier.auth).status_code == 200
    clock.advance(days=366)  # tokens are issued for a year
    assert client.get("/api/v1/incidents", headers=people.carrier.auth).status_code == 401


def test_another_persons_token_cannot_be_revoked_but_an_admin_can(browser_app, people, uow):
    from bcp.services.accounts import list_tokens

    [token] = list_tokens(uow, people.carrier.actor.user_id)
    other = Browser(browser_app, people.other_carrier)
    assert other.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    admin = Browser(browser_app, people.admin)
    assert people.carrier.login in admin.page("/admin/tokens")
    assert admin.post(f"/admin/tokens/{token.id}/revoke").status_code == 303
    api = browser_app.test_client()
    assert api.get("/api/v1/incidents", headers=people.carrier.auth).status_code == 401


def test_token_list_revoke_and_rotate_from_the_command_line(app, people, uow):
    from bcp.services.accounts import list_tokens

    runner = CliRunner()
    with app.app_context():
        listed = runner.invoke(app.cli, ["bcp", "token", "list", "--user", "carrier"])
        assert listed.exit_code == 0 and "carrier" in listed.output and "in force" in listed.output
        assert people.carrier.token not in listed.output
        [token] = list_tokens(uow, people.carrier.actor.user_id)
        rotated = runner.invoke(app.cli, ["bcp", "token", "rotate", str(token.id)])
        assert rotated.exit_code == 0, rotated.output
        successor = rotated.output.strip().splitlines()[-1]
        revoked = runner.invoke(app.cli, ["bcp", "token", "revoke", "999999"])
        assert revoked.exit_code != 0 and "no token" in revoked.output
    client = app.test_client()
    assert client.get("/api/v1/incidents", headers=people.carrier.auth).status_code == 401
    fresh = {"Authorization": f"Bearer {successor}"}
    assert client.get("/api/v1/incidents", headers=fresh).status_code == 200


def limited_app(settings, clock, **limits):
    return create_app(settings=replace(settings, **limits), clock=clock)


def test_wrong_passwords_slow_the_guesser_not_the_user_elsewhere(
    browser_app, people, settings, clock
):
    app = limited_app(settings, clock, sign_in_failures_per_login_and_address=3)
    app.config["WTF_CSRF_ENABLED"] = False
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(3):
        wrong = guesser.post("/sign-in", data={"login": "carrier", "password": "guess"})
        assert wrong.status_code == 401
    refused = guesser.post(
        "/sign-in",
        data={"login": "carrier", "password": PASSWORD},
        headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "attendez 15 minutes" in refused.get_data(as_text=True)
    user = app.test_client()
    user.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert user.post("/sign-in", data={"login": "carrier", "password": PASSWORD}).status_code == 302
    app.extensions["bcp"].dispose()


def test_sign_in_attempts_per_address_and_api_requests_per_token(
    browser_app, people, settings, clock
):
    app = limited_app(
        settings,
        clock,
        sign_in_attempts_per_address="3 per minute",
        api_requests_per_token="4 per minute",
    )
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    answers = [
        client.post(
            "/sign-in",
            data={"login": f"x{n}", "password": "y"},
            headers={"Accept-Language": "en"},
        )
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert "Too many sign-in attempts from your address" in answers[-1].get_data(as_text=True)
    codes = [client.get("/api/v1/incidents", headers=people.carrier.auth) for _ in range(5)]
    assert [c.status_code for c in codes] == [200, 200, 200, 200, 429]
    assert codes[-1].mimetype == "application/problem+json"
    assert codes[-1].get_json()["type"] == "/problems/too-many-requests"
    assert int(codes[-1].headers["Retry-After"]) > 0
    other = client.get("/api/v1/incidents", headers=people.desk.auth)
    assert other.status_code == 200  # per token
    app.extensions["bcp"].dispose()


def test_a_missing_database_is_not_created_and_not_served(settings, clock, tmp_path):
    missing = tmp_path / "nowhere" / "bcp.sqlite3"
    app = create_app(settings=replace(settings, database_url=f"sqlite:///{missing}"), clock=clock)
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.headers["Retry-After"]
    assert "does not exist" in health.get_json()["database"]
    api = client.get("/api/v1/incidents", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503 and "db upgrade" in api.get_json()["detail"]
    assert client.get("/ping").status_code == 200
    assert not missing.exists()
    app.extensions["bcp"].dispose()


def test_a_database_behind_the_migrations_is_refused_until_upgraded(settings, clock, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "f3b8d2a61c47")
    app = create_app(settings=replace(settings, database_url=url), clock=clock)
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "f3b8d2a61c47" in health.get_json()["database"]
    assert client.get("/sign-in").status_code == 503
    migrate.upgrade(url)
    assert client.get("/healthz").status_code == 200
    assert client.get("/sign-in").status_code == 200
    app.extensions["bcp"].dispose()


def test_in_production_demo_credentials_are_refused_and_hsts_is_sent(settings, clock, uow):
    from bcp.services.demo import load_demo
    from bcp.services.reflexes import ReflexLibrary
    from bcp.store.reflex_files import load_all

    load_demo(uow, clock, ReflexLibrary(load_all(), "fr-2026-12"))
    app = create_app(settings=replace(settings, env="production"), clock=clock)
    client = app.test_client()
    answer = client.get("/api/v1/incidents", headers={"Authorization": "Bearer demo-desk-token"})
    assert answer.status_code == 401 and "demo" in answer.get_json()["detail"]
    app.config["WTF_CSRF_ENABLED"] = False
    demo = client.post("/sign-in", data={"login": "douane", "password": "Douane!2026"})
    assert demo.status_code == 401
    assert client.get("/sign-in").headers["Strict-Transport-Security"].startswith("max-age=")
    app.extensions["bcp"].dispose()


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(
    browser_app, people, settings, clock, uow
):
    app = create_app(settings=replace(settings, proxy_trusted_hops=1), clock=clock)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post(
        "/sign-in",
        data={"login": "carrier", "password": "wrong"},
        headers={"X-Forwarded-For": "192.0.2.44"},
    )
    with uow:
        ips = uow.session.scalars(
            select(AuditEventRow.ip).where(AuditEventRow.action == "sign_in_failed")
        ).all()
    assert ips == ["192.0.2.44"]
    app.extensions["bcp"].dispose()


@pytest.mark.parametrize(
    ("url", "allowed", "refused"),
    [
        ("http://169.254.169.254/latest/meta-data", ["0.0.0.0/0"], "link-local"),
        ("http://[fe80::1]/hook", [], "link-local"),
        ("http://[::1]:8080/hook", [], "loopback or private"),
        ("http://10.1.2.3/hook", [], "loopback or private"),
        ("http://localhost:5134/hook", [], "loopback or private"),
        ("http://127.0.0.1:5134/hook", ["127.0.0.1/32"], None),
        ("http://[::1]:8080/hook", ["::1/128"], None),
        ("https://hooks.example.fr/bcp", [], None),
    ],
)
def test_in_production_webhooks_go_only_where_the_settings_allow(uow, clock, url, allowed, refused):
    policy = DestinationPolicy(True, tuple(ipaddress.ip_network(n) for n in allowed))
    if refused is None:
        assert add_webhook(uow, clock, ADMIN, url, ["incident.declared"], destinations=policy)
        return
    with pytest.raises(InvalidInput) as excinfo:
        add_webhook(uow, clock, ADMIN, url, ["incident.declared"], destinations=policy)
    assert refused in excinfo.value.errors[0].message


@pytest.mark.parametrize(
    "email",
    ["x@a.example, y@b.example", "ops@aerofret.example\r\nBcc: a@b.example", "Camille <c@a.fr>"],
)
def test_one_e_mail_address_per_field(uow, clock, people, email):
    with pytest.raises(InvalidInput) as excinfo:
        update_user(
            uow,
            clock,
            ADMIN,
            people.carrier.actor.user_id,
            role="operator",
            org_eori=CARRIER_EORI,
            display_name="Camille",
            email=email,
        )
    assert excinfo.value.errors[0].field == "email"


def test_signing_out_is_audited_once(browser_app, people, uow):
    Browser(browser_app, people.carrier).post("/sign-out")
    with uow:
        count = uow.session.scalar(
            select(func.count())
            .select_from(AuditEventRow)
            .where(AuditEventRow.action == "signed_out")
        )
    assert count == 1


def test_days_of_a_token_come_from_the_settings(browser_app, people, settings, clock):
    app = create_app(settings=replace(settings, token_days=7), clock=clock)
    app.config["WTF_CSRF_ENABLED"] = False
    me = Browser(app, people.carrier)
    page = me.post("/account/tokens", data={"label": "short"}).get_data(as_text=True)
    token = page.split('<code class="secret">')[1].split("</code>")[0]
    clock.advance(days=7, seconds=1)
    refused = app.test_client().get(
        "/api/v1/incidents", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401
    app.extensions["bcp"].dispose()


def test_an_incidents_evidence_is_capped(browser_app, people, api, settings, clock):
    import io

    app = create_app(
        settings=replace(settings, attachments_per_incident=2, attachments_total_bytes=4096),
        clock=clock,
    )
    app.config["WTF_CSRF_ENABLED"] = False
    incident_id = api.declare(people.carrier).get_json()["id"]
    me = Browser(app, people.carrier)

    def attach(size: int):
        content = b"%PDF-1.7\n" + b"x" * size
        return me.post(
            f"/incidents/{incident_id}/record",
            data={"note": "capture", "attachment": (io.BytesIO(content), "capture.pdf")},
            content_type="multipart/form-data",
        )

    assert attach(100).status_code == 303
    refused = attach(5000)
    page = me.client.get(f"/incidents/{incident_id}").get_data(as_text=True)
    assert refused.status_code == 303 and "past the size it may have" in page
    assert attach(100).status_code == 303
    third = attach(10)
    page = me.client.get(f"/incidents/{incident_id}").get_data(as_text=True)
    assert third.status_code == 303 and "as many files as it may hold" in page
    app.extensions["bcp"].dispose()


def test_an_unchanged_report_is_served_from_the_cache(api, people, app, monkeypatch):
    from bcp.web.api import reports

    incident_id = api.declare(people.carrier).get_json()["id"]
    first = api.get(people.carrier, f"/incidents/{incident_id}/report.pdf?lang=en")
    calls = []
    monkeypatch.setattr(reports, "incident_pdf", lambda *a: calls.append(a) or b"%PDF-new")
    again = api.get(people.carrier, f"/incidents/{incident_id}/report.pdf?lang=en")
    assert again.data == first.data and calls == []  # not rendered again
    api.act(people.desk, incident_id, "acknowledge")  # the timeline changed
    changed = api.get(people.carrier, f"/incidents/{incident_id}/report.pdf?lang=en")
    assert changed.data == b"%PDF-new" and len(calls) == 1


def test_an_admin_sees_a_webhooks_secret_once_and_rotates_it(browser_app, people):
    admin = Browser(browser_app, people.admin)
    created = admin.post(
        "/admin/webhooks",
        data={"url": "https://hooks.example.fr/bcp", "topics": ["incident.declared"]},
    )
    assert created.status_code == 201
    secret = created.get_data(as_text=True).split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("whsec_")
    listing = admin.page("/admin/webhooks")
    assert "hooks.example.fr" in listing and secret not in listing
    hook_id = int(listing.split("/admin/webhooks/")[1].split("/rotate")[0])
    rotated = admin.post(f"/admin/webhooks/{hook_id}/rotate").get_data(as_text=True)
    new = rotated.split('<code class="secret">')[1].split("</code>")[0]
    assert new.startswith("whsec_") and new != secret
    assert "the previous one signs until" in rotated
    refused = admin.post(
        "/admin/webhooks",
        data={"url": "http://127.0.0.1:5134/\r\nX-Evil: 1", "topics": ["incident.declared"]},
    )
    assert refused.status_code == 303
    assert "line breaks" in admin.page("/admin/webhooks")
    french = Browser(browser_app, people.admin, lang="fr")
    french.post(
        "/admin/webhooks",
        data={"url": "http://169.254.169.254/", "topics": ["incident.declared"]},
    )
    page = french.page("/admin/webhooks")
    assert "une adresse lien-local, non spécifiée ou multicast : jamais une destination" in page
