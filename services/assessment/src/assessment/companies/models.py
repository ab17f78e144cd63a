"""Member companies of a tenant (tenant-owned: RLS by tenant, and by company for employers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TenantMixin


class Company(IdMixin, TenantMixin, Base):
    __tablename__ = "company"
    __table_args__ = (UniqueConstraint("tenant_id", "siret"),)

    name: Mapped[str] = mapped_column(String(300))
    siret: Mapped[str] = mapped_column(String(14))
    siren: Mapped[str] = mapped_column(String(9))
    address: Mapped[str] = mapped_column(String(500), default="")
    naf_code: Mapped[str] = mapped_column(String(10))
    headcount: Mapped[int] = mapped_column(Integer)
    has_cse: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
