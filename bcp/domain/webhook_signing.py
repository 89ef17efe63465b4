"""Webhook signatures as the Standard Webhooks specification says (standardwebhooks.com).

Each delivery carries `webhook-id` (the delivery's idempotency key, the same on every retry),
`webhook-timestamp` (seconds since the epoch, when it was sent) and `webhook-signature`: for each
secret in force, `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, space-separated. A
receiver checks one of them with the secret it knows and refuses a timestamp too far from its
clock, so that a captured delivery cannot be replayed later.

A secret is `whsec_` and the base64 of 32 random bytes; it is shown once, when the webhook is
created or its secret rotated. After a rotation the old secret signs too, during a grace period.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    secrets_in_force: tuple[str, ...], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, message_id, timestamp, body) for secret in secrets_in_force
        ),
    }


def _key(secret: str) -> bytes:
    encoded = secret.removeprefix(PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except (ValueError, base64.binascii.Error):
        raise ValueError("not base64") from None
