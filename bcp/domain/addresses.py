"""Addresses a person types that later reach an e-mail header or an HTTP request: one e-mail
address per field, and http(s) URLs with no control characters.

They are checked where they are entered, so that a notification can never be addressed to
"x@a.example, y@b.example" or to a URL that smuggles a header; the senders check again before
sending (rows written by an older version), and a bad one fails alone.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from bcp.domain.messages import N_

MAX_EMAIL = 254
MAX_URL = 500


def email_problem(value: str) -> str | None:
    """What is wrong with `value` as one e-mail address, or None."""
    if not value or len(value) > MAX_EMAIL:
        return N_("one e-mail address of at most 254 characters, e.g. ops@example.fr")
    if _has_control(value):
        return N_("one e-mail address, without line breaks or control characters")
    if "," in value or ";" in value or " " in value.strip():
        return N_("one e-mail address only (no list, no name before the address)")
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return N_("not an e-mail address, e.g. ops@example.fr")
    return None


def url_problem(value: str) -> str | None:
    """What is wrong with `value` as the address of a webhook or a probe, or None."""
    if not value or len(value) > MAX_URL:
        return N_("an http:// or https:// address of at most 500 characters")
    if _has_control(value) or any(c.isspace() for c in value):
        return N_("an address without spaces, line breaks or control characters")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return N_("not a valid address (its host or port cannot be read)")
    if parts.scheme not in ("http", "https"):
        return N_("an http:// or https:// address")
    if not parts.hostname:
        return N_("the address names no host")
    if parts.username or parts.password:
        return N_("an address without a user name or password in it (use the webhook's secret)")
    if port == 0:
        return N_("port 0 is not a port one can reach")
    return None


def host_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a URL's host is written as, or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def _has_control(value: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value)


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def destination_problem(
    address: IpAddress, *, restricted: bool, allowed: tuple[IpNetwork, ...] = ()
) -> str | None:
    """Whether a webhook or a probe may be sent to `address` (server-side request forgery).

    Link-local addresses (the cloud metadata service at 169.254.169.254 among them), unspecified,
    multicast and reserved ones are never a destination. When `restricted` (production, and the
    tests), loopback and private ranges are refused unless `[network] allowed_networks` names
    them; in development (a laptop's `make run`) they are allowed.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_link_local or address.is_unspecified or address.is_multicast:
        return N_("a link-local, unspecified or multicast address: never a destination")
    if address.is_reserved and not address.is_loopback:  # ::1 lies in IPv6's reserved ::/8
        return N_("a reserved address: never a destination")
    internal = address.is_loopback or address.is_private or not address.is_global
    if restricted and internal and not any(address in network for network in allowed):
        return N_(
            "a loopback or private address: allowed only when [network] allowed_networks names it"
        )
    return None


@dataclass(frozen=True)
class DestinationPolicy:
    """Where webhooks and probes may go (see `destination_problem`)."""

    restricted: bool
    allowed: tuple[IpNetwork, ...] = ()

    def address_problem(self, address: IpAddress) -> str | None:
        return destination_problem(address, restricted=self.restricted, allowed=self.allowed)

    def url_problem(self, url: str) -> str | None:
        """The URL's own faults, then its host when it is written as an address (or is
        `localhost`); a name is resolved and checked when it is used (bcp.jobs)."""
        if problem := url_problem(url):
            return problem
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
        if host == "localhost" or host.endswith(".localhost"):
            host = "127.0.0.1"
        literal = host_literal(host)
        return self.address_problem(literal) if literal else None
