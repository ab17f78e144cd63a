"""The region's sector library: typical hazards and measures by NAF division.

Region-level, not tenant data (no company, no person): published entries are read by every
tenant; a proposal records the tenant that made it and is visible to that tenant and to the
thesaurus editors, who publish or reject it. Tenant isolation of proposals is applied in the
repository; the table holds nothing confidential.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TimestampMixin


class LibraryEntry(IdMixin, TimestampMixin, Base):
    __tablename__ = "sector_library_entry"

    naf_division: Mapped[str] = mapped_column(String(2), index=True)
    hazard_code: Mapped[str] = mapped_column(String(40))
    hazard_display: Mapped[str] = mapped_column(String(500))
    situations: Mapped[str] = mapped_column(Text, default="")
    damages: Mapped[str] = mapped_column(Text, default="")
    # [{kind, description}] typical prevention measures.
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(String(20))  # proposed | published | rejected
    proposed_by_tenant: Mapped[str | None] = mapped_column(String(64))
    proposed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    review_note: Mapped[str] = mapped_column(Text, default="")
