"""Annual reports: one row per revision; a finalised revision never changes (trigger).

The input is kept as the validated JSON of ``ReportInput``; finalising freezes the document
(input and computed figures) as canonical JSON with its SHA-256, chained to the previous
revision of the same establishment and year. A correction is a new revision, never an edit.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TenantMixin


class Report(IdMixin, TenantMixin, Base):
    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("establishment_id", "year", "revision"),)

    company_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    establishment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("establishment.id"))
    year: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | finalised
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    input: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(200))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finalised_by: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    previous_hash: Mapped[str | None] = mapped_column(String(64))
