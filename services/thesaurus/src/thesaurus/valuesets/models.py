"""Value sets: a code system plus filters (e.g. "NAF sub-classes under section C")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TimestampMixin


class ValueSet(IdMixin, TimestampMixin, Base):
    __tablename__ = "value_set"

    tenant_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    code_system: Mapped[str] = mapped_column(String(100), doc="CodeSystem name")
    system_version: Mapped[str | None] = mapped_column(String(50), doc="None: latest published")
    # FHIR compose.include.filter entries: [{"property", "op", "value"}]; ops: is-a,
    # descendent-of, =, in, regex; property "concept", "level", "status" or a property code.
    filters: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
