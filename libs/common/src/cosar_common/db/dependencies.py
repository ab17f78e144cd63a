"""The request's session: one transaction, with the principal's tenant context, committed
before the response is sent (``scope="function"``), so a failed commit is an error response."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


class SessionOnDemand:
    """The request's transaction (as :func:`get_session`'s), opened at the first ``await
    sessions()`` only: a read answered from a cache takes no connection and no round trip."""

    def __init__(
        self,
        stack: AsyncExitStack,
        factory: async_sessionmaker[AsyncSession],
        context: TenantContext,
    ) -> None:
        self._stack, self._factory, self._context = stack, factory, context
        self._session: AsyncSession | None = None

    @property
    def opened(self) -> bool:
        return self._session is not None

    async def __call__(self) -> AsyncSession:
        if self._session is None:
            self._session = await self._stack.enter_async_context(
                transaction(self._factory, self._context)
            )
        return self._session


async def get_session_on_demand(
    runtime: RuntimeDep, principal: PrincipalDep
) -> AsyncIterator[SessionOnDemand]:
    async with AsyncExitStack() as stack:  # commits (or rolls back) what was opened, if any
        yield SessionOnDemand(stack, runtime.session_factory, TenantContext.of(principal))


async def get_outbox(runtime: RuntimeDep) -> OutboxWriter:
    return runtime.outbox


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SessionOnDemandDep = Annotated[SessionOnDemand, Depends(get_session_on_demand, scope="function")]
OutboxDep = Annotated[OutboxWriter, Depends(get_outbox)]
