"""Published versions (DUERP and fiche d'entreprise): immutable, numbered, hash-chained.

A version row holds the canonical JSON of its snapshot (the bytes that were hashed), its
SHA-256 and the previous version's hash. A PostgreSQL trigger refuses any UPDATE or DELETE
(R4121-4: kept forty years, consultable): the application role cannot change history either.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TenantMixin


class DocumentVersion(IdMixin, TenantMixin, Base):
    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("company_id", "kind", "number"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # duerp | fiche
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_hash: Mapped[str] = mapped_column(String(64))
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(200))
    # The publisher's full name from the verified token, printed by the exports; the login
    # above stays the audit identity. Outside the hashed content (the snapshot's own
    # ``published_by`` is the login), but as immutable as the row; None before revision 0004.
    published_by_name: Mapped[str | None] = mapped_column(String(200))


class CseConsultation(IdMixin, TenantMixin, Base):
    """The CSE's consultation on a DUERP version (L2312-27): date, opinion, proposals."""

    __tablename__ = "cse_consultation"
    __table_args__ = (UniqueConstraint("version_id"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document_version.id"))
    consulted_on: Mapped[date] = mapped_column(Date)
    opinion: Mapped[str] = mapped_column(String(20))  # favourable | unfavourable | reserved
    proposals: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    # The recorder's full name from the verified token (None before revision 0004).
    recorded_by_name: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
