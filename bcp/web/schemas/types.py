"""Field types shared by the models: texts without NUL, instants with their offset, whole
numbers, the closed vocabularies of the catalogue. Messages are marked for the French catalogue
(bcp.web.schemas.problems translates them)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from bcp.domain.addresses import MAX_EMAIL, MAX_URL, email_problem, url_problem
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.fields import EARLIEST_YEAR, LATEST_YEAR
from bcp.domain.messages import N_


class Body(BaseModel):
    """A request body or query: unknown fields are refused, and values are not coerced (a number
    is not a string, "yes" is not true: `whole` and `Flag` are strict), whether they come as JSON
    or as the Python values a form mapper builds."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Shape(BaseModel):
    """A response shape: documented, and what the route builds its answer with."""

    model_config = ConfigDict(frozen=True)


def refuse(template: str, **params: Any) -> PydanticCustomError:
    """A refusal with a message of ours: `template` is marked N_ and may name %(params)s."""
    return PydanticCustomError("bcp", template, {"template": template, **params})


def _text(value: str) -> str:
    if "\x00" in value:
        raise refuse(N_("the NUL character (\\u0000) is not accepted"))
    return value


def _trimmed(value: str) -> str:
    return _text(value).strip()


def _not_blank(value: str) -> str:
    if not value:
        raise refuse(N_("must not be blank"))
    return value


def _field(description: str, **extra: Any) -> Any:
    return Field(description=description or None, **extra)


def free_text(max_length: int, description: str = "", **extra: Any) -> Any:
    """Free text, kept as typed (line breaks included), at most `max_length` characters."""
    return Annotated[
        str, AfterValidator(_text), _field(description, max_length=max_length, **extra)
    ]


def one_line(
    max_length: int, description: str = "", *, required: bool = False, **extra: Any
) -> Any:
    """One line of text, trimmed; `required` refuses it blank."""
    checks: list[Any] = [AfterValidator(_trimmed)]
    if required:
        checks.append(AfterValidator(_not_blank))
        extra.setdefault("min_length", 1)
    return Annotated[str, *checks, _field(description, max_length=max_length, **extra)]


def _instant_input(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise refuse(N_("expected an ISO 8601 date and time, e.g. 2026-11-22T08:10:00+01:00"))
    if " " in value and "T" in value:  # an unencoded "+" of a query string arrives as a space
        head, _, offset = value.rpartition(" ")
        value = f"{head}+{offset}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise refuse(N_("not a date and time; e.g. 2026-11-22T08:10:00+01:00")) from None
    if moment.tzinfo is None:
        raise refuse(N_("give the time zone offset (e.g. +01:00 for Paris in winter, or Z)"))
    return moment


def _in_range(moment: datetime) -> datetime:
    """The years are those of the instant as it is kept, in UTC: 2000-01-01T00:00+03:00 is
    still 1999 there, and would not be answered back as it was given."""
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):  # beyond the years 1 to 9999 once in UTC
        utc = None
    if utc is None or not EARLIEST_YEAR <= utc.year <= LATEST_YEAR:
        raise refuse(
            N_("a date between the years %(earliest)s and %(latest)s"),
            earliest=EARLIEST_YEAR,
            latest=LATEST_YEAR,
        )
    return utc


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_instant_input),
    AfterValidator(_in_range),
    PlainSerializer(_utc_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
    Field(
        strict=False,
        description="ISO 8601 date and time with its offset; answers are in UTC (Z)",
        examples=["2026-11-22T08:10:00+01:00"],
    ),
]
"""An instant given with its offset, between the years 2000 and 2999; kept in UTC."""


def whole(low: int, high: int, description: str = "", **extra: Any) -> Any:
    return Annotated[StrictInt, _field(description, ge=low, le=high, **extra)]


Flag = Annotated[StrictBool, Field(description="true or false")]


Id = Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]
"""The id of a row: a larger number names nothing."""


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


ComponentCode = Annotated[
    Literal[tuple(COMPONENTS)],  # type: ignore[valid-type]
    BeforeValidator(_upper),
    Field(description="An ICS2 component of the catalogue (GET /api/v1/reflexes)"),
]


def unique(values: tuple) -> tuple:
    seen: list = []
    for value in values:
        if value in seen:
            raise refuse(N_("%(value)s is listed twice"), value=str(value))
        seen.append(value)
    return values


def choices_of(enum: type[StrEnum]) -> str:
    return ", ".join(m.value for m in enum)


def _checked_by(problem_of: Any) -> Any:
    def check(value: str) -> str:
        problem = problem_of(value)
        if problem:
            raise refuse(problem)
        return value

    return AfterValidator(check)


Url = Annotated[
    str,
    AfterValidator(_trimmed),
    _checked_by(url_problem),
    Field(max_length=MAX_URL, description="An http:// or https:// address"),
]
"""A webhook's or a probe's address, as the domain accepts one (where it may lead is the
destination policy's, checked by the use case)."""

Email = Annotated[
    str,
    AfterValidator(_trimmed),
    _checked_by(email_problem),
    Field(max_length=MAX_EMAIL, description="One e-mail address", examples=["ops@example.fr"]),
]


Eori = one_line(17, "An EORI, e.g. FR81234567800013", examples=["FR81234567800013"])
