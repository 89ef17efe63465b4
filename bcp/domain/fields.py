"""What the business holds of any date a person gives: the years it can be in. The form of
each field (types, formats, lengths, vocabularies) is the API's models' (bcp.web.schemas)."""

from __future__ import annotations

EARLIEST_YEAR, LATEST_YEAR = 2000, 2999
"""Outside these years a date is a typing slip (and near years 1 and 9999, beyond what a time
zone shift can hold)."""
