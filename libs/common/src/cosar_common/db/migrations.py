"""Alembic plumbing shared by every service: the async ``env.py`` body and a runner.

A service's ``migrations/env.py`` is two lines::

    from cosar_common.db.migrations import run_env
    run_env(target_metadata=Base.metadata)

Migrations run as the owner role; afterwards the runtime role gets DML rights on every table,
so production does not depend on default privileges having been set by hand.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine


def _grant_runtime_role(connection: Connection, role: str | None) -> None:
    if not role:
        return
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if exists.scalar() is None:
        return
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    )
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
    connection.execute(text(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {quoted}"))


def _do_run(connection: Connection, target_metadata: MetaData, runtime_role: str | None) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    # The connection autobegins a transaction for the grants; commit it explicitly.
    _grant_runtime_role(connection, runtime_role)
    connection.commit()


async def _run_async(url: str, target_metadata: MetaData, runtime_role: str | None) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_do_run, target_metadata, runtime_role)
    await engine.dispose()


def run_env(target_metadata: MetaData) -> None:
    """Body of a service's Alembic ``env.py`` (online mode only: we always have a database)."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set: run migrations through '<service> migrate'")
    runtime_role = config.get_main_option("runtime_role") or None
    asyncio.run(_run_async(url, target_metadata, runtime_role))


def upgrade(
    *, migrations_dir: Path, owner_url: str, runtime_url: str, revision: str = "head"
) -> None:
    """Apply migrations up to ``revision`` as the owner, then grant the runtime role."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", owner_url.replace("%", "%%"))
    runtime_role = make_url(runtime_url).username or ""
    config.set_main_option("runtime_role", runtime_role)
    command.upgrade(config, revision)
