"""Per-tenant settings of the assessment service (one row per SPSTI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, LargeBinary, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base


class TenantSettings(Base):
    """One SPSTI's settings in this service.

    ``display_name`` is the SPSTI's name as documents print it. There is no tenant registry
    yet: the demo loader sets it, and the directory service will own it later (announcing
    tenants by events); until then an unset name prints as the tenant id.
    """

    __tablename__ = "tenant_settings"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rating_method: Mapped[str] = mapped_column(String(60))
    # Custom priority bands of the method ([] = the method's own), MethodBand as JSON.
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # Key of the company pseudonyms in events (HMAC-SHA256); never leaves this database.
    pseudonym_key: Mapped[bytes] = mapped_column(LargeBinary)
    # The SPSTI's name (« Service de prévention et de santé au travail de … »); None: unknown.
    display_name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by: Mapped[str | None] = mapped_column(String(200))
