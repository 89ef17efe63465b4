"""Settings: config/default.toml, then the file named by BCP_CONFIG, then the environment."""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from limits import parse as parse_rate

from bcp.domain.addresses import DestinationPolicy, IpNetwork, email_problem

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "config" / "default.toml"
DEFAULT_SECRET = "dev-only-change-me"  # noqa: S105 (the value production refuses)
ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """A setting that prevents a safe start; the message says which and how to fix it."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 1025
    sender: str = "bcp@localhost"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class Settings:
    env: str
    secret_key: str
    database_url: str
    api_max_body_bytes: int
    page_size: int
    max_page_size: int
    timezone: str
    reflexes_default_version: str = "fr-2026-12"
    api_max_import_bytes: int = 4_000_000
    acknowledgement_minutes: int = 15
    acknowledgement_minutes_by_component: tuple[tuple[str, int], ...] = ()
    queue_refresh_seconds: int = 10
    board_reuse_seconds: float = 1.0
    actor_reuse_seconds: float = 1.0
    smtp: SmtpSettings = field(default_factory=lambda: SmtpSettings())
    escalation_email: str = ""
    webhook_timeout_seconds: float = 10.0
    public_url: str = "http://127.0.0.1:5000"
    tick_seconds: int = 30
    lock_stale_seconds: int = 90
    lease_seconds: int = 120
    reminder_minutes_before: int = 5
    follow_up_hours: int = 24
    consignment_deadline_minutes: int = 60
    referral_dnl_minutes: int = 5
    referral_rfs_minutes: int = 30
    referral_rfi_minutes: int = 60
    allowed_networks: tuple[str, ...] = ()
    token_days: int = 365
    webhook_secret_grace_hours: int = 24
    proxy_trusted_hops: int = 0
    sign_in_failures_per_login_and_address: int = 5
    sign_in_attempts_per_address: str = "30 per minute"
    api_requests_per_token: str = "600 per minute"  # noqa: S105 (a rate, not a secret)
    limits_storage_uri: str = "memory://"
    attachments_per_incident: int = 50
    attachments_total_bytes: int = 50 * 1024 * 1024
    pdf_concurrent_renders: int = 1
    pdf_cache_entries: int = 64
    idempotency_hours: int = 24

    def acknowledgement_target(self, component: str) -> timedelta:
        minutes = dict(self.acknowledgement_minutes_by_component).get(
            component, self.acknowledgement_minutes
        )
        return timedelta(minutes=minutes)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def networks(self) -> tuple[IpNetwork, ...]:
        """`[network] allowed_networks`, read (checked when the settings are loaded)."""
        return tuple(ipaddress.ip_network(n, strict=False) for n in self.allowed_networks)

    @property
    def destinations(self) -> DestinationPolicy:
        """Restricted everywhere but in development: the tests reach their peers on 127.0.0.1
        through `allowed_networks`, as production reaches its internal receivers."""
        return DestinationPolicy(self.env != "development", self.networks)


def load_settings(
    environ: Mapping[str, str] | None = None, instance_dir: Path | None = None
) -> Settings:
    environ = os.environ if environ is None else environ
    data = _read(DEFAULT_FILE)
    if extra := environ.get("BCP_CONFIG"):
        _merge(data, _read(Path(extra)))
    api, display = data.get("api", {}), data.get("display", {})
    reflexes = data.get("reflexes", {})
    ack, desk = data.get("acknowledgement", {}), data.get("desk", {})
    smtp, notes = data.get("smtp", {}), data.get("notifications", {})
    scheduler, watch = data.get("scheduler", {}), data.get("watch", {})
    referrals = data.get("referrals", {})
    network, limits = data.get("network", {}), data.get("limits", {})
    proxy, reports = data.get("proxy", {}), data.get("reports", {})
    instance_dir = instance_dir or ROOT / "instance"
    url = (
        environ.get("BCP_DATABASE_URL")
        or environ.get("DATABASE_URL")
        or data.get("database_url")
        or f"sqlite:///{instance_dir / 'bcp.sqlite3'}"
    )
    settings = Settings(
        env=environ.get("BCP_ENV") or data.get("env", "development"),
        secret_key=environ.get("BCP_SECRET_KEY") or data.get("secret_key", DEFAULT_SECRET),
        database_url=normalise_database_url(url),
        api_max_body_bytes=int(api.get("max_body_bytes", 65536)),
        api_max_import_bytes=int(api.get("max_import_bytes", 4_000_000)),
        page_size=int(api.get("page_size", 50)),
        max_page_size=int(api.get("max_page_size", 500)),
        timezone=str(display.get("timezone", "Europe/Paris")),
        reflexes_default_version=str(reflexes.get("default_version", "fr-2026-12")),
        acknowledgement_minutes=int(ack.get("target_minutes", 15)),
        acknowledgement_minutes_by_component=tuple(
            sorted((str(k), int(v)) for k, v in ack.get("by_component", {}).items())
        ),
        queue_refresh_seconds=int(desk.get("queue_refresh_seconds", 10)),
        board_reuse_seconds=float(data.get("status", {}).get("board_reuse_seconds", 1.0)),
        actor_reuse_seconds=float(data.get("accounts", {}).get("actor_reuse_seconds", 1.0)),
        smtp=SmtpSettings(
            host=str(environ.get("BCP_SMTP_HOST") or smtp.get("host", "127.0.0.1")),
            port=int(environ.get("BCP_SMTP_PORT") or smtp.get("port", 1025)),
            sender=str(smtp.get("sender", "bcp@localhost")),
            starttls=bool(smtp.get("starttls", False)),
            username=str(smtp.get("username", "")),
            password=str(environ.get("BCP_SMTP_PASSWORD") or smtp.get("password", "")),
            timeout_seconds=float(smtp.get("timeout_seconds", 10)),
        ),
        escalation_email=str(notes.get("escalation_email", "")),
        webhook_timeout_seconds=float(notes.get("webhook_timeout_seconds", 10)),
        public_url=str(notes.get("public_url", "http://127.0.0.1:5000")),
        tick_seconds=int(scheduler.get("tick_seconds", 30)),
        lock_stale_seconds=int(scheduler.get("lock_stale_seconds", 90)),
        lease_seconds=int(scheduler.get("lease_seconds", 120)),
        reminder_minutes_before=int(watch.get("reminder_minutes_before", 5)),
        follow_up_hours=int(watch.get("follow_up_hours", 24)),
        consignment_deadline_minutes=int(watch.get("consignment_deadline_minutes", 60)),
        referral_dnl_minutes=int(referrals.get("dnl_minutes", 5)),
        referral_rfs_minutes=int(referrals.get("rfs_minutes", 30)),
        referral_rfi_minutes=int(referrals.get("rfi_minutes", 60)),
        allowed_networks=tuple(str(n) for n in network.get("allowed_networks", [])),
        token_days=int(api.get("token_days", 365)),
        webhook_secret_grace_hours=int(notes.get("webhook_secret_grace_hours", 24)),
        proxy_trusted_hops=int(proxy.get("trusted_hops", 0)),
        sign_in_failures_per_login_and_address=int(
            limits.get("sign_in_failures_per_login_and_address", 5)
        ),
        sign_in_attempts_per_address=str(
            limits.get("sign_in_attempts_per_address", "30 per minute")
        ),
        api_requests_per_token=str(limits.get("api_requests_per_token", "600 per minute")),
        limits_storage_uri=str(limits.get("storage_uri", "memory://")),
        attachments_per_incident=int(data.get("attachments", {}).get("per_incident", 50)),
        attachments_total_bytes=int(data.get("attachments", {}).get("total_mib", 50)) * 1024 * 1024,
        pdf_concurrent_renders=int(reports.get("concurrent_renders", 1)),
        pdf_cache_entries=int(reports.get("cache_entries", 64)),
        idempotency_hours=int(api.get("idempotency_hours", 24)),
    )
    check(settings)
    return settings


def check(settings: Settings) -> None:
    targets = (
        settings.referral_dnl_minutes,
        settings.referral_rfs_minutes,
        settings.referral_rfi_minutes,
    )
    if min(targets) < 1:
        raise ConfigError("[referrals] targets are whole minutes, at least 1")
    if settings.escalation_email and (problem := email_problem(settings.escalation_email)):
        raise ConfigError(f"[notifications] escalation_email: {problem}")
    for network in settings.allowed_networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(
                f"[network] allowed_networks: {network!r} is not a network, e.g. 10.1.2.0/24"
            ) from None
    if settings.token_days < 1 or settings.idempotency_hours < 1:
        raise ConfigError("[api] token_days and idempotency_hours are at least 1")
    if settings.pdf_concurrent_renders < 1 or settings.pdf_cache_entries < 0:
        raise ConfigError("[reports] concurrent_renders is at least 1, cache_entries at least 0")
    if settings.proxy_trusted_hops < 0:
        raise ConfigError("[proxy] trusted_hops is 0 (no proxy) or the number of proxies")
    for name in ("sign_in_attempts_per_address", "api_requests_per_token"):
        rate = getattr(settings, name)
        try:
            parse_rate(rate)
        except ValueError:
            raise ConfigError(
                f'[limits] {name}: {rate!r} is not a rate, e.g. "600 per minute"'
            ) from None
    if settings.env not in ENVIRONMENTS:
        raise ConfigError(f"BCP_ENV={settings.env!r}: expected one of {', '.join(ENVIRONMENTS)}")
    if settings.is_production and (
        settings.secret_key == DEFAULT_SECRET or len(settings.secret_key) < 32
    ):
        raise ConfigError(
            "refusing to start in production with the default or a short secret key: set "
            "BCP_SECRET_KEY to a random value of 32 characters or more, for instance the output "
            'of: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` forms and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"settings file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
