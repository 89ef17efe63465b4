"""Every answer of /api/v1 in every test is checked against the generated OpenAPI document: its
status is one the operation documents, its media type the documented one, and a JSON body
validates against the documented schema. A violation fails the test that caused it (the app
fixture asserts none were recorded)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, request
from jsonschema import Draft202012Validator

from bcp.web.api.openapi import openapi_document

_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


class Contract:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.violations: list[str] = []
        self._validators: dict[tuple[str, str, str], Draft202012Validator] = {}
        app.after_request(self.check)

    def check(self, response: Response) -> Response:
        rule = request.url_rule
        if rule is None or not rule.rule.startswith("/api/v1/") or request.method == "HEAD":
            return response
        path = _PARAM.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
        method, status = request.method.lower(), str(response.status_code)
        where = f"{request.method} {request.path} answered {status}"
        operation = openapi_document(self.app)["paths"][path].get(method)
        if operation is None:
            return response
        documented = operation["responses"].get(status)
        if documented is None:
            self.violations.append(f"{where}: status not documented")
            return response
        content = documented.get("content")
        if not content:
            return response
        if response.mimetype not in content:
            self.violations.append(f"{where}: {response.mimetype} is not {sorted(content)}")
            return response
        if response.mimetype.endswith("json"):
            validator = self._validator(path, method, status, content[response.mimetype])
            errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: e.path)
            for error in errors[:3]:
                self.violations.append(f"{where}: {list(error.path)}: {error.message[:300]}")
        return response

    def _validator(self, path: str, method: str, status: str, spec: dict[str, Any]):
        key = (path, method, status)
        if key not in self._validators:
            components = openapi_document(self.app)["components"]
            self._validators[key] = Draft202012Validator(
                {**spec["schema"], "components": components}
            )
        return self._validators[key]
