"""Shapes every part of the API shares: bilingual texts, sources, problem details."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, create_model

from bcp.web.schemas.types import Shape


class Bilingual(Shape):
    """A text in French and English, as the rules table and the catalogue give it."""

    fr: str
    en: str


class Source(Shape):
    """Where a rule, a procedure or a step comes from in the official texts."""

    document: str
    date: str
    section: str


class FieldProblem(Shape):
    field: str = Field(description="The field at fault: a body property, a query parameter")
    message: str = Field(description="What is wrong with it, in the request's language")


class Problem(Shape):
    """RFC 9457 problem details; `errors` lists every faulty field at once."""

    type: str = Field(examples=["/problems/invalid-input"])
    title: str
    status: Annotated[int, Field(ge=400, le=599)]
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


class Page(Shape):
    limit: int = Field(description="At most this many items")
    offset: int = Field(description="Items skipped before the first one")


def items_of(model: type[Shape]) -> type[Shape]:
    """The shape `{"items": [model, ...]}`, named after the model (UserOut: UserList)."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        model.__name__.removesuffix("Out") + "List",
        __base__=Shape,
        __doc__=f"A list of {model.__name__.removesuffix('Out')}",
        items=(list[model], ...),  # type: ignore[valid-type]
    )
