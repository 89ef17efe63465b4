"""One HTTP probe, bounded in time, with what it found in plain words."""

from __future__ import annotations

import ssl
import time

import httpx

from bcp.domain.probes import Outcome, judge
from bcp.jobs.destinations import destination_refused
from bcp.settings import Settings

MAX_BODY = 256 * 1024


def guarded(settings: Settings):
    """`fetch`, refusing the destinations the settings do not allow (bcp.jobs.destinations)."""

    def fetch_allowed(
        url: str, method: str, timeout: float, expected_status: int, expected_text: str | None
    ) -> Outcome:
        if refused := destination_refused(url, settings):
            return Outcome(False, None, 0, refused)
        return fetch(url, method, timeout, expected_status, expected_text)

    return fetch_allowed


def fetch(
    url: str, method: str, timeout: float, expected_status: int, expected_text: str | None
) -> Outcome:
    started = time.monotonic()
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False) as client,
            client.stream(method, url) as response,
        ):
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY or time.monotonic() - started > timeout:
                    break
            if time.monotonic() - started > timeout:
                return Outcome(
                    False,
                    response.status_code,
                    _ms(started),
                    f"too slow: no full answer within {timeout:g} s",
                )
        text = body.decode(response.encoding or "utf-8", errors="replace")
        return judge(response.status_code, text, expected_status, expected_text, _ms(started))
    except httpx.TimeoutException:
        return Outcome(False, None, _ms(started), f"no answer within {timeout:g} s")
    except httpx.ConnectError as error:
        return Outcome(False, None, _ms(started), _connect_words(error))
    except httpx.RemoteProtocolError:
        return Outcome(False, None, _ms(started), "the connection was dropped before an answer")
    except httpx.HTTPError as error:
        return Outcome(False, None, _ms(started), f"HTTP error: {type(error).__name__}")


def _connect_words(error: httpx.ConnectError) -> str:
    cause = error.__cause__ or error.__context__
    text = str(error)
    if isinstance(cause, ssl.SSLError) or "SSL" in text or "certificate" in text:
        return f"TLS problem: {text}"
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
    ):
        return f"the name could not be resolved (DNS): {text}"
    if "refused" in text.lower():
        return "connection refused: nothing listens at that address"
    return f"could not connect: {text}"


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
