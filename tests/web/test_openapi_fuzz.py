"""Schemathesis against /api/v1/openapi.json: generated requests, valid and not, to every
operation, then workflows chained by the document's links; no answer is a server error, and
every answer is one the schema describes (status, content type, headers and body)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident
from bcp.services.notices import publish_notice
from bcp.services.referrals import record_referral
from tests.domain.conftest import facts
from tests.domain.test_notices import notice_data
from tests.typed import as_declaration, as_notice, as_referral

EXAMPLES = int(os.environ.get("BCP_FUZZ_EXAMPLES", "40"))  # more: BCP_FUZZ_EXAMPLES=500
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_app(app, people, uow, clock, library):
    """The app with a few incidents to find (ids 1 to 3), one of them in fallback with a DNL
    to answer, and a notice (id 1)."""
    for _ in range(3):
        declare_incident(
            Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
        )
    for action in ("acknowledge", "activate_fallback"):
        apply_action(Context(uow, clock, library, people.desk.actor), 1, action)
    record_referral(Context(uow, clock, library, people.desk.actor), 1, as_referral(DNL))
    publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(notice_data(components=["STP"]))
    )
    return app


DNL = {"kind": "dnl", "air_waybill": "02012345675", "route": "telephone", "sent_to": "duty"}


def person_for(case, people):
    """Requests go as the role each operation is for, so that they reach the rules."""
    if "postmortem" in case.path or "reports" in case.path:
        return people.manager
    if case.path.endswith(("/transitions", "/reclassify", "/referrals")):
        return people.desk
    if case.path.startswith("/notices") and case.method == "POST":
        return people.desk
    return people.carrier


def test_the_api_answers_as_its_schema_says(api_app, people):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(headers=person_for(case, people).auth, checks=CHECKS)

        fuzz()


STEPS = int(os.environ.get("BCP_FUZZ_STEPS", "6"))


def test_workflows_that_follow_the_links_never_break_the_contract(api_app, people):
    """Declare → read → act → settle a step → refer → report, as the document's links chain
    them, with generated values at every step: no answer is a server error or outside the
    schema."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    machine = schema.as_state_machine()

    class Workflow(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"headers": person_for(case, people).auth}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=max(EXAMPLES // 2, 10),
            stateful_step_count=STEPS,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],  # the app's data lives on between runs
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
