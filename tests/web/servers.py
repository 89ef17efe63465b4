"""The app as production runs it: gunicorn in a process of its own, on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bcp.settings import ROOT
from tests.jobs.conftest import free_port


class Gunicorn:
    """Started in a session of its own, so that SIGKILL reaches the master and its workers."""

    def __init__(self, database_url: str, log_dir: Path, workers: int = 2) -> None:
        self.database_url = database_url
        self.log_dir = log_dir
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        self.starts += 1
        env = {
            **os.environ,
            "BCP_DATABASE_URL": self.database_url,
            "BCP_ENV": "development",
            "BCP_SECRET_KEY": "crash-test-secret-key-0123456789-abcdefghij",
        }
        log = open(self.log_dir / f"gunicorn-{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "1",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ended at start: {self.log()}")
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: {self.log()}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no worker finishes what it was doing."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        path = self.log_dir / f"gunicorn-{self.starts}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def recent_outage(summary: str, minutes_ago: int = 20) -> dict:
    """An STI outage that began a little before now, on the real clock the server runs on."""
    started = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "component": "STI",
        "started_at": started.isoformat(),
        "modes": ["air"],
        "channel": "EDI",
        "ens_operations": ["lodge"],
        "ens_waiting": 3,
        "summary": summary,
    }
