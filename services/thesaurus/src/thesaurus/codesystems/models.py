"""Code systems, versions, concepts, value sets and concept maps.

Shared systems have no tenant (``tenant_id`` NULL) and are readable by everyone; a tenant's
legacy local systems carry its ``tenant_id`` and are visible to it alone. PostgreSQL enforces
both (row-level security) and refuses any change to a version once it is published (triggers),
whatever the application does.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cosar_common.db.base import Base, IdMixin, TimestampMixin


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class CodeSystem(IdMixin, TimestampMixin, Base):
    __tablename__ = "code_system"

    tenant_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(Text)
    licence: Mapped[str | None] = mapped_column(Text)

    versions: Mapped[list[CodeSystemVersion]] = relationship(
        back_populates="code_system", lazy="raise"
    )


class CodeSystemVersion(IdMixin, Base):
    __tablename__ = "code_system_version"

    tenant_id: Mapped[str | None] = mapped_column(String(64))
    code_system_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("code_system.id"), index=True)
    version: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default=VersionStatus.DRAFT.value)
    based_on: Mapped[str | None] = mapped_column(String(50))
    concept_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    code_system: Mapped[CodeSystem] = relationship(back_populates="versions", lazy="raise")


class Concept(Base):
    __tablename__ = "concept"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("code_system_version.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(100))
    # The code as users type it in any common writing: upper case, no dot, space or dash.
    norm_code: Mapped[str] = mapped_column(String(100))
    display: Mapped[str] = mapped_column(Text)
    level: Mapped[int | None] = mapped_column(Integer)
    synonyms: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")
    replaced_by: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)
    # [{"code", "value", "valid_from", "valid_to"}]: dated values answer "in force on".
    properties: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class ConceptParent(Base):
    """Hierarchy edges (a concept may have several parents)."""

    __tablename__ = "concept_parent"

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("code_system_version.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    parent_code: Mapped[str] = mapped_column(String(100), primary_key=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
