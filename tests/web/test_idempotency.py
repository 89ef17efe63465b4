"""A POST retried after a lost answer, with the same Idempotency-Key, is done once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bcp.jobs.scheduler import tick
from bcp.store.models import IdempotencyRow, IncidentRow
from tests.domain.conftest import facts


def declare(client, person, key, **overrides):
    return client.post(
        "/api/v1/incidents",
        json=facts(**overrides),
        headers={**person.auth, "Idempotency-Key": key},
    )


def count(uow, model) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_a_retried_declaration_is_declared_once_and_answered_the_same(client, people, uow):
    first = declare(client, people.carrier, "6b0f7c1e-retry")
    again = declare(client, people.carrier, "6b0f7c1e-retry")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(uow, IncidentRow) == 1


def test_the_same_key_with_another_body_is_refused(client, people, uow):
    declare(client, people.carrier, "k-1")
    other = declare(client, people.carrier, "k-1", summary="autre chose")
    assert other.status_code == 422
    assert other.get_json()["type"] == "/problems/idempotency-key-reused"
    assert count(uow, IncidentRow) == 1


def test_keys_are_per_person_and_a_refusal_is_replayed_too(client, people, uow):
    assert declare(client, people.carrier, "k-2").status_code == 201
    assert declare(client, people.forwarder, "k-2").status_code == 201  # another person
    bad = declare(client, people.carrier, "k-3", modes=["teleport"])
    assert bad.status_code == 422
    assert declare(client, people.carrier, "k-3", modes=["teleport"]).get_json() == bad.get_json()
    assert count(uow, IncidentRow) == 2


def test_a_malformed_key_is_refused(client, people):
    answer = declare(client, people.carrier, "é" * 3)
    assert answer.status_code == 400
    assert answer.get_json()["type"] == "/problems/bad-idempotency-key"


def test_keys_are_forgotten_after_the_retention(app, client, people, uow, clock):
    declare(client, people.carrier, "k-4")
    clock.advance(hours=24, minutes=1)
    tick(app.extensions["bcp"])  # the scheduler forgets them
    assert count(uow, IdempotencyRow) == 0
    assert declare(client, people.carrier, "k-4").status_code == 201
    assert count(uow, IncidentRow) == 2


def test_every_post_of_the_api_documents_the_key(client):
    document = client.get("/api/v1/openapi.json").get_json()
    posts = [ops["post"] for ops in document["paths"].values() if "post" in ops]
    assert posts and all(
        any(p.get("name") == "Idempotency-Key" for p in post["parameters"]) for post in posts
    )


def test_a_reservation_left_by_a_dead_process_is_taken_over(client, people, uow, clock):
    from bcp.services.idempotency import Reserved, StillServing, begin

    keep = timedelta(hours=24)
    user_id = people.carrier.actor.user_id
    assert isinstance(begin(uow, clock, user_id, "k-5", "sha", keep), Reserved)
    with pytest.raises(StillServing):  # the first is still being served
        begin(uow, clock, user_id, "k-5", "sha", keep)
    clock.advance(minutes=3)  # it never finished: its process died
    assert isinstance(begin(uow, clock, user_id, "k-5", "sha", keep), Reserved)
