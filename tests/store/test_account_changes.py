"""The count of the accounts' changes (bcp.store.models.AccountChangesRow), kept by triggers:
every column of the organisations, the users and the API tokens is counted when written, but a
token's record of use, written every ten minutes of use. A column added later that is left out
of the triggers, or a migration that copied one of these tables and lost them (SQLite's
`batch_alter_table`), fails here: each process would keep a revoked token or a deactivated
account for up to five minutes instead of a second."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text, update

from bcp.store.accounts import account_changes
from bcp.store.models import ApiTokenRow, OrganisationRow, UserRow

NOT_A_CHANGE = {"api_tokens": {"last_used_at"}}
"""The columns whose writing is no change of who a token or a session stands for."""

MOMENT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def count(uow) -> int:
    with uow.lookup() as connection:
        return account_changes(connection)


def ids(uow) -> dict[str, int]:
    """A token the people fixture wrote, its user and their organisation."""
    with uow.reading():
        token = uow.session.query(ApiTokenRow).order_by(ApiTokenRow.id).first()
        user = uow.session.get(UserRow, token.user_id)
        return {"api_tokens": token.id, "users": user.id, "organisations": user.organisation_id}


@pytest.mark.parametrize("row", [OrganisationRow, UserRow, ApiTokenRow])
def test_writing_any_column_of_an_account_is_counted_but_a_token_s_record_of_use(uow, people, row):
    table = row.__table__
    row_id = ids(uow)[table.name]
    for column in table.columns:
        if column.primary_key:
            continue
        before = count(uow)
        with uow:
            # the column written with its own value: a trigger "of" columns fires on the
            # columns written, changed or not
            uow.session.execute(
                update(table).where(table.c.id == row_id).values({column.name: column})
            )
            uow.commit()
        counted = count(uow) - before
        expected = 0 if column.name in NOT_A_CHANGE.get(table.name, ()) else 1
        assert counted == expected, f"{table.name}.{column.name} written: {counted} changes"


def test_adding_and_removing_accounts_is_counted(uow, people):
    before = count(uow)
    with uow:
        uow.session.execute(
            text(
                "INSERT INTO organisations (name, kind, eori, created_at, stp_access) "
                "VALUES ('Fret', 'carrier', 'FR99999999999', :at, false)"
            ),
            {"at": MOMENT},
        )
        uow.session.execute(text("DELETE FROM organisations WHERE eori = 'FR99999999999'"))
        uow.commit()
    assert count(uow) - before == 2


def test_a_token_s_record_of_use_alone_is_not_counted_and_a_rolled_back_change_neither(uow, people):
    token_id = ids(uow)["api_tokens"]
    before = count(uow)
    with uow:
        uow.session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=MOMENT)
        )
        uow.commit()
    with uow:
        uow.session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(revoked_at=MOMENT)
        )  # and not committed
    assert count(uow) == before
