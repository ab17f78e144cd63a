"""Engine and session factory; created in the app's lifespan and disposed there."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# A connection returned to the pool less than this long ago is handed out without a ping.
RECENTLY_USED_S = 10.0


def make_engine(url: str, *, pool_size: int = 10, application_name: str = "cosar") -> AsyncEngine:
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # Last in, first out: under a light load the same few connections serve every request,
        # with their prepared statements and plans warm and no idle time to ping them for.
        pool_use_lifo=True,
        connect_args={"server_settings": {"application_name": application_name}},
    )
    _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: AsyncEngine) -> None:
    """Check a pooled connection before use only when it has been idle for a while.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout, and with asyncpg a ping is three
    round trips (BEGIN, ``;``, ROLLBACK): more than the rest of a small request. A connection
    that served a query seconds ago is almost surely alive; one idle longer (a database
    restart, a firewall dropping idle sockets) is pinged, and replaced if dead
    (``DisconnectionError`` makes the pool retry with a fresh one). Should the database die
    within those seconds, the first query on the connection fails and SQLAlchemy invalidates
    the whole pool, as it does for any disconnect.
    """

    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _returned(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < RECENTLY_USED_S:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise exc.DisconnectionError("connection found dead before use") from error


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the commit that ends a request.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
