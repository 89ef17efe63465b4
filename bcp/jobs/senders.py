"""Sending one delivery: an e-mail over SMTP, or a JSON POST to a webhook signed as Standard
Webhooks says (bcp.domain.webhook_signing).

Whatever goes wrong with one delivery is its own failure, never the batch's: `send` returns a
`Failure` for every exception, permanent when trying again cannot help (an address that is not
one, a destination that is refused), and the caller settles that delivery and goes on.

Both carry the delivery's idempotency key (Message-ID, webhook-id), so that a receiver that
sees a notification twice, after a crash, applies it once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

import httpx

from bcp.domain.addresses import email_problem, url_problem
from bcp.domain.webhook_signing import headers as signed_headers
from bcp.jobs.destinations import Resolve, destination_refused, resolve
from bcp.services.notifications import Outgoing
from bcp.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    reason: str
    permanent: bool = False


def send(
    outgoing: Outgoing, settings: Settings, now: datetime, resolver: Resolve = resolve
) -> Failure | None:
    """None when delivered; otherwise why not, in plain words. Never raises."""
    try:
        if outgoing.channel == "email":
            return _email(outgoing, settings, now)
        if outgoing.channel == "webhook":
            return _webhook(outgoing, settings, now, resolver)
        return Failure(f"unknown channel {outgoing.channel!r}", permanent=True)
    except (OSError, smtplib.SMTPException) as error:
        return Failure(f"{type(error).__name__}: {error}")
    except httpx.HTTPError as error:
        return Failure(_http_words(error))
    except Exception as error:  # one bad delivery must never stop the others
        log.exception("delivery %s could not be sent", outgoing.idempotency_key)
        return Failure(f"{type(error).__name__}: {error}")


def _email(outgoing: Outgoing, settings: Settings, now: datetime) -> Failure | None:
    if problem := email_problem(outgoing.target):
        return Failure(f"the address {outgoing.target!r} is refused: {problem}", permanent=True)
    smtp, payload = settings.smtp, outgoing.payload
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = outgoing.target
    subject, lines = (_notice if "notice_id" in payload else _incident)(
        payload, settings.public_url
    )
    message["Subject"] = _one_line(subject)
    message["Message-ID"] = f"<{hashlib.sha256(outgoing.idempotency_key.encode()).hexdigest()}@bcp>"
    message["Date"] = now
    # RFC 3834: out-of-office replies and other automatic answers are not sent back to us.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message["X-BCP-Idempotency-Key"] = outgoing.idempotency_key
    message["X-BCP-Topic"] = outgoing.topic
    message.set_content("\n".join(str(line) for line in lines if line))
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)
    return None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:250]


def _incident(payload: dict, public_url: str) -> tuple[str, list[str]]:
    event = payload.get("event", "")
    subject = (
        f"[bcp] {payload.get('component', '')} — incident {payload.get('incident_id', '')} — "
        f"{event}"
    )
    link = f"{public_url}/incidents/{payload['incident_id']}" if payload.get("incident_id") else ""
    return subject, [
        f"{payload.get('summary', '')}",
        f"Événement / event: {event}",
        payload.get("detail") or "",
        f"État / state: {payload.get('state', '')}",
        f"Par / by: {payload.get('actor', '')}",
        f"{payload.get('note', '')}",
        link,
    ]


def _notice(payload: dict, public_url: str) -> tuple[str, list[str]]:
    components = ", ".join(str(c) for c in payload.get("components", []))
    allowed = payload.get("fallback_allowed")
    subject = (
        f"[bcp] Avis / notice {payload['notice_id']} — {components} — {payload.get('event', '')}"
    )
    return subject, [
        f"{payload.get('title', '')}",
        f"Composants / components: {components} ({payload.get('kind', '')}, "
        f"{payload.get('reason', '')})",
        f"Début / start: {payload.get('starts_at', '')}",
        f"Fin prévue / expected end: {payload.get('expected_end') or '—'}",
        "Procédure de secours autorisée / fallback allowed: "
        + ("oui / yes" if allowed else "non / no"),
        _activation_line(payload.get("bcp")),
        f"Messages envoyés pendant l'indisponibilité / messages sent meanwhile: "
        f"{payload.get('messages') or '—'}",
        f"{payload.get('note', '')}",
        f"{public_url}/status/notices/{payload['notice_id']}",
    ]


def _activation_line(bcp: dict | None) -> str:
    """The BCP's activation, in both languages: modes and offices as codes operators know."""
    if not bcp:
        return ""
    modes = ", ".join(bcp.get("modes") or []) or "tous / all"
    offices = (
        ", ".join(bcp.get("offices") or []) or "tous les bureaux français / every French office"
    )
    until = bcp.get("until") or "fin décidée par la douane / until customs end it"
    return (
        f"Plan de continuité activé par / BCP activated by {bcp.get('decided_by', '')}: "
        f"modes {modes}; bureaux / offices {offices}; jusqu'au / until {until}"
    )


def _webhook(
    outgoing: Outgoing, settings: Settings, now: datetime, resolver: Resolve
) -> Failure | None:
    if problem := url_problem(outgoing.target):
        return Failure(f"the webhook's address is refused: {problem}", permanent=True)
    if refused := destination_refused(outgoing.target, settings, resolver):
        return Failure(refused, permanent="DNS" not in refused)
    body = json.dumps(
        {"idempotency_key": outgoing.idempotency_key, "topic": outgoing.topic, **outgoing.payload},
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"bcp-webhooks (scheduler pid {os.getpid()})",
        "X-BCP-Idempotency-Key": outgoing.idempotency_key,
        "X-BCP-Topic": outgoing.topic,
    }
    if outgoing.secrets:
        headers |= signed_headers(
            outgoing.secrets, outgoing.idempotency_key, int(now.timestamp()), body
        )
    response = httpx.post(
        outgoing.target,
        content=body,
        headers=headers,
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        follow_redirects=False,
    )
    if response.status_code >= 300:
        return Failure(f"answered {response.status_code}")
    return None


def _http_words(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time (timeout)"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect: {error}"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the connection was dropped before an answer"
    return f"{type(error).__name__}: {error}"
