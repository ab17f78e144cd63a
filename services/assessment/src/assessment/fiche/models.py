"""The SPSTI's fiche d'entreprise (R4624-46): the working draft; versions are DocumentVersion."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TenantMixin


class FicheDraft(IdMixin, TenantMixin, Base):
    __tablename__ = "fiche_draft"
    __table_args__ = (UniqueConstraint("company_id"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    observations: Mapped[str] = mapped_column(Text, default="")
    # [{system, code, display, comment}] from the actions-prevention thesaurus.
    recommended_actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # [{system, code, display, exposed_headcount}]: exposures noted by the SPSTI on its visit,
    # added to those of the company's DUERP.
    exposures: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
