"""Classes of hostile input that once gave a 500, sent to every field there is: every property of
every request body the OpenAPI document describes, and every field of every form found on the
pages each role can open. A field added later is reached without touching this file.

The classes: JSON nested 30,000 deep, a lone surrogate (\\ud800), dates at the edges of time with
extreme offsets, digits that are not 0-9 ("²", "١٢"), integers past 2^63, invalid UTF-8.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

from tests.web.test_access import MATRIX, ROLES, send
from tests.web.test_access import world as world  # the same fixture, re-exported

DEEP = "[" * 30_000 + "]" * 30_000
JSON_CLASSES = {
    "deep nesting": DEEP,
    "lone surrogate": '"\\ud800"',
    "surrogate in a list": '["\\udfff"]',
    "year 1, +14:00": '"0001-01-01T00:00:00+14:00"',
    "year 9999, -14:00": '"9999-12-31T23:59:59-14:00"',
    "superscript digit": '"²"',
    "arabic digits": '"١٢"',
    "2^64": "18446744073709551616",
    "-(2^63)-1": "-9223372036854775809",
    "10^30 as text": '"1000000000000000000000000000000"',
}
FORM_CLASSES = {
    "superscript digit": "%C2%B2",
    "arabic digits": "%D9%A1%D9%A2",
    "2^64": "18446744073709551616",
    "year 1, +14:00": quote("0001-01-01T00:00:00+14:00"),
    "year 9999": quote("9999-12-31T23:59"),
    "invalid UTF-8": "%ED%A0%80%FF",
    "NaN": "nan",
}


def test_the_classes_reach_every_property_of_every_request_body(world, client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    ids = world.fresh() | world.ids
    found, reached = [], 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            properties = _properties(body["schema"], schemas)
            url = "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(_id(m.group(1), ids)), path)
            role = _role_for(path)
            for name in [*properties, "unknown_field"]:
                for label, raw in JSON_CLASSES.items():
                    text = f'{{"{name}": {raw}}}'
                    response = world.browsers["anonymous"].client.open(
                        url,
                        method=method.upper(),
                        data=text.encode("utf-8", "surrogatepass"),
                        headers={**world.tokens[role], "Content-Type": "application/json"},
                    )
                    reached += 1
                    if response.status_code >= 500:
                        found.append(f"{method.upper()} {path} {name} ← {label}: {response.status}")
                    elif response.status_code >= 400 and (
                        response.mimetype != "application/problem+json"
                    ):
                        found.append(f"{method.upper()} {path} {name} ← {label}: not a problem")
    assert reached > 200
    assert found == [], "\n".join(found)


def test_the_classes_reach_every_field_of_every_form(world):
    forms: dict[tuple[str, str], set[str]] = {}
    ids = world.fresh() | world.ids  # the pages are only read: one incident of each kind will do
    for method, template, _, expected in MATRIX.values():
        if method != "GET" or template.startswith(("/api/", "/static/")):
            continue
        for role, cell in zip(ROLES, expected, strict=True):
            if cell != "O" or role == "anonymous":
                continue
            response = send(world, role, "GET", template.format(**ids), None)
            if response.mimetype != "text/html":
                continue
            for action, fields in _post_forms(response.get_data(as_text=True), template):
                forms.setdefault((role, action), set()).update(fields)
    assert len(forms) > 30, sorted(forms)
    found = []
    for (role, action), fields in sorted(forms.items()):
        browser = world.browsers[role]
        for name in sorted(fields - {"csrf_token"}):
            for label, encoded in FORM_CLASSES.items():
                path = action.format(**world.fresh(), **world.ids) if "{" in action else action
                response = browser.client.post(
                    path,
                    data=f"{quote(name)}={encoded}",
                    content_type="application/x-www-form-urlencoded",
                    headers={"Accept-Language": "fr"},
                )
                if response.status_code >= 500:
                    found.append(f"{role} POST {action} {name} ← {label}: {response.status}")
    assert found == [], "\n".join(found)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self._current = (attributes.get("action") or "", set())
            self.forms.append(self._current)
        elif (
            tag in ("input", "select", "textarea", "button")
            and self._current is not None
            and attributes.get("name")
        ):
            self._current[1].add(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _post_forms(html: str, page: str) -> list[tuple[str, set[str]]]:
    parser = _Forms()
    parser.feed(html)
    return [(action or page, fields) for action, fields in parser.forms if fields]


def _properties(schema: dict, schemas: dict) -> dict:
    if "$ref" in schema:
        return _properties(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas)
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        found |= _properties(part, schemas)
    return found


def _role_for(path: str) -> str:
    """Who may call the operation, so that the values reach its model."""
    if path.startswith(("/admin/", "/reflexes/versions")):
        return "admin"
    if "postmortem" in path:
        return "manager"
    if any(part in path for part in ("notices", "referrals", "reclassify")):
        return "desk"
    return "owner"


def _id(name: str, ids: dict) -> int | str:
    aliases = {
        "incident_id": "referred",
        "notice_id": "notice",
        "number": 1,
        "step_id": "x",
        "key": "desk",
        "version": "fr-2025-10",
    }
    if name in ids:
        return ids[name]
    alias = aliases.get(name, name.removesuffix("_id"))
    return ids.get(alias, alias) if isinstance(alias, str) else alias


def test_a_lone_surrogate_is_named_as_the_field_that_holds_it(api, people):
    body = json.dumps({"summary": "x"}).replace('"x"', '"\\ud800"')
    response = api.client.post(
        "/api/v1/incidents",
        data=body,
        headers={**people.carrier.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "summary", "message": "not valid Unicode text (a lone surrogate such as \\ud800)"}
    ]
