"""Establishments whose annual report is kept here (tenant-owned, company-scoped)."""

from __future__ import annotations

import uuid

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TenantMixin, TimestampMixin


class Establishment(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "establishment"
    __table_args__ = (UniqueConstraint("tenant_id", "siret"),)

    # The member company (assessment service) the establishment belongs to, and its pseudonym
    # in the assessment's events, which is how its action plan reaches the report.
    company_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    company_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300))
    siret: Mapped[str] = mapped_column(String(14))
    naf_code: Mapped[str] = mapped_column(String(10))
