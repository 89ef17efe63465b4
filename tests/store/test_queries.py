"""The store's queries, on rows written directly: what each returns, in which order, and what it
leaves out. The services ask these and issue no SQL of their own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.store import certificates, contacts, drafts, idempotency, outbox, probes
from bcp.store.accounts import (
    organisation_count,
    organisation_names,
    session_holder,
    set_notify_topics,
    token_digest,
    token_in_force,
    tokens_of,
    users_with_organisations,
)
from bcp.store.incidents import IncidentRepository
from bcp.store.models import (
    ApiTokenRow,
    AttachmentRow,
    CertificateRow,
    ContactRow,
    DeliveryRow,
    DraftRow,
    FallbackReferenceRow,
    IncidentRow,
    JobMarkRow,
    OrganisationRow,
    OutboxRow,
    ProbeResultRow,
    ProbeRow,
    ReflexActivationRow,
    UserRow,
    WebhookRow,
)
from bcp.store.reflex_activations import active_version
from tests.conftest import T0


@pytest.fixture
def session(session_factory):
    with session_factory() as session:
        yield session
        session.rollback()


def organisation(session, eori="FR81234567800013", name="Aérofret") -> OrganisationRow:
    row = OrganisationRow(name=name, kind="carrier", eori=eori, created_at=T0)
    session.add(row)
    session.flush()
    return row


def user(session, login="camille", org=None, active=True) -> UserRow:
    row = UserRow(
        login=login,
        display_name=login,
        role="operator",
        organisation_id=org.id if org else None,
        active=active,
        created_at=T0,
    )
    session.add(row)
    session.flush()
    return row


def incident(session, org, component="EO_SYSTEM", state="declared") -> IncidentRow:
    row = IncidentRow(
        organisation_id=org.id if org else None,
        component=component,
        scope="organisation",
        side="operator",
        planned=False,
        modes=["air"],
        channel="EDI",
        ens_operations=["lodge"],
        ens_waiting=0,
        summary="AS4",
        description="",
        started_at=T0,
        declared_at=T0,
        state=state,
        updated_at=T0,
        version=1,
    )
    session.add(row)
    session.flush()
    return row


def outbox_row(session, key, status="pending", incident_id=None) -> OutboxRow:
    row = OutboxRow(
        idempotency_key=key,
        topic="incident.declared",
        incident_id=incident_id,
        payload={},
        status=status,
        created_at=T0,
        next_attempt_at=T0,
    )
    session.add(row)
    session.flush()
    return row


def delivery(session, parent, key, **fields) -> DeliveryRow:
    values = {"status": "pending", "attempts": 0, "next_attempt_at": T0} | fields
    row = DeliveryRow(outbox_id=parent.id, channel="email", target="a@b.fr", idempotency_key=key)
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return row


def test_the_outbox_pending_failed_and_of_an_incident(session):
    org = organisation(session)
    one = incident(session, org)
    first, second = outbox_row(session, "a", incident_id=one.id), outbox_row(session, "b")
    outbox_row(session, "c", status="dispatched")
    broken = outbox_row(session, "d", status="failed")
    assert outbox.pending_outbox(session) == [first, second]
    assert outbox.pending_outbox(session, limit=1) == [first]
    assert outbox.failed_outbox(session) == [broken]
    assert outbox.outbox_of(session, one.id) == [first]


def test_whom_a_batch_of_outbox_rows_is_for_in_one_read(session):
    org = organisation(session)
    own = incident(session, org)
    national = incident(session, None, component="CR")
    national.scope = "national"
    session.flush()
    assert outbox.incident_audiences(session, {own.id, national.id}) == {
        own.id: outbox.Audience(everyone=False, organisation_id=org.id),
        national.id: outbox.Audience(everyone=True, organisation_id=None),
    }
    assert outbox.incident_audiences(session, set()) == {}


def test_deliveries_due_now_and_those_in_trouble(session):
    parent = outbox_row(session, "a")
    due = delivery(session, parent, "due")
    delivery(session, parent, "later", next_attempt_at=T0 + timedelta(minutes=5))
    delivery(session, parent, "leased", leased_until=T0 + timedelta(minutes=1))
    expired = delivery(session, parent, "expired lease", leased_until=T0 - timedelta(seconds=1))
    delivery(session, parent, "sent", status="sent")
    retrying = delivery(
        session, parent, "retrying", last_error="answered 500", next_attempt_at=T0 + timedelta(1)
    )
    dead = delivery(session, parent, "dead", status="failed", last_error="refused")
    assert outbox.due_deliveries(session, T0, 10) == [due, expired]
    assert outbox.due_deliveries(session, T0, 1) == [due]
    assert outbox.troubled_deliveries(session) == [dead, retrying]


def test_webhooks_and_the_people_who_may_be_told(session):
    on = WebhookRow(url="https://a.fr", secret=None, topics=[], active=True, created_at=T0)
    off = WebhookRow(url="https://b.fr", secret=None, topics=[], active=False, created_at=T0)
    session.add_all([on, off])
    here, gone = user(session, "here"), user(session, "gone", active=False)
    assert outbox.webhooks(session) == [on, off]
    assert outbox.webhooks(session, active_only=True) == [on]
    assert here in outbox.active_users(session) and gone not in outbox.active_users(session)
    set_notify_topics(session, here.id, ["incident.closed"])
    session.expire_all()
    assert session.get(UserRow, here.id).notify_topics == ["incident.closed"]


def probe(session, name, component="STI", organisation_id=None, **fields) -> ProbeRow:
    values = {
        "method": "GET",
        "expected_status": 200,
        "timeout_seconds": 5,
        "interval_seconds": 60,
        "failures_to_down": 3,
        "successes_to_up": 2,
        "enabled": True,
        "health": "up",
        "failures": 0,
        "successes": 0,
        "next_check_at": T0,
        "created_at": T0,
    } | fields
    row = ProbeRow(name=name, component=component, organisation_id=organisation_id, url="x")
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    return row


def test_probes_due_by_component_and_the_desks_that_are_down(session):
    org = organisation(session)
    sti = probe(session, "STI", health="down")
    probe(session, "CR later", component="CR", next_check_at=T0 + timedelta(minutes=1))
    probe(session, "off", enabled=False)
    theirs = probe(session, "operator's", organisation_id=org.id, health="down")
    assert probes.due_probe_ids(session, T0) == [sti.id, theirs.id]
    assert [p.name for p in probes.probes_of(session, "CR")] == ["CR later"]
    assert [p.name for p in probes.all_probes(session)] == ["CR later", "STI", "off", "operator's"]
    assert probes.desk_probes_down(session) == [sti]


def test_a_probe_is_down_since_its_first_failure_after_its_last_success(session):
    sti = probe(session, "STI", health="down")
    for minutes, ok in [(0, False), (1, True), (2, False), (3, False)]:
        session.add(
            ProbeResultRow(probe_id=sti.id, at=T0 + timedelta(minutes=minutes), ok=ok, message="")
        )
    session.flush()
    assert probes.down_since(session, sti.id) == T0 + timedelta(minutes=2)
    assert [r.ok for r in probes.results_since(session, sti.id, T0 + timedelta(minutes=1))] == [
        True,
        False,
        False,
    ]
    never_ok = probe(session, "new", health="down")
    session.add(ProbeResultRow(probe_id=never_ok.id, at=T0, ok=False, message=""))
    assert probes.down_since(session, never_ok.id) == T0


def draft(session, org, kind="incident", status="open", component="EO_SYSTEM") -> DraftRow:
    row = DraftRow(
        kind=kind,
        organisation_id=org.id if org else None,
        component=component,
        side="operator",
        summary="s",
        detail="",
        started_at=T0,
        source="probe",
        status=status,
        created_at=T0,
    )
    session.add(row)
    session.flush()
    return row


def test_drafts_and_the_open_incident_they_would_duplicate(session):
    org, other = organisation(session), organisation(session, "FR40219876500024", "Autre")
    incident(session, org, state="closed")
    current = incident(session, org)
    assert drafts.open_incident_on(session, "EO_SYSTEM", org.id) == current
    assert drafts.open_incident_on(session, "EO_SYSTEM", other.id) is None
    assert drafts.open_incident_on(session, "EO_SYSTEM", None) is None
    mine, theirs = draft(session, org), draft(session, other)
    draft(session, org, status="dismissed")
    assert drafts.open_draft(session, "incident", "EO_SYSTEM", org.id) == mine
    assert drafts.open_draft(session, "recovery", "EO_SYSTEM", org.id) is None
    assert drafts.open_drafts(session, org.id) == [mine]
    assert drafts.open_drafts(session) == [mine, theirs]


def test_certificates_soonest_expiry_first_and_the_watchs_marks(session):
    org, other = organisation(session), organisation(session, "FR40219876500024", "Autre")
    for org_, label, until in [(org, "late", date(2027, 6, 1)), (other, "soon", date(2027, 1, 1))]:
        session.add(
            CertificateRow(
                organisation_id=org_.id,
                label=label,
                valid_from=date(2026, 1, 1),
                valid_until=until,
                status="active",
                process=1,
                recorded_at=T0,
                recorded_by="x",
            )
        )
    session.add(JobMarkRow(job="certificate", key="1:30", done_at=T0))
    session.flush()
    assert [c.label for c in certificates.certificates(session)] == ["soon", "late"]
    assert [c.label for c in certificates.certificates(session, org.id)] == ["late"]
    assert certificates.job_marks(session) == {("certificate", "1:30")}


def test_contacts_and_the_active_rules_table(session):
    assert active_version(session) is None
    for version in ("fr-2025-10", "fr-2026-01"):
        session.add(
            ReflexActivationRow(version=version, activated_at=T0, activated_by="a", note="")
        )
    session.add(ContactRow(key="desk", name_fr="d", name_en="d", updated_at=T0, updated_by="a"))
    session.flush()
    assert active_version(session) == "fr-2026-01"
    assert [c.key for c in contacts.all_contacts(session)] == ["desk"]


def test_fallback_numbers_and_evidence_of_an_incident(session):
    org = organisation(session)
    one = incident(session, org)
    repository = IncidentRepository(session)
    assert repository.last_fallback_sequence(org.id, 2026) == 0
    for year, sequence in [(2026, 1), (2026, 2), (2025, 7)]:
        session.add(
            FallbackReferenceRow(
                reference=f"R-{year}-{sequence}",
                incident_id=one.id,
                organisation_id=org.id,
                year=year,
                sequence=sequence,
                issued_at=T0,
            )
        )
    session.flush()
    assert repository.last_fallback_sequence(org.id, 2026) == 2
    assert repository.attachment_totals(one.id) == (0, 0)
    for size in (10, 32):
        session.add(
            AttachmentRow(
                incident_id=one.id,
                filename="a.pdf",
                content_type="application/pdf",
                size=size,
                sha256="0" * 64,
                data=b"x" * size,
                uploaded_at=T0,
            )
        )
    session.flush()
    assert repository.attachment_totals(one.id) == (2, 42)


def test_accounts_organisations_and_tokens_in_force(session):
    assert organisation_count(session) == 0
    org = organisation(session)
    camille = user(session, "camille", org)
    assert organisation_count(session) == 1
    assert users_with_organisations(session)[0].organisation.name == "Aérofret"
    (named,) = organisation_names(session)
    assert (named.eori, named.name) == (org.eori, "Aérofret")
    rows = {}
    for token, revoked, expires in [
        ("good", None, T0 + timedelta(days=1)),
        ("revoked", T0, None),
        ("expired", None, T0 - timedelta(seconds=1)),
        ("forever", None, None),
    ]:
        rows[token] = ApiTokenRow(
            user_id=camille.id,
            token_sha256=token_digest(token),
            label=token,
            created_at=T0,
            revoked_at=revoked,
            expires_at=expires,
        )
        session.add(rows[token])
    session.flush()
    connection = session.connection()
    good = token_in_force(connection, "good", T0)
    assert (good.token_id, good.expires_at, good.last_used_at) == (
        rows["good"].id,
        T0 + timedelta(days=1),
        None,
    )
    assert good.actor == Actor(
        user_id=camille.id,
        label=camille.display_name,
        role=Role.OPERATOR,
        organisation=OrganisationRef(
            id=org.id, name="Aérofret", kind=OrganisationKind(org.kind), eori=org.eori
        ),
    )
    assert token_in_force(connection, "forever", T0).token_id == rows["forever"].id
    assert token_in_force(connection, "revoked", T0) is None
    assert token_in_force(connection, "expired", T0) is None
    assert token_in_force(connection, "good", T0 + timedelta(days=1)) is None
    assert token_in_force(connection, "unknown", T0) is None
    dominique = user(session, "dominique")  # a person of no organisation (the desk's)
    session.add(
        ApiTokenRow(user_id=dominique.id, token_sha256=token_digest("d"), label="d", created_at=T0)
    )
    session.flush()
    assert token_in_force(connection, "d", T0).actor.organisation is None
    assert [t.label for t in tokens_of(session, camille.id)] == [
        "forever",
        "expired",
        "revoked",
        "good",
    ]
    camille.active = False
    session.flush()
    assert token_in_force(connection, "good", T0) is None


def test_the_holder_of_a_browser_session(session):
    """Active, and signed in since their sessions were last ended (UserRow.session_epoch)."""
    org = organisation(session)
    camille = user(session, "camille", org)
    dominique = user(session, "dominique")
    connection = session.connection()
    held = session_holder(connection, camille.id, 0)
    assert (held.user_id, held.role, held.organisation.eori) == (
        camille.id,
        Role.OPERATOR,
        org.eori,
    )
    assert session_holder(connection, dominique.id, 0).organisation is None
    assert session_holder(connection, camille.id, 1) is None  # a session ended since
    assert session_holder(connection, 999, 0) is None
    camille.active = False
    session.flush()
    assert session_holder(connection, camille.id, 0) is None


def test_an_idempotency_key_is_reserved_once_and_forgotten_after_its_time(session):
    camille = user(session)
    first = idempotency.reserve(session, camille.id, "k", "sha", T0)
    assert first is not None
    assert idempotency.reserve(session, camille.id, "k", "sha", T0) is None
    assert idempotency.find(session, camille.id, "k") == first
    assert idempotency.forget_before(session, T0) == 0
    assert idempotency.forget_before(session, T0 + timedelta(hours=24)) == 1
    assert idempotency.find(session, camille.id, "k") is None


def test_a_rules_file_is_parsed_again_only_when_it_changed(tmp_path):
    """Every app the process creates reads reflexes/; an unchanged file is not parsed twice, a
    changed one is."""
    import os

    from bcp.store.reflex_files import REFLEXES_DIR, load_all

    folder = tmp_path / "reflexes"
    folder.mkdir()
    shipped = (REFLEXES_DIR / "fr-2026-12.yaml").read_text(encoding="utf-8")
    path = folder / "fr-2026-12.yaml"
    path.write_text(shipped, encoding="utf-8")
    first = load_all(folder)["fr-2026-12"]
    assert load_all(folder)["fr-2026-12"] is first
    path.write_text(shipped.replace("version: fr-2026-12", "version: fr-2026-13"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert set(load_all(folder)) == {"fr-2026-13"}
