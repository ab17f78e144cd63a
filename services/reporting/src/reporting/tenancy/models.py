"""Per-tenant settings of the reporting service."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base


class TenantSettings(Base):
    __tablename__ = "reporting_settings"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Key of the establishment pseudonyms in events (HMAC-SHA256); never leaves this database.
    pseudonym_key: Mapped[bytes] = mapped_column(LargeBinary)
