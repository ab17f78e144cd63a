"""Answers read from published code-system versions, kept in memory.

A published or retired version never changes: the database refuses it (migration 0002). An
answer that read only such versions therefore stays true until the *catalogue* changes, when a
system or a version is added, published, retired or removed, which changes what "the latest
published version" or a system's name designate. The answers of searches and of the CodeSystem
operations (``$lookup``, ``$validate-code``, ``$subsumes``, GET only) are kept per process,
keyed by who may see what (the caller's tenant; RLS computed the answer) and by the request,
and all of them are dropped on any catalogue change:

- in this process, as soon as a transaction that wrote a code system or a version commits
  (SQLAlchemy session events, below);
- in every process, from PostgreSQL: a trigger notifies channel ``thesaurus_catalogue`` on any
  such write (migration 0007), and each process listens on a connection of its own.

Until that connection listens, and whenever it drops, nothing is kept or served from memory: a
process that could miss a notification answers from the database. An answer computed while the
catalogue changed is not kept either (the generation check in :meth:`AnswerCache.put`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from cosar_common.auth import Principal
from cosar_common.db import TenantContext, transaction
from cosar_common.runtime import Runtime
from thesaurus.codesystems.models import CodeSystem, CodeSystemVersion, VersionStatus

logger = logging.getLogger(__name__)

CHANNEL = "thesaurus_catalogue"
# Versions whose content the database freezes.
IMMUTABLE = frozenset({VersionStatus.PUBLISHED.value, VersionStatus.RETIRED.value})


class AnswerCache:
    """Rendered answers (bytes) by key for one process; the least recently used go first
    when their total size passes ``max_bytes``."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._generation = 0
        self._listening = False
        self.hits = 0
        self.misses = 0
        # Connections that started listening: more than one means it was lost and came back.
        self.connections = 0
        _caches.add(self)

    @property
    def generation(self) -> int:
        """Changes with every invalidation; :meth:`put` compares it."""
        return self._generation

    @property
    def listening(self) -> bool:
        return self._listening

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> bytes | None:
        if not self._listening:
            return None
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key: Hashable, answer: bytes, generation: int) -> None:
        """Keep ``answer``, computed while the cache was at ``generation``, unless the
        catalogue changed since (the answer may predate the change) or nobody listens."""
        if not self._listening or generation != self._generation or len(answer) > self.max_bytes:
            # (With ``max_bytes`` 0, nothing is ever kept.)
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._size -= len(previous)
        self._entries[key] = answer
        self._size += len(answer)
        while self._size > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._size -= len(dropped)

    def invalidate(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._size = 0

    def _set_listening(self, listening: bool) -> None:
        # Either way, what was kept may have missed a notification.
        self.invalidate()
        self._listening = listening

    async def listen(self, database_url: str, *, retry_s: float = 1.0) -> None:
        """Keep a connection listening on :data:`CHANNEL`; reconnect when it drops.

        Runs until cancelled. ``database_url`` is the service's SQLAlchemy URL.
        """
        dsn = make_url(database_url).set(drivername="postgresql")
        delay = retry_s
        while True:
            try:
                await self._listen_until_lost(dsn.render_as_string(hide_password=False))
                delay = retry_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("catalogue notifications lost (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def _listen_until_lost(self, dsn: str, probe_every_s: float = 30.0) -> None:
        lost = asyncio.Event()
        connection = await asyncpg.connect(
            dsn, server_settings={"application_name": "thesaurus-catalogue-listener"}
        )
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(CHANNEL, self._notified)
            # Listening from here on: whatever changed before is dropped now.
            self._set_listening(True)
            self.connections += 1
            while not lost.is_set():
                # A silent network drop does not end the connection: probe it now and then.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), timeout=probe_every_s)
                if not lost.is_set():
                    await asyncio.wait_for(connection.fetchval("SELECT 1"), timeout=10)
        finally:
            self._set_listening(False)
            with contextlib.suppress(Exception):
                await asyncio.shield(connection.close(timeout=2))

    def _notified(self, *_: Any) -> None:
        self.invalidate()


def install(runtime: Runtime) -> None:
    """Startup hook: the process's cache (it serves nothing until :func:`listen` listens)."""
    size_mb = getattr(runtime.settings, "answer_cache_mb", 64)
    runtime.extensions["answers"] = AnswerCache(max_bytes=size_mb * 1024 * 1024)


def cache_of(runtime: Runtime) -> AnswerCache:
    cache: AnswerCache = runtime.extensions["answers"]
    return cache


async def listen(runtime: Runtime) -> None:
    """Background task: the catalogue notifications of this process."""
    await cache_of(runtime).listen(runtime.settings.app_database_url)


def note_read(session: AsyncSession, status: str) -> None:
    """Record that the answer being computed read a version of this status."""
    session.info.setdefault("versions_read", set()).add(status)


def read_only_frozen_versions(session: AsyncSession) -> bool:
    """Did the answer read versions (it said so through :func:`note_read`), all frozen?"""
    statuses: set[str] = session.info.get("versions_read", set())
    return bool(statuses) and statuses <= IMMUTABLE


async def answer(
    runtime: Runtime,
    principal: Principal,
    key: Hashable | None,
    compute: Callable[[AsyncSession], Awaitable[bytes]],
) -> bytes:
    """The rendered answer to ``key`` for ``principal``: from memory, or computed in a
    transaction under the principal's tenant context and kept if it read only frozen versions.
    ``key`` None: computed, never kept.

    Only the tenant joins the key: RLS on the registry depends on nothing else, and within a
    tenant every authenticated principal reads the same published systems.
    """
    cache = cache_of(runtime)
    scoped = (principal.tenant_id, key)
    found = None if key is None else cache.get(scoped)
    if found is not None:
        return found
    # Read before the transaction starts: a change committed after this point bumps it, and
    # the answer, possibly computed from the older snapshot, is not kept.
    generation = cache.generation
    async with transaction(runtime.session_factory, TenantContext.of(principal)) as session:
        rendered = await compute(session)
        keep = read_only_frozen_versions(session)
    if keep and key is not None:
        cache.put(scoped, rendered, generation)
    return rendered


# Every cache of the process: a commit that changed the catalogue drops them all.
_caches: weakref.WeakSet[AnswerCache] = weakref.WeakSet()


def catalogue_changed() -> None:
    for cache in list(_caches):
        cache.invalidate()


@event.listens_for(Session, "before_flush")
def _note_catalogue_writes(session: Session, *_: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, CodeSystem | CodeSystemVersion):
            session.info["catalogue_changed"] = True
            return


@event.listens_for(Session, "after_commit")
def _drop_answers_after_catalogue_commit(session: Session) -> None:
    if session.info.pop("catalogue_changed", False):
        catalogue_changed()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_writes(session: Session) -> None:
    session.info.pop("catalogue_changed", None)
