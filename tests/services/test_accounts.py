"""Who an API token stands for (bcp.services.accounts.actor_for_token), and the record of its
last use, written at most every ten minutes rather than on every request."""

from __future__ import annotations

from sqlalchemy import select

from bcp.domain.actors import Role
from bcp.services.accounts import TOKEN_USE_RESOLUTION, actor_for_token, add_user
from bcp.store.accounts import token_digest
from bcp.store.models import ApiTokenRow
from tests.conftest import CARRIER_EORI


def last_used(uow, token: str):
    with uow.reading():
        return uow.session.scalar(
            select(ApiTokenRow.last_used_at).where(ApiTokenRow.token_sha256 == token_digest(token))
        )


def test_a_token_stands_for_its_person_and_organisation(uow, people, clock):
    carrier = actor_for_token(uow, people.carrier.token, clock)
    assert (carrier.role, carrier.label) == (Role.OPERATOR, "carrier")
    assert (carrier.organisation.name, carrier.organisation.eori) == ("Aérofret", CARRIER_EORI)
    desk = actor_for_token(uow, people.desk.token, clock)
    assert (desk.role, desk.organisation) == (Role.DESK, None)
    assert actor_for_token(uow, "token-nobody", clock) is None


def test_its_last_use_is_written_at_most_every_ten_minutes(uow, people, clock):
    token = "token-robot"
    add_user(uow, clock, login="robot", role="operator", org_eori=CARRIER_EORI, token=token)
    assert last_used(uow, token) is None
    first = clock.now()
    actor_for_token(uow, token, clock)
    assert last_used(uow, token) == first
    clock.advance(seconds=TOKEN_USE_RESOLUTION.total_seconds() - 1)
    actor_for_token(uow, token, clock)
    assert last_used(uow, token) == first  # not one write per request
    clock.advance(seconds=1)
    actor_for_token(uow, token, clock)
    assert last_used(uow, token) == clock.now()
