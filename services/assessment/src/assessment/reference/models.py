"""Code-system versions published by the thesaurus, as this service has learnt them (events),
and the codes in use that those versions deprecated (flags, until the code is replaced)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, TenantMixin


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


class CodeFlag(TenantMixin, Base):
    """A code in use that the thesaurus deprecated: shown on the open DUERP until replaced."""

    __tablename__ = "code_flag"
    __table_args__ = (UniqueConstraint("entity_id", "code_system", "code", "thesaurus_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    entity: Mapped[str] = mapped_column(String(20))  # risk | work_unit | company
    entity_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    code_system: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(40))
    replaced_by: Mapped[list[str]] = mapped_column(JSONB, default=list)
    thesaurus_version: Mapped[str] = mapped_column(String(50))
    flagged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
