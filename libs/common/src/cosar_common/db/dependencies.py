"""The request's session: one transaction, with the principal's tenant context, committed
before the response is sent (``scope="function"``), so a failed commit is an error response."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from cosar_common.auth.dependencies import PrincipalDep
from cosar_common.db.tenancy import TenantContext, transaction
from cosar_common.events.outbox import OutboxWriter
from cosar_common.runtime import Runtime


# The dependencies are coroutines even where they do not await: FastAPI runs a plain ``def``
# dependency in its thread pool, a thread hop on every request for an attribute read.
async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep, principal: PrincipalDep) -> AsyncIterator[AsyncSession]:
    async with transaction(runtime.session_factory, TenantContext.of(principal)) as session:
        yield session


async def get_outbox(runtime: RuntimeDep) -> OutboxWriter:
    return runtime.outbox


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
OutboxDep = Annotated[OutboxWriter, Depends(get_outbox)]
