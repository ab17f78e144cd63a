"""Concept maps: source code → target code with a FHIR R5 relationship."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TimestampMixin


class Relationship(StrEnum):
    """FHIR R5 ConceptMapRelationship."""

    EQUIVALENT = "equivalent"
    BROADER = "source-is-broader-than-target"
    NARROWER = "source-is-narrower-than-target"
    RELATED = "related-to"
    NOT_RELATED = "not-related-to"


class ConceptMap(IdMixin, TimestampMixin, Base):
    __tablename__ = "concept_map"

    tenant_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    source_system: Mapped[str] = mapped_column(String(500), doc="canonical URL")
    target_system: Mapped[str] = mapped_column(String(500), doc="canonical URL")


class ConceptMapElement(TimestampMixin, Base):
    __tablename__ = "concept_map_element"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    map_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("concept_map.id", ondelete="CASCADE"), index=True
    )
    source_code: Mapped[str] = mapped_column(String(100))
    target_code: Mapped[str | None] = mapped_column(String(100))
    relationship: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(200))
