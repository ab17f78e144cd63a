"""Code-system versions published by the thesaurus, as this service has learnt them (events)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base


class KnownCodeSystemVersion(Base):
    __tablename__ = "known_code_system_version"
    __table_args__ = (UniqueConstraint("code_system", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code_system: Mapped[str] = mapped_column(String(100))
    code_system_url: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(50))
    concept_count: Mapped[int] = mapped_column(Integer)
    diff: Mapped[dict[str, object]] = mapped_column(JSONB)
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
