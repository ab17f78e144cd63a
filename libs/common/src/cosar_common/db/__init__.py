"""Database kernel: declarative base, engine, tenant-scoped transactions, RLS and migrations."""

from cosar_common.db.base import Base, IdMixin, TenantMixin, TimestampMixin
from cosar_common.db.engine import make_engine, make_session_factory
from cosar_common.db.tenancy import TenantContext, after_commit, transaction

__all__ = [
    "Base",
    "IdMixin",
    "TenantContext",
    "TenantMixin",
    "TimestampMixin",
    "after_commit",
    "make_engine",
    "make_session_factory",
    "transaction",
]
