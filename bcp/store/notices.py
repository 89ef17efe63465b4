"""Loading and saving outage notices: rows to the domain aggregate and back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, selectinload

from bcp.domain.notices import Notice, NoticeKind, NoticeUpdate, Reason, UpdateKind
from bcp.store.db import read_columns
from bcp.store.models import NoticeRow, NoticeUpdateRow

# Read by every declaration and every status board: built once, on the tables, their rows read
# as columns (read_columns), the updates of the notices found by a second statement only if
# there are some.
_NOTICES = NoticeRow.__table__
_UPDATES = NoticeUpdateRow.__table__
_CURRENT = (
    select(_NOTICES)
    .where(or_(_NOTICES.c.closed_at.is_(None), _NOTICES.c.closed_at >= bindparam("closed_since")))
    .order_by(_NOTICES.c.starts_at.desc(), _NOTICES.c.id.desc())
)
_UPDATES_OF = (
    select(_UPDATES)
    .where(_UPDATES.c.notice_id.in_(bindparam("notice_ids", expanding=True)))
    .order_by(_UPDATES.c.notice_id, _UPDATES.c.seq)
)


class NoticeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._rows: dict[int, NoticeRow] = {}

    def get(self, notice_id: int, *, for_update: bool = False) -> Notice | None:
        query = (
            select(NoticeRow)
            .where(NoticeRow.id == notice_id)
            .options(selectinload(NoticeRow.updates))
        )
        if for_update and self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(of=NoticeRow)
        row = self.session.scalars(query).one_or_none()
        if row is None:
            return None
        self._rows[row.id] = row
        return _to_domain(row, row.updates)

    def add(self, notice: Notice) -> Notice:
        row = NoticeRow(published_at=notice.published_at, published_by_id=notice.published_by)
        _write(row, notice)
        self.session.add(row)
        self.session.flush()
        notice.id = row.id
        self._rows[row.id] = row
        self._append(row, notice.updates)
        return notice

    def save(self, notice: Notice) -> None:
        row = self._rows[notice.id]  # type: ignore[index]  # loaded by get() before
        _write(row, notice)
        self._append(row, notice.updates[len(row.updates) :])

    def _append(self, row: NoticeRow, updates: list[NoticeUpdate]) -> None:
        for u in updates:
            row.updates.append(
                NoticeUpdateRow(
                    seq=u.seq,
                    at=u.at,
                    kind=u.kind.value,
                    actor_user_id=u.actor_user_id,
                    actor_label=u.actor_label,
                    text=u.text,
                    changes=u.changes,
                )
            )
        self.session.flush()

    def current(self, now: datetime, closed_since: datetime) -> list[Notice]:
        """Open notices, and those closed since `closed_since` (for the board's history)."""
        found = read_columns(self.session, _CURRENT, {"closed_since": closed_since}).all()
        if not found:
            return []
        updates: defaultdict[int, list[Any]] = defaultdict(list)
        ids = {"notice_ids": [r.id for r in found]}
        for update in read_columns(self.session, _UPDATES_OF, ids):
            updates[update.notice_id].append(update)
        return [_to_domain(r, updates[r.id]) for r in found]

    def scheduled(self, since: datetime, limit: int = 500) -> list[Notice]:
        """Notices published as scheduled maintenance (overrun ones included) that were still
        running or to come at `since`."""
        query = (
            select(NoticeRow)
            .where(
                or_(
                    NoticeRow.closed_at.is_(None),
                    NoticeRow.closed_at >= since,
                    NoticeRow.expected_end >= since,
                )
            )
            .options(selectinload(NoticeRow.updates))
            .order_by(NoticeRow.starts_at)
            .limit(limit)
        )
        found = [_to_domain(r, r.updates) for r in self.session.scalars(query)]
        return [n for n in found if n.announced_as_scheduled]

    def overrun_ids(self, now: datetime) -> list[int]:
        query = select(NoticeRow.id).where(
            NoticeRow.closed_at.is_(None),
            NoticeRow.kind == NoticeKind.SCHEDULED.value,
            NoticeRow.expected_end <= now,
        )
        return list(self.session.scalars(query))


def _write(row: NoticeRow, notice: Notice) -> None:
    row.components = list(notice.components)
    row.kind = notice.kind.value
    row.reason = notice.reason.value
    row.title = notice.title
    row.starts_at = notice.starts_at
    row.expected_end = notice.expected_end
    row.messages = notice.messages
    row.closed_at = notice.closed_at


def _to_domain(row: Any, updates: Iterable[Any]) -> Notice:
    """A notice from its row and its updates in order: ORM objects (NoticeRow and its
    `updates`) or rows of the tables' columns (`current`)."""
    return Notice(
        id=row.id,
        components=tuple(row.components),
        kind=NoticeKind(row.kind),
        reason=Reason(row.reason),
        title=row.title,
        starts_at=row.starts_at,
        expected_end=row.expected_end,
        messages=row.messages,
        published_at=row.published_at,
        published_by=row.published_by_id,
        closed_at=row.closed_at,
        updates=[
            NoticeUpdate(
                seq=u.seq,
                at=u.at,
                kind=UpdateKind(u.kind),
                actor_user_id=u.actor_user_id,
                actor_label=u.actor_label,
                text=u.text,
                changes=dict(u.changes),
            )
            for u in updates
        ],
    )
