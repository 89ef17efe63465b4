"""The password rule of the French customs portal: 8 characters or more, with an upper-case
letter, a digit and a special character."""

from __future__ import annotations

from bcp.domain.messages import N_

MIN_LENGTH = 8
RULE = N_("8 characters or more, with an upper-case letter, a digit and a special character")
"""What a refused password is told (the pages say it beside the field too)."""


def password_problems(password: str) -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"at least {MIN_LENGTH} characters")
    if not any(c.isupper() for c in password):
        problems.append("an upper-case letter")
    if not any(c.isdigit() for c in password):
        problems.append("a digit")
    if all(c.isalnum() for c in password):
        problems.append("a special character")
    return problems
