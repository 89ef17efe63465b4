"""The commands of README.md and docs/ run as written, on the demo's data: each shell block is
run by bash, against the app serving the demo and its database, and must succeed (a curl
answered 4xx or 5xx fails it, unless the comment before it says the request is refused)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bcp.domain.clock import SystemClock
from bcp.services.demo import load_demo
from bcp.web.app import create_app
from tests.web.servers import threaded_server

ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# What a test cannot run: the two set-up commands and the bench (they are the test run itself,
# or a quarter of an hour), servers that run until stopped, commands that ask a question, and
# those that write outside the project.
LEFT_OUT = re.compile(
    r"^(make |gunicorn|\. \.venv/bin/activate)|bcp (scheduler|backup|restore)\b|--password\b"
    r"|^(sudo|apt|psql|createdb|systemctl|pip) "
)

# A curl that answers 4xx or 5xx fails the block, unless a comment before it says "refused".
PRELUDE = r"""set -euo pipefail
curl() {
  local out code
  out=$(command curl -w '\n%{http_code}' "$@") || return
  code=${out##*$'\n'}
  printf '%s\n' "${out%$'\n'*}"
  if [ "$code" -ge 400 ] && [ -z "${REFUSED:-}" ]; then echo "HTTP $code" >&2; return 1; fi
  unset REFUSED
}
"""


def shell_blocks(path: Path) -> list[tuple[int, str]]:
    blocks, lines, start = [], None, 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip() == "```sh":
            lines, start = [], number
        elif line.strip() == "```" and lines is not None:
            blocks.append((start, "\n".join(lines)))
            lines = None
        elif lines is not None:
            lines.append(line)
    return blocks


def runnable(block: str) -> str:
    kept = []
    for line in block.splitlines():
        if line.lstrip().startswith("#"):
            if "refused" in line:
                kept.append("REFUSED=1")
            continue
        if LEFT_OUT.search(line.strip()):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


CASES = [
    pytest.param(path, start, block, id=f"{path.name}:{start}")
    for path in DOCUMENTS
    for start, block in shell_blocks(path)
    if runnable(block)
]


@pytest.fixture
def demo(settings, uow, library, tmp_path):
    """The app serving the demo's data, and where the commands run: a folder of their own that
    looks like the project's root (its rules and settings), so that what they write stays there."""
    assert load_demo(uow, SystemClock(), library)
    (tmp_path / "instance").mkdir()
    for name in ("reflexes", "config", "wsgi.py", "migrations", "alembic.ini"):
        (tmp_path / name).symlink_to(ROOT / name)
    with threaded_server(create_app(settings=settings, clock=SystemClock())) as base:
        yield base, tmp_path


@pytest.mark.parametrize(("path", "start", "block"), CASES)
def test_the_documented_commands_run_as_written(demo, settings, path, start, block):
    base, folder = demo
    script = PRELUDE + runnable(block).replace("http://127.0.0.1:5000", base)
    env = {
        **os.environ,
        "BCP_DATABASE_URL": settings.database_url,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        ["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (
        f"{path.name}, the block at line {start}:\n{runnable(block)}\n\n"
        f"stdout:\n{done.stdout[-2000:]}\nstderr:\n{done.stderr[-2000:]}"
    )
