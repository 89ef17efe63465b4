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
from bcp.jobs import letters
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
    letter = letters.write(payload, outgoing.language, settings.public_url)
    message["Subject"] = letter.subject[:250]
    message["Message-ID"] = f"<{hashlib.sha256(outgoing.idempotency_key.encode()).hexdigest()}@bcp>"
    message["Date"] = now
    # RFC 3834: out-of-office replies and other automatic answers are not sent back to us.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message["X-BCP-Idempotency-Key"] = outgoing.idempotency_key
    message["X-BCP-Topic"] = outgoing.topic
    message.set_content(letter.body)
    message["Content-Language"] = outgoing.language or "fr"  # after: set_content clears it
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)
    return None


def _webhook(
    outgoing: Outgoing, settings: Settings, now: datetime, resolver: Resolve
) -> Failure | None:
    if problem := url_problem(outgoing.target):
        return Failure(f"the webhook's address is refused: {problem}", permanent=True)
    if refused := destination_refused(outgoing.target, settings, resolver):
        return Failure(refused, permanent="DNS" not in refused)
    body = json.dumps(
        {
            "idempotency_key": outgoing.idempotency_key,
            "topic": outgoing.topic,
            **outgoing.payload,
            "text": letters.in_both_languages(outgoing.payload, settings.public_url),
        },
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
