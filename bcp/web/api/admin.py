"""/api/v1/admin: what the admin pages do, for the admin's scripts: users, organisations, the
rules table's contacts and versions, probes, webhooks and their failing deliveries,
certificates. Admins only."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.actors import Role
from bcp.domain.errors import NotFound
from bcp.domain.messages import N_
from bcp.services import accounts, certificates, notifications, probes
from bcp.services.contacts import effective_contacts, update_contact
from bcp.services.context import Context
from bcp.services.reflexes import activate, active_table
from bcp.web.api import api
from bcp.web.api.spec import Answer, operation
from bcp.web.runtime import runtime
from bcp.web.schemas.admin import (
    ActivationBody,
    CertificateBody,
    CertificateOut,
    ContactBody,
    ContactOut,
    DeliveryOut,
    NewOrganisationBody,
    NewUserBody,
    OrganisationOut,
    OrganisationUpdateBody,
    PasswordBody,
    ProbeBody,
    ProbeOut,
    ReflexVersionOut,
    ReflexVersions,
    UserActiveBody,
    UserOut,
    UserUpdateBody,
    WebhookBody,
    WebhookOut,
    WebhookSecret,
    WebhooksOut,
)
from bcp.web.schemas.common import items_of

TAG = "admin"
ADMIN = (Role.ADMIN,)
Users = items_of(UserOut)
Organisations = items_of(OrganisationOut)
Contacts = items_of(ContactOut)
Probes = items_of(ProbeOut)
Certificates = items_of(CertificateOut)


def user_shape(row) -> UserOut:
    return UserOut(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        email=row.email,
        role=row.role,
        organisation=row.organisation.eori if row.organisation else None,
        active=row.active,
        created_at=row.created_at,
    )


def organisation_shape(row) -> OrganisationOut:
    return OrganisationOut(
        id=row.id,
        name=row.name,
        kind=row.kind,
        eori=row.eori,
        siret=row.siret,
        provider=row.provider.eori if row.provider else None,
        stp_access=bool(row.stp_access),
        created_at=row.created_at,
    )


def _user(user_id: int) -> UserOut:
    for row in accounts.list_users(runtime().unit_of_work()):
        if row.id == user_id:
            return user_shape(row)
    raise NotFound(N_("no such user"))


def _organisation(organisation_id: int) -> OrganisationOut:
    for row in accounts.list_organisations(runtime().unit_of_work()):
        if row.id == organisation_id:
            return organisation_shape(row)
    raise NotFound(N_("no such organisation"))


@api.get("/admin/users")
@operation("Users, with their role and organisation", tag=TAG, answer=Users, roles=ADMIN)
def list_users():
    return Users(items=[user_shape(r) for r in accounts.list_users(runtime().unit_of_work())])


@api.post("/admin/users")
@operation("Add a user", tag=TAG, body=NewUserBody, answer=UserOut, status=201, roles=ADMIN)
def post_user(ctx: Context, body: NewUserBody):
    created = accounts.add_user(
        ctx.uow,
        ctx.clock,
        admin=ctx.actor,
        login=body.login,
        role=body.role,
        org_eori=body.org.upper() if body.org else None,
        display_name=body.display_name or None,
        email=body.email or None,
        password=body.password or None,
    )
    return Answer(_user(created.id), 201)


@api.put("/admin/users/<int:user_id>")
@operation(
    "Change a user's role, organisation, name or e-mail",
    tag=TAG,
    body=UserUpdateBody,
    answer=UserOut,
    roles=ADMIN,
)
def put_user(ctx: Context, user_id: int, body: UserUpdateBody):
    accounts.update_user(
        ctx.uow,
        ctx.clock,
        ctx.actor,
        user_id,
        role=body.role,
        org_eori=body.org.upper() if body.org else None,
        display_name=body.display_name,
        email=body.email or None,
    )
    return _user(user_id)


@api.post("/admin/users/<int:user_id>/active")
@operation(
    "Activate or deactivate a user (deactivating ends their sessions)",
    tag=TAG,
    body=UserActiveBody,
    answer=UserOut,
    roles=ADMIN,
)
def post_user_active(ctx: Context, user_id: int, body: UserActiveBody):
    accounts.set_user_active(ctx.uow, ctx.clock, ctx.actor, user_id, body.active)
    return _user(user_id)


@api.post("/admin/users/<int:user_id>/password")
@operation(
    "Set a user's password (their sessions end)",
    tag=TAG,
    body=PasswordBody,
    answer=UserOut,
    roles=ADMIN,
)
def post_user_password(ctx: Context, user_id: int, body: PasswordBody):
    accounts.set_password(ctx.uow, ctx.clock, ctx.actor, user_id, body.password)
    return _user(user_id)


@api.get("/admin/organisations")
@operation("Organisations, with their EDI provider", tag=TAG, answer=Organisations, roles=ADMIN)
def list_organisations():
    rows = accounts.list_organisations(runtime().unit_of_work())
    return Organisations(items=[organisation_shape(r) for r in rows])


@api.post("/admin/organisations")
@operation(
    "Add an organisation",
    tag=TAG,
    body=NewOrganisationBody,
    answer=OrganisationOut,
    status=201,
    roles=ADMIN,
)
def post_organisation(ctx: Context, body: NewOrganisationBody):
    organisation_id = accounts.add_organisation(
        ctx.uow,
        ctx.clock,
        admin=ctx.actor,
        name=body.name,
        kind=body.kind.value,
        eori=body.eori.upper(),
        siret=body.siret or None,
        provider_eori=body.provider.upper() if body.provider else None,
        stp_access=body.stp_access,
    )
    return Answer(_organisation(organisation_id), 201)


@api.put("/admin/organisations/<int:organisation_id>")
@operation(
    "Change an organisation's name, SIRET, EDI provider or STP access",
    tag=TAG,
    body=OrganisationUpdateBody,
    answer=OrganisationOut,
    roles=ADMIN,
)
def put_organisation(ctx: Context, organisation_id: int, body: OrganisationUpdateBody):
    accounts.update_organisation(
        ctx.uow,
        ctx.clock,
        ctx.actor,
        organisation_id,
        name=body.name,
        siret=body.siret or None,
        provider_eori=body.provider.upper() if body.provider else None,
        stp_access=body.stp_access,
    )
    return _organisation(organisation_id)


def _contacts() -> list[ContactOut]:
    rt = runtime()
    table = active_table(rt.unit_of_work(), rt.library)
    return [
        ContactOut(key=c.key, name={"fr": c.name.fr, "en": c.name.en}, email=c.email, phone=c.phone)
        for c in effective_contacts(rt.unit_of_work(), table).values()
    ]


@api.get("/admin/contacts")
@operation(
    "The contacts the procedures name, as the desk has set them",
    tag=TAG,
    answer=Contacts,
    roles=ADMIN,
)
def list_contacts():
    return Contacts(items=_contacts())


@api.put("/admin/contacts/<key>")
@operation(
    "Set a contact's name, e-mail and telephone",
    tag=TAG,
    body=ContactBody,
    answer=ContactOut,
    roles=ADMIN,
)
def put_contact(ctx: Context, key: str, body: ContactBody):
    rt = runtime()
    table = active_table(rt.unit_of_work(), rt.library)
    update_contact(ctx.uow, ctx.clock, table, ctx.actor, key, **body.details())
    return next(c for c in _contacts() if c.key == key)


def probe_shape(row) -> ProbeOut:
    return ProbeOut.model_validate(row, from_attributes=True)


@api.get("/admin/probes")
@operation(
    "The desk's probes of ICS2 components and of operators' systems",
    tag=TAG,
    answer=Probes,
    roles=ADMIN,
)
def list_probes():
    return Probes(items=[probe_shape(r) for r in probes.list_probes(runtime().unit_of_work())])


@api.post("/admin/probes")
@operation("Add a probe", tag=TAG, body=ProbeBody, answer=ProbeOut, status=201, roles=ADMIN)
def post_probe(ctx: Context, body: ProbeBody):
    rt = runtime()
    probe_id = probes.add_probe(
        ctx.uow,
        ctx.clock,
        ctx.actor,
        **body.model_dump(),
        destinations=rt.settings.destinations,
    )
    row = next(r for r in probes.list_probes(rt.unit_of_work()) if r.id == probe_id)
    return Answer(probe_shape(row), 201)


def webhook_shape(row) -> WebhookOut:
    return WebhookOut.model_validate(row, from_attributes=True)


@api.get("/admin/webhooks")
@operation("Webhooks, and the deliveries that fail", tag=TAG, answer=WebhooksOut, roles=ADMIN)
def list_webhooks():
    return _webhooks()


def _webhooks() -> WebhooksOut:
    rt = runtime()
    return WebhooksOut(
        items=[webhook_shape(r) for r in notifications.list_webhooks(rt.unit_of_work())],
        failing_deliveries=[
            DeliveryOut.model_validate(r, from_attributes=True)
            for r in notifications.failed_deliveries(rt.unit_of_work())
        ],
    )


@api.post("/admin/webhooks")
@operation(
    "Add a webhook; its secret is in this answer only",
    tag=TAG,
    body=WebhookBody,
    answer=WebhookSecret,
    status=201,
    roles=ADMIN,
)
def post_webhook(ctx: Context, body: WebhookBody):
    rt = runtime()
    created = notifications.add_webhook(
        ctx.uow,
        ctx.clock,
        ctx.actor,
        body.url,
        list(body.topics),
        body.organisation_id,
        destinations=rt.settings.destinations,
    )
    return Answer(WebhookSecret(id=created.id, url=created.url, secret=created.secret), 201)


@api.post("/admin/webhooks/<int:webhook_id>/rotation")
@operation(
    "Draw a new secret; the old one still signs for [notifications] webhook_secret_grace_hours",
    tag=TAG,
    answer=WebhookSecret,
    roles=ADMIN,
)
def post_webhook_rotation(ctx: Context, webhook_id: int):
    rt = runtime()
    grace = timedelta(hours=rt.settings.webhook_secret_grace_hours)
    rotated = notifications.rotate_webhook_secret(ctx.uow, ctx.clock, ctx.actor, webhook_id, grace)
    return WebhookSecret(id=rotated.id, url=rotated.url, secret=rotated.secret)


@api.post("/admin/deliveries/<int:delivery_id>/retry")
@operation("Try a failed delivery again", tag=TAG, answer=WebhooksOut, roles=ADMIN)
def post_delivery_retry(ctx: Context, delivery_id: int):
    notifications.retry(ctx.uow, ctx.clock, ctx.actor, delivery_id)
    return _webhooks()


@api.get("/admin/certificates")
@operation(
    "Operators' UUM&DS certificates and when they expire", tag=TAG, answer=Certificates, roles=ADMIN
)
def list_certificates():
    rows = certificates.certificates_of(runtime().unit_of_work())
    return Certificates(
        items=[CertificateOut.model_validate(r, from_attributes=True) for r in rows]
    )


@api.post("/admin/certificates")
@operation(
    "Record a certificate",
    tag=TAG,
    body=CertificateBody,
    answer=CertificateOut,
    status=201,
    roles=ADMIN,
)
def post_certificate(ctx: Context, body: CertificateBody):
    rt = runtime()
    certificate_id = certificates.record_certificate(
        ctx.uow, ctx.clock, ctx.actor, body.organisation_id, **body.details()
    )
    row = next(r for r in certificates.certificates_of(rt.unit_of_work()) if r.id == certificate_id)
    return Answer(CertificateOut.model_validate(row, from_attributes=True), 201)


def _versions() -> ReflexVersions:
    rt = runtime()
    active = active_table(rt.unit_of_work(), rt.library).version
    return ReflexVersions(
        active=active,
        items=[
            ReflexVersionOut(
                version=t.version,
                title={"fr": t.title.fr, "en": t.title.en},
                published=t.published,
                rules=len(t.rules),
                procedures=len(t.procedures),
                active=t.version == active,
            )
            for t in (rt.library.tables[v] for v in sorted(rt.library.tables))
        ],
    )


@api.get("/reflexes/versions")
@operation(
    "The rules-table versions this service knows, and the active one",
    tag="reflexes",
    answer=ReflexVersions,
)
def list_reflex_versions():
    return _versions()


@api.post("/reflexes/versions/<version>/activation")
@operation(
    "Decide new incidents with this version; open incidents keep theirs",
    tag="reflexes",
    body=ActivationBody,
    body_required=False,
    answer=ReflexVersions,
    roles=(Role.ADMIN, Role.DESK),
)
def post_reflex_activation(ctx: Context, version: str, body: ActivationBody):
    activate(ctx, version, body.note)
    return _versions()
