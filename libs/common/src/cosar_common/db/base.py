"""Declarative base shared by every service's models (each service has its own database)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, MetaData, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names make Alembic migrations reproducible and readable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantMixin:
    """A tenant-owned row. Its table must also get the RLS policy (``db.rls.enable_tenant_rls``)."""

    tenant_id: Mapped[str] = mapped_column(String(64), index=True)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class IdMixin:
    """A row identified by a random UUID, ``id``: the table's first column (``sort_order``),
    as the migrations create it."""

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, default=new_id, sort_order=-1
    )


class TimestampMixin:
    """When the row was inserted (the database's clock). A mixin's columns follow the class's
    own: list it before ``TenantMixin`` where ``created_at`` precedes ``tenant_id``."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
