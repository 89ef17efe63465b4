"""The desk's notices in one transaction with everything they decide for the incidents they
cover: link, acknowledgement, fallback window, planned or not, recovery; and the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bcp.domain.activation import ActivationRequest
from bcp.domain.catalogue import Mode
from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from bcp.domain.lifecycle import State
from bcp.domain.timeline import EventKind
from bcp.services.context import Context
from bcp.services.incidents import declare_incident, get_incident
from bcp.services.notices import (
    close_notice,
    may_activate,
    notify_commission,
    publish_notice,
    set_fallback,
    status_board,
    update_notice,
    watch_notices,
)
from bcp.services.referrals import confirm_referral, refer_on_notice
from bcp.store.models import NoticeUpdateRow, OutboxRow
from tests.conftest import CARRIER_EORI, OTHER_EORI
from tests.domain.conftest import facts
from tests.domain.test_notices import maintenance, notice_data
from tests.typed import as_declaration, as_notice, as_referral, as_update


def state_of(uow, clock, library, people, incident_id):
    return get_incident(Context(uow, clock, library, people.desk.actor), incident_id).incident


def component(board, code):
    return next(c for c in board.components if c.component == code)


def test_a_notice_takes_in_the_open_incidents_of_its_components(uow, clock, library, people):
    sti = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    cr = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts(component="CR"))
    )
    published = publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(notice_data())
    )
    assert published.linked == [sti]
    incident = state_of(uow, clock, library, people, sti)
    assert incident.notice_id == published.notice.id and incident.state is State.ACKNOWLEDGED
    assert state_of(uow, clock, library, people, cr.incident.id).notice_id is None


def test_an_incident_declared_under_an_open_window_is_linked_and_in_fallback(
    uow, clock, library, people
):
    notice = publish_notice(
        Context(uow, clock, library, people.desk.actor),
        as_notice(notice_data(fallback_allowed=True)),
    ).notice
    clock.advance(minutes=5)
    view = declare_incident(
        Context(uow, clock, library, people.forwarder.actor), as_declaration(facts())
    )
    assert view.incident.notice_id == notice.id
    assert view.incident.state is State.FALLBACK_ACTIVE
    kinds = [e.kind for e in view.incident.events]
    assert kinds.count(EventKind.DECLARED) == 1 and EventKind.NOTICE_LINKED in kinds
    # the message to send names the organisation's first fallback reference, issued with it
    [issued] = [e for e in view.incident.events if e.kind is EventKind.FALLBACK_REFERENCE_ISSUED]
    assert issued.actor_label == f"desk notice {notice.id}"
    assert issued.changes["sequence"] == 1
    with uow.reading():  # inserted, then saved again in the same transaction: all of it kept
        kept = uow.incidents.get(view.incident.id)
    assert kept.state is State.FALLBACK_ACTIVE and kept.events == view.incident.events


def test_opening_then_closing_the_window_and_closing_the_notice(uow, clock, library, people):
    desk = people.desk.actor
    notice_id = publish_notice(
        Context(uow, clock, library, desk), as_notice(notice_data())
    ).notice.id
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    clock.advance(minutes=2)
    set_fallback(Context(uow, clock, library, desk), notice_id, allowed=True)
    authorised = state_of(uow, clock, library, people, incident_id)
    assert authorised.state is State.FALLBACK_ACTIVE
    # as when the desk authorises it directly: the first reference for the message to send
    assert authorised.fallback_references == [authorised.events[-1].changes["reference"]]
    assert component(status_board(uow, clock), "STI").fallback_allowed
    clock.advance(minutes=30)
    set_fallback(Context(uow, clock, library, desk), notice_id, allowed=False)
    clock.advance(minutes=1)
    close_notice(Context(uow, clock, library, desk), notice_id, "STI is back")
    incident = state_of(uow, clock, library, people, incident_id)
    assert incident.state is State.RECOVERED
    assert incident.events[-1].note == f"service restored: desk notice {notice_id} closed"
    board = status_board(uow, clock)
    assert board.all_operational and board.closed_notices[0].id == notice_id


def test_each_update_is_notified_through_the_outbox(uow, clock, library, people):
    desk = people.desk.actor
    notice_id = publish_notice(
        Context(uow, clock, library, desk), as_notice(notice_data())
    ).notice.id
    update_notice(
        Context(uow, clock, library, desk), notice_id, *as_update({"text": "Root cause: a router"})
    )
    with uow:
        topics = uow.session.scalars(
            select(OutboxRow.topic).where(OutboxRow.topic.like("notice.%")).order_by(OutboxRow.id)
        ).all()
    assert topics == ["notice.published", "notice.updated"]


def test_notice_updates_are_append_only_in_the_database(uow, clock, library, people):
    publish_notice(Context(uow, clock, library, people.desk.actor), as_notice(notice_data()))
    with uow, pytest.raises(Exception, match="append-only"):
        uow.session.execute(text("UPDATE notice_updates SET text = 'rewritten'"))
    with uow:
        assert uow.session.scalars(select(NoticeUpdateRow.text)).all() == ["STI indisponible"]


def test_operators_do_not_publish_and_bad_input_writes_nothing(uow, clock, library, people):
    with pytest.raises(NotAllowed):
        publish_notice(Context(uow, clock, library, people.carrier.actor), as_notice(notice_data()))
    with pytest.raises(InvalidInput):
        publish_notice(
            Context(uow, clock, library, people.desk.actor),
            as_notice(notice_data(kind="sometimes")),
        )
    assert status_board(uow, clock).notices == []


def test_the_scheduler_turns_an_overrun_maintenance_unscheduled_and_re_runs_the_rules(
    uow, clock, library, people
):
    data = maintenance(hours_ahead=0.5, length=1, short_notice_confirmed=True)
    notice_id = publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(data)
    ).notice.id
    clock.advance(minutes=40)  # the window has begun
    during = facts(component="CR", started_at=clock.now().isoformat())
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(during)
    ).incident.id
    incident = state_of(uow, clock, library, people, incident_id)
    assert incident.notice_id == notice_id and incident.reflex.rule_id == "administration-planned"
    assert watch_notices(uow, clock, library) == []
    clock.advance(minutes=51)  # past the planned end at +90 min
    assert watch_notices(uow, clock, library) == [notice_id]
    incident = state_of(uow, clock, library, people, incident_id)
    assert not incident.facts.planned
    assert incident.reflex.rule_id == "administration-unplanned"
    assert incident.events[-1].kind is EventKind.PROCEDURE_SWITCHED
    assert watch_notices(uow, clock, library) == []  # once
    assert component(status_board(uow, clock), "CR").health.value == "down"


def test_a_referral_during_the_administration_s_outage_goes_on_the_carrier_s_incident(
    uow, clock, library, people
):
    """From the notice, naming the carrier: on its incident that follows the notice, or on one
    the desk's act opens for it (linked, acknowledged by the notice), never a second one."""
    desk = Context(uow, clock, library, people.desk.actor)
    notice = publish_notice(desk, as_notice(notice_data())).notice
    own = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident
    dnl = as_referral({"kind": "dnl", "air_waybill": "02012345675", "route": "telephone",
                       "sent_to": "Chef d'escale"})  # fmt: skip
    view = refer_on_notice(desk, notice.id, CARRIER_EORI, dnl)
    assert view.incident.id == own.id and view.incident.referrals[0].kind.value == "dnl"
    opened = refer_on_notice(desk, notice.id, OTHER_EORI, dnl).incident
    assert opened.organisation.eori == OTHER_EORI and opened.notice_id == notice.id
    assert opened.state is State.ACKNOWLEDGED
    assert [e.kind for e in opened.events][:2] == [EventKind.DECLARED, EventKind.PROCEDURE_SELECTED]
    again = refer_on_notice(desk, notice.id, OTHER_EORI, dnl).incident
    assert again.id == opened.id and len(again.referrals) == 2
    confirmed = confirm_referral(Context(uow, clock, library, people.other_carrier.actor),
                                 opened.id, 1)  # fmt: skip
    assert confirmed.incident.referrals[0].confirmed
    with pytest.raises(InvalidInput) as refused:
        refer_on_notice(desk, notice.id, "FR00000000000000", dnl)
    assert refused.value.errors[0].field == "carrier"
    with pytest.raises(NotAllowed):
        refer_on_notice(Context(uow, clock, library, people.carrier.actor), notice.id,
                        CARRIER_EORI, dnl)  # fmt: skip
    close_notice(desk, notice.id, "")
    with pytest.raises(IllegalTransition, match="not under way"):
        refer_on_notice(desk, notice.id, CARRIER_EORI, dnl)


