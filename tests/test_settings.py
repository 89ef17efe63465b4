"""Settings: defaults from config/, overridden by a file and by the environment."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bcp.settings import ROOT, ConfigError, load_settings


def test_the_embedded_default_is_sqlite_in_the_instance_folder(tmp_path):
    settings = load_settings({}, instance_dir=tmp_path)
    assert settings.env == "development"
    assert settings.database_url == f"sqlite:///{tmp_path / 'bcp.sqlite3'}"


@pytest.mark.parametrize("name", ["BCP_DATABASE_URL", "DATABASE_URL"])
def test_the_environment_names_the_database(name):
    settings = load_settings({name: "postgresql://bcp:pw@127.0.0.1:5432/bcp"})
    assert settings.database_url == "postgresql+psycopg://bcp:pw@127.0.0.1:5432/bcp"


def test_bcp_database_url_wins_over_database_url():
    settings = load_settings({"BCP_DATABASE_URL": "sqlite:///a.db", "DATABASE_URL": "sqlite:///b"})
    assert settings.database_url == "sqlite:///a.db"


def test_a_settings_file_overrides_the_defaults(tmp_path):
    extra = tmp_path / "site.toml"
    extra.write_text("[api]\nmax_body_bytes = 1024\n")
    settings = load_settings({"BCP_CONFIG": str(extra)})
    assert settings.api_max_body_bytes == 1024
    assert settings.page_size == 50


def test_what_a_process_reuses_for_a_second_can_be_read_every_time(tmp_path):
    defaults = load_settings({})
    assert (defaults.board_reuse_seconds, defaults.actor_reuse_seconds) == (1.0, 1.0)
    extra = tmp_path / "site.toml"
    extra.write_text("[status]\nboard_reuse_seconds = 0\n[accounts]\nactor_reuse_seconds = 0\n")
    settings = load_settings({"BCP_CONFIG": str(extra)})
    assert (settings.board_reuse_seconds, settings.actor_reuse_seconds) == (0.0, 0.0)


def test_a_broken_settings_file_is_named(tmp_path):
    extra = tmp_path / "broken.toml"
    extra.write_text("api = [")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_settings({"BCP_CONFIG": str(extra)})


@pytest.mark.parametrize("secret", [None, "short"])
def test_production_refuses_the_default_or_a_short_secret(secret):
    environ = {"BCP_ENV": "production"}
    if secret:
        environ["BCP_SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="BCP_SECRET_KEY"):
        load_settings(environ)


def test_production_starts_with_a_real_secret():
    settings = load_settings({"BCP_ENV": "production", "BCP_SECRET_KEY": "k" * 40})
    assert settings.is_production


def test_a_production_start_with_the_default_secret_stops_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={
            "BCP_ENV": "production",
            "BCP_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "refusing to start in production" in result.stderr


def test_referral_targets_come_from_config_and_are_at_least_a_minute(tmp_path):
    defaults = load_settings({})
    assert (
        defaults.referral_dnl_minutes,
        defaults.referral_rfs_minutes,
        defaults.referral_rfi_minutes,
    ) == (5, 30, 60)
    extra = tmp_path / "site.toml"
    extra.write_text("[referrals]\nrfi_minutes = 45\n")
    assert load_settings({"BCP_CONFIG": str(extra)}).referral_rfi_minutes == 45
    extra.write_text("[referrals]\ndnl_minutes = 0\n")
    with pytest.raises(ConfigError, match="referrals"):
        load_settings({"BCP_CONFIG": str(extra)})


def test_a_rate_limit_that_is_no_rate_is_refused_at_start_naming_its_setting(tmp_path):
    extra = tmp_path / "site.toml"
    extra.write_text('[limits]\napi_requests_per_token = "600 a minute"\n')
    with pytest.raises(ConfigError, match=r"\[limits\] api_requests_per_token: '600 a minute'"):
        load_settings({"BCP_CONFIG": str(extra)})
    extra.write_text('[limits]\nsign_in_attempts_per_address = "10 per hour"\n')
    assert load_settings({"BCP_CONFIG": str(extra)}).sign_in_attempts_per_address == "10 per hour"
