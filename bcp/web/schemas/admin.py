"""What the admin manages: users, organisations, the rules table's contacts, probes, webhooks and
their deliveries, certificates, the rules-table versions. The admin pages read their forms into
the same bodies (bcp.web.admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictFloat

from bcp.domain.actors import OrganisationKind, Role
from bcp.domain.notifications import TOPICS
from bcp.web.schemas.common import Bilingual
from bcp.web.schemas.types import (
    Body,
    ComponentCode,
    Email,
    Eori,
    Flag,
    Id,
    Instant,
    Shape,
    Url,
    free_text,
    one_line,
    unique,
    whole,
)

UserRole = Literal["operator", "desk", "manager", "admin"]
Topic = Literal[tuple(TOPICS)]  # type: ignore[valid-type]


class NewUserBody(Body):
    login: one_line(
        64,
        "2 to 64 characters: lower-case letters, digits, '.', '_' or '-'",
        required=True,
        examples=["camille"],
    )
    role: UserRole
    org: Eori | None = Field(None, description="The organisation of an operator (its EORI)")
    display_name: one_line(200, "The name shown to others") | None = None
    email: Email | None = None
    password: one_line(200, "At least 12 characters, with letters and digits") | None = None


class UserUpdateBody(Body):
    role: UserRole
    org: Eori | None = None
    display_name: one_line(200, "The name shown to others", required=True)
    email: Email | None = None


class UserActiveBody(Body):
    active: Flag = Field(description="false deactivates the account and ends its sessions")


class PasswordBody(Body):
    password: one_line(200, "At least 12 characters, with letters and digits", required=True)


class UserOut(Shape):
    id: int
    login: str
    display_name: str
    email: str | None
    role: Role
    organisation: str | None = Field(description="The organisation's EORI")
    active: bool
    created_at: Instant


class NewUserOut(Shape):
    user: UserOut


class NewOrganisationBody(Body):
    name: one_line(200, "Its name", required=True)
    kind: OrganisationKind
    eori: Eori
    siret: one_line(14, "14 digits") | None = None
    provider: Eori | None = Field(None, description="EORI of its EDI service provider")
    stp_access: bool = Field(
        False,
        description="It can lodge ENS on the Shared Trader Portal (UUM&DS access and an STP "
        "profile): offered first when its EDI chain is down",
    )


class OrganisationUpdateBody(Body):
    name: one_line(200, "Its name", required=True)
    siret: one_line(14, "14 digits") | None = None
    provider: Eori | None = Field(None, description="EORI of its EDI service provider")
    stp_access: bool = Field(
        False,
        description="It can lodge ENS on the Shared Trader Portal (UUM&DS access and an STP "
        "profile): offered first when its EDI chain is down",
    )


class OrganisationOut(Shape):
    id: int
    name: str
    kind: OrganisationKind
    eori: str
    siret: str | None
    provider: str | None = Field(description="EORI of its EDI service provider")
    stp_access: bool = Field(description="It can lodge ENS on the Shared Trader Portal")
    created_at: Instant


class ContactBody(Body):
    name_fr: one_line(200, "Name in French", required=True)
    name_en: one_line(200, "Name in English", required=True)
    email: Email | None = None
    phone: one_line(40, "Digits, spaces and + . ( ) -") = ""

    def details(self) -> dict[str, str]:
        """The keyword arguments of `update_contact`."""
        return {**self.model_dump(), "email": self.email or ""}


class ContactOut(Shape):
    key: str
    name: Bilingual
    email: str | None
    phone: str | None


class ProbeBody(Body):
    name: one_line(200, "What it checks", required=True)
    component: ComponentCode
    url: Url
    organisation_id: Id | None = Field(None, description="An operator's own system: whose")
    method: Literal["GET", "HEAD"] = "GET"
    expected_status: whole(100, 599, "The status of a healthy answer") = 200
    expected_text: one_line(200, "Text a healthy answer contains") | None = None
    timeout_seconds: Annotated[
        StrictFloat, Field(ge=0.1, le=60, allow_inf_nan=False, description="Seconds to wait")
    ] = 5.0
    interval_seconds: whole(10, 86_400, "Seconds between two checks") = 60
    failures_to_down: whole(1, 20, "Failures in a row before it is down") = 3
    successes_to_up: whole(1, 20, "Successes in a row before it is up again") = 2


class ProbeOut(Shape):
    id: int
    name: str
    component: ComponentCode
    organisation_id: int | None
    url: str
    method: str
    expected_status: int
    expected_text: str | None
    timeout_seconds: float
    interval_seconds: int
    failures_to_down: int
    successes_to_up: int
    enabled: bool
    health: str = Field(description="up, down or unknown")
    last_message: str | None
    next_check_at: Instant


Topics = Annotated[
    tuple[Topic, ...],
    Field(min_length=1, max_length=len(TOPICS), description="What it is sent"),
    AfterValidator(unique),
]


class WebhookBody(Body):
    url: Url
    topics: Topics
    organisation_id: Id | None = Field(None, description="Only this organisation's events")


class WebhookOut(Shape):
    id: int
    url: str
    topics: list[str]
    organisation_id: int | None
    active: bool
    created_at: Instant
    previous_secret_until: Instant | None = Field(
        description="Until when the secret before the last rotation still signs"
    )


class WebhookSecret(Shape):
    """The webhook with its signing secret (Standard Webhooks, whsec_…), shown this once."""

    id: int
    url: str
    secret: str


class DeliveryOut(Shape):
    id: int
    channel: Literal["email", "webhook"]
    target: str
    status: str
    attempts: int
    next_attempt_at: Instant
    last_error: str | None


class WebhooksOut(Shape):
    items: list[WebhookOut]
    failing_deliveries: list[DeliveryOut]


class OwnCertificateBody(Body):
    """A certificate of one's own organisation."""

    label: one_line(200, "Which certificate", required=True)
    valid_from: date = Field(json_schema_extra={"format": "date"})
    valid_until: date = Field(json_schema_extra={"format": "date"})
    process: whole(1, 2, "1: the operator holds its certificate; 2: its EDI provider does")
    status: Literal["active", "revoked"] = "active"

    def details(self) -> dict[str, object]:
        """The keyword arguments of `record_certificate`."""
        return self.model_dump(exclude={"organisation_id"})


class CertificateBody(OwnCertificateBody):
    """A certificate of any organisation (the admin)."""

    organisation_id: Id


class CertificateOut(Shape):
    id: int
    organisation_id: int
    label: str
    valid_from: date
    valid_until: date
    status: str
    process: int
    recorded_at: Instant
    recorded_by: str


class ReflexVersionOut(Shape):
    version: str
    title: Bilingual
    published: str
    rules: int
    procedures: int
    active: bool = Field(description="New incidents are decided with this version")


class ReflexVersions(Shape):
    active: str
    items: list[ReflexVersionOut]


class ActivationBody(Body):
    note: free_text(2_000, "Why this version now (the audit trail keeps it)") = ""
