"""``thesaurus load-reference``: publish version 1 of every reference system, once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.db.tenancy import TenantContext, transaction
from cosar_common.events.outbox import OutboxWriter
from thesaurus.codesystems import repository, service
from thesaurus.reference import DEFAULT_DIR, SOURCES, read_source

# The loader writes shared rows: RLS lets the 'system' context do it (migration 0002).
LOADER_CONTEXT = TenantContext(tenant_id=None, roles=frozenset({"system"}))


async def load_reference(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    directory: Path = DEFAULT_DIR,
    outbox: OutboxWriter | None = None,
) -> dict[str, bool]:
    """Load each reference system that is not there yet; ``{name: loaded now}``.

    Idempotent: a system that already has its version 1 is left as it is (a second run changes
    nothing). Each system is loaded in its own transaction, whole or not at all; its
    publication event goes through the outbox like any other.
    """
    writer = outbox or OutboxWriter(producer="thesaurus")
    result: dict[str, bool] = {}
    for source in SOURCES:
        async with transaction(session_factory, LOADER_CONTEXT) as session:
            system = await repository.get_system(session, name=source.name)
            if system is not None and await repository.get_version(
                session, system=system, version="1"
            ):
                result[source.name] = False
                continue
            data = read_source(source, directory)
            await service.import_code_system(
                session, data=data, created_by="load-reference", tenant_id=None, outbox=writer
            )
            result[source.name] = True
    return result
