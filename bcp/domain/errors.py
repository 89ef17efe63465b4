"""Errors a person can read; the web layer maps each kind to an HTTP status."""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """Base of every refusal by the rules of the business."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class InvalidInput(DomainError):
    """The request names values the business does not accept (422)."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


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

    def add(self, field_name: str, message: str) -> None:
        self.errors.append(FieldError(field_name, message))

    @property
    def fields(self) -> set[str]:
        return {e.field for e in self.errors}

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError(field_name, message)])
