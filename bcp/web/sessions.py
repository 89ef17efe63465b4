"""Browser sessions: Flask's signed cookie, for the pages only.

The API authenticates every request by its bearer token (bcp.web.api.authenticate) and keeps
nothing between requests. Flask opened a session for each API request all the same (a signing
serializer made anew, the cookies parsed) and closed it (seven cookie settings looked up): here
an API request gets an empty session of its own, never saved, so a cookie sent to the API is
neither read nor answered. The pages' signing serializer is made once per secret key (and its
fallbacks) rather than twice a request.
"""

from __future__ import annotations

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer

API_PREFIX = "/api/"


class PageSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._made: tuple[object, URLSafeTimedSerializer | None] = (None, None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made_for, serializer = self._made
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._made = (keys, serializer)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.path.startswith(API_PREFIX):
            return
        super().save_session(app, session, response)


def init(app: Flask) -> None:
    app.session_interface = PageSessions()
