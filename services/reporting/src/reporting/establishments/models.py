"""Establishments whose annual report is kept here (tenant-owned, company-scoped)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, TenantMixin, new_id


class Establishment(TenantMixin, Base):
    __tablename__ = "establishment"
    __table_args__ = (UniqueConstraint("tenant_id", "siret"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    # The member company (assessment service) the establishment belongs to, and its pseudonym
    # in the assessment's events, which is how its action plan reaches the report.
    company_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    company_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300))
    siret: Mapped[str] = mapped_column(String(14))
    naf_code: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