def test_a_national_system_notice_gets_no_fallback(uow, clock, library, people):
    desk = Context(uow, clock, library, people.desk.actor)
    notice = publish_notice(desk, as_notice(notice_data(components=["NES"]))).notice
    with pytest.raises(IllegalTransition, match="no fallback"):
        set_fallback(desk, notice.id, True)
    assert not may_activate(desk, notice)
    with pytest.raises(IllegalTransition, match="no fallback"):
        publish_notice(desk, as_notice(notice_data(components=["NES"], fallback_allowed=True)))


def test_the_bcp_activated_for_air_authorises_only_the_air_incidents(uow, clock, library, people):
    desk = Context(uow, clock, library, people.desk.actor)
    notice = publish_notice(desk, as_notice(notice_data())).notice
    air = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    sea = declare_incident(
        Context(uow, clock, library, people.other_carrier.actor),
        as_declaration(facts(modes=["maritime"])),
    ).incident.id
    set_fallback(desk, notice.id, True, activation=ActivationRequest(modes=(Mode.AIR,)))
    assert state_of(uow, clock, library, people, air).state is State.FALLBACK_ACTIVE
    assert state_of(uow, clock, library, people, sea).state is State.ACKNOWLEDGED
    notify_commission(desk, notice.id, "DG TAXUD")
    board = status_board(uow, clock)
    assert component(board, "STI").fallback_allowed


def test_an_organisation_joins_a_notice_once_per_component(uow, clock, library, people):
    publish_notice(Context(uow, clock, library, people.desk.actor), as_notice(notice_data()))
    carrier = Context(uow, clock, library, people.carrier.actor)
    declare_incident(carrier, as_declaration(facts()))
    with pytest.raises(IllegalTransition, match="already has an open incident"):
        declare_incident(carrier, as_declaration(facts(summary="again")))
    other = declare_incident(
        Context(uow, clock, library, people.other_carrier.actor), as_declaration(facts())
    )
    assert other.incident.notice_id is not None
