"""Queries of the PDF documents."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from bcp.web.schemas.types import Body


class DocumentQuery(Body):
    lang: Literal["fr", "en"] = Field("fr", description="The document's language")


class PeriodQuery(DocumentQuery):
    from_: date = Field(alias="from", description="First day, e.g. 2026-11-01")
    to: date = Field(description="Last day, included")
