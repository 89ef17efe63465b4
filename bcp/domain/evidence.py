"""Evidence attached to an incident: a PDF, a PNG or an e-mail (EML), up to 10 MB, its type
checked from its content, not from its name alone."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bcp.domain.errors import invalid
from bcp.domain.messages import N_

MAX_BYTES = 10 * 1024 * 1024
_EML_HEADER = re.compile(
    rb"^(Return-Path|Received|From|To|Subject|Date|Message-ID|MIME-Version|Delivered-To|"
    rb"X-[A-Za-z0-9-]+|DKIM-Signature|Reply-To|Cc|Content-Type):",
    re.IGNORECASE,
)
TYPES = {".pdf": "application/pdf", ".png": "image/png", ".eml": "message/rfc822"}


def check_evidence(filename: str, data: bytes) -> str:
    """Return the content type of an acceptable file, or raise InvalidInput saying why not."""
    name = filename.strip()
    if not name or "/" in name or "\\" in name or "\x00" in name or len(name) > 255:
        raise invalid("attachment", N_("give the file a plain name of at most 255 characters"))
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if extension not in TYPES:
        raise invalid("attachment", N_("only PDF, PNG or EML files are accepted"))
    if not data:
        raise invalid("attachment", N_("the file is empty"))
    if len(data) > MAX_BYTES:
        raise invalid("attachment", N_("the file is larger than 10 MB"))
    if not _looks_like(extension, data):
        raise invalid(
            "attachment",
            N_("the content of this file is not a %(kind)s file"),
            kind=extension[1:].upper(),
        )
    return TYPES[extension]


def _looks_like(extension: str, data: bytes) -> bool:
    if extension == ".pdf":
        return data.startswith(b"%PDF-")
    if extension == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    first = data.lstrip()[:200]
    return bool(_EML_HEADER.match(first)) and b"\x00" not in data[:4096]


@dataclass(frozen=True)
class AttachmentLimits:
    """How much evidence one incident may hold ([attachments] in the settings)."""

    per_incident: int = 50
    total_bytes: int = 50 * 1024 * 1024

    def problem(self, count: int, total: int, size: int) -> str | None:
        if count + 1 > self.per_incident:
            return N_("this incident already holds as many files as it may hold")
        if total + size > self.total_bytes:
            return N_("this file would take the incident's evidence past the size it may have")
        return None
