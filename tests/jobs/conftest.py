"""Real peers on 127.0.0.1, started by the tests: an SMTP server (aiosmtpd) and an HTTP server
that answers well, answers 500, hangs, or drops the connection."""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from bcp.domain.addresses import DestinationPolicy
from bcp.settings import SmtpSettings
from bcp.store.models import UserRow
from bcp.web.app import create_app

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
ANYWHERE = DestinationPolicy(restricted=True, allowed=LOOPBACK)
"""As production would be configured for an internal receiver: 127.0.0.1, where the tests'
peers listen, through the allowlist (the settings of the tests say the same)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    messages: list = field(default_factory=list)
    delay: float = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            time.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def keys(self) -> list[str]:
        return [m["X-BCP-Idempotency-Key"] for _, m in self.messages]


@pytest.fixture
def smtp():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


@dataclass
class Peer:
    base: str
    received: list = field(default_factory=list)
    hang_seconds: float = 3.0


@pytest.fixture
def http_peer():
    peer = Peer(base="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: bytes = b"healthy") -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self._route()

        def do_HEAD(self):
            self._route()

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            peer.received.append((self.path, dict(self.headers), body))
            self._route()

        def _route(self):
            if self.path.startswith("/ok"):
                self._answer(200)
            elif self.path.startswith("/fail"):
                self._answer(500, b"internal error")
            elif self.path.startswith("/hang"):
                time.sleep(peer.hang_seconds)
                self._answer(200)
            elif self.path.startswith("/drop"):
                self.connection.shutdown(socket.SHUT_RDWR)
                self.connection.close()
            else:
                self._answer(404, b"not found")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    peer.base = f"http://127.0.0.1:{server.server_port}"
    peer.json = lambda i: json.loads(peer.received[i][2])
    yield peer
    server.shutdown()


@pytest.fixture
def rt(settings, clock, smtp, people, uow):
    """The runtime of a scheduler process pointed at the test's SMTP server."""
    with uow:
        for login, email in [
            ("carrier", "ops@aerofret.example"),
            ("desk", "desk@douane.example"),
            ("manager", "boss@douane.example"),
            ("other", "ops@express.example"),
        ]:
            uow.session.execute(update(UserRow).where(UserRow.login == login).values(email=email))
        uow.commit()
    app = create_app(
        settings=replace(
            settings,
            smtp=SmtpSettings(port=smtp.port),
            webhook_timeout_seconds=0.5,
            escalation_email="escalade@douane.example",
        ),
        clock=clock,
    )
    yield app.extensions["bcp"]
    app.extensions["bcp"].dispose()
