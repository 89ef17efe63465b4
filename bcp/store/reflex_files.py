"""Reading rules tables from reflexes/: YAML with line numbers, checked against the JSON Schema,
then built and checked by bcp.domain.reflexes.table."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from bcp.domain.consignments.deadlines import DeadlineTable, build_deadlines
from bcp.domain.reflexes.model import ReflexTable
from bcp.domain.reflexes.table import TableError, build_table
from bcp.settings import ROOT

REFLEXES_DIR = ROOT / "reflexes"
SCHEMA_FILE = REFLEXES_DIR / "schema.json"


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def load_table(path: Path) -> ReflexTable:
    """Load one file; any fault raises TableError naming the file and the line."""
    origin = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TableError(origin, 0, f"cannot read the file: {error.strerror}") from None
    return parse_table(text, origin)


def parse_table(text: str, origin: str) -> ReflexTable:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise TableError(
            origin, line, f"not valid YAML: {getattr(error, 'problem', error)}"
        ) from None
    if node is None:
        raise TableError(origin, 1, "the file is empty")
    lines: dict[tuple, int] = {}
    try:
        data = _construct(node, (), lines)
    except TableError as error:
        raise TableError(origin, error.line, error.message) from None

    def line_of(path: tuple) -> int:
        while path and path not in lines:
            path = path[:-1]
        return lines.get(path, 1)

    errors = sorted(_validator().iter_errors(data), key=lambda e: line_of(tuple(e.absolute_path)))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top)"
        raise TableError(origin, line_of(tuple(first.absolute_path)), f"{where}: {first.message}")
    return build_table(data, origin, line_of)


def _construct(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> Any:
    """Build plain Python data from a YAML node tree, noting the line of every value (for a
    mapping's value, the line of its key)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise TableError("", key_node.start_mark.line + 1, "merge keys (<<) are not used")
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            if key in result:
                raise TableError("", key_node.start_mark.line + 1, f"key {key!r} appears twice")
            result[key] = _construct(value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, (*path, i), lines) for i, child in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node)


def load_all(directory: Path = REFLEXES_DIR) -> dict[str, ReflexTable]:
    """Every table version in the folder, keyed by its version. A file read before and unchanged
    since (same size and modification time) is not parsed again: building a table is most of the
    cost of starting the app (measured: 0.3 s of 0.4 s)."""
    tables: dict[str, ReflexTable] = {}
    for path in sorted(directory.glob("*.yaml")):
        stat = path.stat()
        table = _load_unchanged(path, stat.st_mtime_ns, stat.st_size)
        if table.version in tables:
            raise TableError(table.origin, 1, f"version {table.version} is also in another file")
        tables[table.version] = table
    return tables


@lru_cache(maxsize=64)
def _load_unchanged(path: Path, mtime_ns: int, size: int) -> ReflexTable:
    """`load_table`, once per version of a file (a table is immutable once built)."""
    return load_table(path)


DEADLINES_FILE = REFLEXES_DIR / "deadlines" / "da-2015-2446.yaml"


@cache
def load_deadlines(path: Path = DEADLINES_FILE) -> DeadlineTable:
    """The ENS deadlines per mode (bcp.domain.consignments.deadlines)."""
    return build_deadlines(yaml.safe_load(path.read_text(encoding="utf-8")))
