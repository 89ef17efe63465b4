"""Errors a person can read; the web layer maps each kind to an HTTP status.

A message is a constant marked with N_ (bcp.domain.messages), so that the catalogue can
translate it; the values it names (a number, a limit) are given apart, as `values`, and put in
with "%(name)s" once the message is translated: `said(error)` in English, the web layer's
gettext(message, **values) in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class DomainError(Exception):
    """Base of every refusal by the rules of the business."""

    def __init__(self, message: str, **values: Any) -> None:
        self.message = message
        self.values: Mapping[str, Any] = values
        super().__init__(said(message, values))


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    values: Mapping[str, Any] = field(default_factory=dict)


def said(message: str, values: Mapping[str, Any]) -> str:
    """The message with its values in it, in English (logs, the command line). A value written
    in both languages (a step's title: bcp.domain.reflexes.model.Text) is said in English."""
    return message % {k: getattr(v, "en", v) for k, v in values.items()} if values else message


class InvalidInput(DomainError):
    """The request names values the business does not accept (422)."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {said(e.message, e.values)}" for e in errors))


class IllegalTransition(DomainError):
    """The action is not possible from the incident's current state (409)."""


class NotAllowed(DomainError):
    """The actor's role does not own this action (403)."""


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know it exists (404)."""


class Conflict(DomainError):
    """Someone else changed the same thing at the same time (409)."""


@dataclass
class ErrorList:
    """Collects field errors so that a person sees every fault at once, not one per try."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message: str, **values: Any) -> None:
        self.errors.append(FieldError(field_name, message, values))

    @property
    def fields(self) -> set[str]:
        return {e.field for e in self.errors}

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def invalid(field_name: str, message: str, **values: Any) -> InvalidInput:
    return InvalidInput([FieldError(field_name, message, values)])
