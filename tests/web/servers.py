"""The app as production runs it: gunicorn in a process of its own, on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from werkzeug.serving import make_server

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
        # Many clients from 127.0.0.1 with a few tokens: the rate limits are tested elsewhere
        # (tests/web/test_security.py), here and in the bench they would only stand in the way.
        config = self.log_dir / "limits.toml"
        config.write_text(
            '[limits]\nsign_in_attempts_per_address = "1000000 per minute"\n'
            'api_requests_per_token = "1000000 per minute"\n'
        )
        env = {
            **os.environ,
            "BCP_CONFIG": str(config),
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


@contextmanager
def threaded_server(app) -> Iterator[str]:
    """The app served over HTTP from a thread of this process (one thread per request); yields
    its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        app.extensions["bcp"].dispose()


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


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Cluster:
    """A throwaway PostgreSQL 15 cluster on 127.0.0.1, that its owner may stop and start."""

    def __init__(self, durable: bool = False) -> None:
        """`durable`: fsync on, as in production (for benchmarks); off for tests, faster."""
        self.durable = durable
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError("PostgreSQL 15 is needed: apt-get install postgresql-15")
        self.root = Path(tempfile.mkdtemp(prefix="bcp-pg-"))
        self.data = self.root / "cluster"
        self.port = free_port()
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "bcp")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bcp"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", log, "-o", options, "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    def remove(self) -> None:
        subprocess.run(
            self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def _command(self, tool: str, *args: str) -> list[str]:
        command = [str(PG_BIN / tool), *args]
        return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(self._command(tool, *args), check=True, capture_output=True)
