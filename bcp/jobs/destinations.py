"""Where the scheduler may send an HTTP request (webhooks, probes): a host name is resolved and
every address it stands for is checked against the settings' policy (server-side request
forgery: never the cloud metadata service, in production no internal address unless allowed)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from bcp.domain.addresses import host_literal
from bcp.settings import Settings

Resolve = Callable[[str, int], list[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address a host name stands for."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def destination_refused(url: str, settings: Settings, resolver: Resolve = resolve) -> str | None:
    """Why `url` may not be requested from here (see destination_problem), or None. A name is
    resolved and every address it stands for is checked."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = host_literal(host)
    try:
        found = (
            [literal] if literal else [host_literal(a) for a in resolver(host, parts.port or 80)]
        )
    except OSError as error:
        return f"the name {host} could not be resolved (DNS): {error}"
    for address in found:
        if address is None:
            continue
        if problem := settings.destinations.address_problem(address):
            return f"destination refused: {problem}"
    return None
