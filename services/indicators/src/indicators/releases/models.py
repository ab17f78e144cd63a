"""A release and its cells, immutable once written (migration 0005)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base

REGION = ""  # the tenant column of a region cell; also a dimension at its total


class Release(Base):
    __tablename__ = "release"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    reference_date: Mapped[date] = mapped_column(Date)
    made_by: Mapped[str] = mapped_column(String(200))
    naf_version: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB)
    audit: Mapped[dict[str, Any]] = mapped_column(JSONB)
    loss: Mapped[dict[str, Any]] = mapped_column(JSONB)
    events: Mapped[int] = mapped_column(Integer)


class ReleaseCell(Base):
    __tablename__ = "release_cell"

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("release.id"), primary_key=True)
    measure: Mapped[str] = mapped_column(String(60), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), primary_key=True)
    naf: Mapped[str] = mapped_column(String(10), primary_key=True)
    size: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)  # None: secret
    own_value: Mapped[float | None] = mapped_column(Float)  # tenant cells: for its own staff
    reason: Mapped[str | None] = mapped_column(String(20))
    companies: Mapped[int] = mapped_column(Integer)  # internal, never served


class ReleaseUnit(Base):
    """A company's (or establishment's) contributions as the release used them."""

    __tablename__ = "release_unit"

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("release.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(10), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(64), primary_key=True)
    company: Mapped[str] = mapped_column(String(64), primary_key=True)
    division: Mapped[str] = mapped_column(String(2))
    size: Mapped[str] = mapped_column(String(10))
    contributions: Mapped[dict[str, float]] = mapped_column(JSONB)
