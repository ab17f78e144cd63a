"""Work that one process only may do at a time, across every process of a service.

A service may run as several worker processes (``serve --workers``), each with the same
background tasks: a job that must run once (the indicators' nightly release) takes a
PostgreSQL advisory lock first. The lock is a transaction-level one, held by a transaction
opened for the block: it ends with the block, whatever happens in it, and with the connection
if the process dies (PostgreSQL ends the transaction). The transaction only takes the lock: it
writes nothing and keeps no snapshot, so holding it for minutes holds nothing back.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Exclusive = Callable[[AsyncEngine, str], AbstractAsyncContextManager[bool]]
"""What :func:`exclusive` is; a job takes it as a parameter, so that tests may give another."""


def lock_key(name: str) -> int:
    """The advisory lock's 64-bit key for ``name`` (stable across processes and versions:
    not Python's salted ``hash``)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def exclusive(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """``True`` in the block when this process holds the lock ``name`` for the whole block;
    ``False`` at once, without waiting, when another holds it (the caller then leaves the work
    to it)."""
    async with engine.connect() as connection, connection.begin():
        ours = await connection.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(name)}
        )
        yield bool(ours)
