"""Marking the domain's messages for translation, without the domain knowing about languages.

`N_("…")` returns its text unchanged; `pybabel extract -k N_` (Makefile: translations) puts it
in the French catalogue, and the web layer translates a message as it shows it to a person
(bcp.web.forms.messages). A message built with values in it cannot be looked up: keep marked
messages constant, and let the field they belong to say which value is meant."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 (gettext's usual name for "translate later")
    return text
