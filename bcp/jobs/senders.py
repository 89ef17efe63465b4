"""Sending one delivery: an e-mail over SMTP, or a JSON POST to a webhook, signed with HMAC.

Both carry the delivery's idempotency key (Message-ID and X-BCP-Idempotency-Key), so that a
receiver that sees a notification twice, after a crash, applies it once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from email.message import EmailMessage

import httpx

from bcp.services.notifications import Outgoing
from bcp.settings import SmtpSettings


def send(
    outgoing: Outgoing, smtp: SmtpSettings, public_url: str, webhook_timeout: float = 10.0
) -> str | None:
    """Return None when delivered, or the reason it was not, in plain words."""
    try:
        if outgoing.channel == "email":
            _email(outgoing, smtp, public_url)
        else:
            _webhook(outgoing, webhook_timeout)
    except (OSError, smtplib.SMTPException) as error:
        return f"{type(error).__name__}: {error}"
    except httpx.HTTPError as error:
        return _http_words(error)
    return None


def _email(outgoing: Outgoing, smtp: SmtpSettings, public_url: str) -> None:
    payload = outgoing.payload
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = outgoing.target
    subject, lines = (_notice if "notice_id" in payload else _incident)(payload, public_url)
    message["Subject"] = subject
    message["Message-ID"] = f"<{hashlib.sha256(outgoing.idempotency_key.encode()).hexdigest()}@bcp>"
    message["X-BCP-Idempotency-Key"] = outgoing.idempotency_key
    message["X-BCP-Topic"] = outgoing.topic
    message.set_content("\n".join(line for line in lines if line))
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)


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
    components = ", ".join(payload.get("components", []))
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
        f"Messages envoyés pendant l'indisponibilité / messages sent meanwhile: "
        f"{payload.get('messages') or '—'}",
        f"{payload.get('note', '')}",
        f"{public_url}/status/notices/{payload['notice_id']}",
    ]


def _webhook(outgoing: Outgoing, timeout: float) -> None:
    body = json.dumps(
        {"idempotency_key": outgoing.idempotency_key, "topic": outgoing.topic, **outgoing.payload},
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-BCP-Idempotency-Key": outgoing.idempotency_key,
        "X-BCP-Topic": outgoing.topic,
    }
    if outgoing.secret:
        digest = hmac.new(outgoing.secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-BCP-Signature"] = f"sha256={digest}"
    response = httpx.post(
        outgoing.target, content=body, headers=headers, timeout=httpx.Timeout(timeout)
    )
    if response.status_code >= 300:
        raise httpx.HTTPStatusError(
            f"answered {response.status_code}", request=response.request, response=response
        )


def _http_words(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time (timeout)"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect: {error}"
    if isinstance(error, httpx.RemoteProtocolError):
        return "the connection was dropped before an answer"
    if isinstance(error, httpx.HTTPStatusError):
        return str(error)
    return f"{type(error).__name__}: {error}"
