"""One transaction per request or message, with the tenant context PostgreSQL's RLS reads.

Every transaction opened through :func:`transaction` starts with ``set_config(..., true)``
(the ``SET LOCAL`` of a parameter) so that the row-level-security policies see who is acting:

- ``app.tenant_id``: the tenant whose rows are visible; empty for regional and platform roles,
  which therefore see no tenant row at all;
- ``app.roles``: the principal's roles, comma-separated, for policies that depend on a role
  (e.g. medical data visible to physicians only);
- ``app.company_ids``: the companies an employer token may touch, comma-separated;
- ``app.company_scoped``: 'on' when the principal may touch only those
  (``Principal.is_company_scoped``), 'off' otherwise.

The settings die with the transaction, so a pooled connection never leaks a tenant context.
Only this module commits: services and repositories ``flush()``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cosar_common.auth.principal import Principal


@dataclass(frozen=True)
class TenantContext:
    """What RLS needs to know about the actor of a transaction."""

    tenant_id: str | None = None
    roles: frozenset[str] = frozenset()
    company_ids: frozenset[str] = frozenset()
    company_scoped: bool = False  # only the companies above (Principal.is_company_scoped)

    @classmethod
    def of(cls, principal: Principal) -> TenantContext:
        return cls(
            tenant_id=principal.tenant_id,
            roles=frozenset(r.value for r in principal.roles),
            company_ids=frozenset(str(c) for c in principal.company_ids),
            company_scoped=principal.is_company_scoped,
        )

    @classmethod
    def system(cls, tenant_id: str | None = None) -> TenantContext:
        """The context of a consumer applying an event of ``tenant_id`` (or of no tenant)."""
        return cls(tenant_id=tenant_id)


@dataclass
class CommitHooks:
    """Callbacks to run after a successful commit (e.g. wake the outbox relay)."""

    callbacks: list[Callable[[], None]] = field(default_factory=list)

    def add(self, callback: Callable[[], None]) -> None:
        if callback not in self.callbacks:
            self.callbacks.append(callback)


# Built once: parsing the text for its bind parameters on every transaction showed up in
# profiles of small requests.
_SET_CONTEXT = text(
    "SELECT set_config('app.tenant_id', :tenant, true),"
    " set_config('app.roles', :roles, true),"
    " set_config('app.company_ids', :companies, true),"
    " set_config('app.company_scoped', :scoped, true)"
)


async def apply_context(session: AsyncSession, context: TenantContext) -> None:
    await session.execute(
        _SET_CONTEXT,
        {
            "tenant": context.tenant_id or "",
            "roles": ",".join(sorted(context.roles)),
            "companies": ",".join(sorted(context.company_ids)),
            "scoped": "on" if context.company_scoped else "off",
        },
    )


@asynccontextmanager
async def transaction(
    factory: async_sessionmaker[AsyncSession], context: TenantContext
) -> AsyncIterator[AsyncSession]:
    """Open a session and a transaction with ``context``; commit on success, roll back on error."""
    hooks = CommitHooks()
    async with factory() as session:
        session.info["commit_hooks"] = hooks
        async with session.begin():
            await apply_context(session, context)
            yield session
        # session.begin() committed: now it is safe to tell others about the change.
        for callback in hooks.callbacks:
            callback()


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction has committed (no-op outside one)."""
    hooks = session.info.get("commit_hooks")
    if isinstance(hooks, CommitHooks):
        hooks.add(callback)
