"""Rows created on first use (a company's open DUERP, a tenant's settings…)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.db.base import Base

M = TypeVar("M", bound=Base)


async def get_or_create(
    session: AsyncSession,
    model: type[M],
    *,
    where: Mapping[str, Any],
    defaults: Callable[[], Mapping[str, Any]],
) -> M:
    """The row of ``model`` matching ``where``; inserted with ``defaults()`` if missing.

    A read does not write: the insert happens only when the row is absent, and
    ``ON CONFLICT DO NOTHING`` lets two first uses race without an error (the loser reads the
    winner's row). ``where`` must name a unique key of the table.
    """
    query = select(model).filter_by(**where)
    found = await session.scalar(query)
    if found is not None:
        return found
    await session.execute(insert(model).values(**where, **defaults()).on_conflict_do_nothing())
    found = await session.scalar(query)
    assert found is not None
    return found
