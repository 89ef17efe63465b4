"""Filling a step's message template from the incident: placeholders in braces; one that has no
value yet stays visible, in brackets, for the person to fill."""

from __future__ import annotations

import string
from collections.abc import Mapping


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return f"[{key}]"


def fill(template: str, values: Mapping[str, object]) -> str:
    known = {k: str(v) for k, v in values.items() if v not in (None, "")}
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    safe = _Blank({k: v for k, v in known.items() if k in fields})
    return template.format_map(safe)
