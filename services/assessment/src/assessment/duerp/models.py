"""The open (working) DUERP of a company: work units, risk lines, pénibilité, action plan.

Every row is tenant-owned (RLS by tenant) and carries its company (RLS by company for employer
and CSE tokens). The DUERP row holds the optimistic lock: every change bumps ``lock_version``
under ``If-Match``, so of two concurrent writers the second gets 409 and nothing is lost.
Rows are archived, never deleted: published versions keep what they froze anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base, IdMixin, TenantMixin, TimestampMixin


class Duerp(IdMixin, TenantMixin, Base):
    __tablename__ = "duerp"
    __table_args__ = (UniqueConstraint("company_id"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by: Mapped[str | None] = mapped_column(String(200))


class WorkUnit(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "work_unit"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    duerp_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("duerp.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    headcount: Mapped[int] = mapped_column(Integer)
    # [{system, code, display}] of PCS-ESE professions, labels as validated when stored.
    jobs: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Risk(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "risk"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    work_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_unit.id"), index=True)
    hazard_system: Mapped[str] = mapped_column(String(100))
    hazard_code: Mapped[str] = mapped_column(String(40))
    hazard_display: Mapped[str] = mapped_column(String(500))
    hazard_family: Mapped[str | None] = mapped_column(String(40))
    situations: Mapped[str] = mapped_column(Text, default="")
    damages: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    exposed_headcount: Mapped[int | None] = mapped_column(Integer)
    # The rating, as computed by the method in force when it was made (inputs kept).
    rating_inputs: Mapped[dict[str, int]] = mapped_column(JSONB)
    control_level: Mapped[str | None] = mapped_column(String(40))
    method_key: Mapped[str] = mapped_column(String(60))
    raw_score: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    residual_score: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    raw_priority: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(20))
    deadline_months: Mapped[int | None] = mapped_column(Integer)
    needs_rerating: Mapped[bool] = mapped_column(Boolean, default=False)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RiskRatingChange(TenantMixin, Base):
    """Rating history of a risk line: who, when, before, after (never changed)."""

    __tablename__ = "risk_rating_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    risk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk.id"), index=True)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text, default="")


class PenibiliteExposure(IdMixin, TenantMixin, Base):
    """A pénibilité factor assessed in a work unit (one row per factor and threshold line)."""

    __tablename__ = "penibilite_exposure"
    __table_args__ = (UniqueConstraint("work_unit_id", "factor_code", "threshold_code"),)

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"))
    work_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_unit.id"), index=True)
    factor_code: Mapped[str] = mapped_column(String(10))
    factor_display: Mapped[str] = mapped_column(String(300))
    threshold_code: Mapped[str] = mapped_column(String(20), default="")
    intensity: Mapped[str] = mapped_column(Text, default="")
    intensity_reached: Mapped[bool] = mapped_column(Boolean, default=False)
    yearly_duration: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    exposed_headcount: Mapped[int] = mapped_column(Integer, default=0)


class Action(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "action"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("company.id"), index=True)
    duerp_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("duerp.id"))
    risk_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("risk.id"))
    measure_kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    cost_eur: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    resources: Mapped[str] = mapped_column(Text, default="")
    result_indicator: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    done_on: Mapped[date | None] = mapped_column(Date)


@dataclass(frozen=True)
class DuerpRows:
    """The live rows of one open DUERP (archived ones left out), in the repository's order:
    what ``duerp.builder`` maps into a snapshot. ``actions`` are left empty when not loaded."""

    work_units: Sequence[WorkUnit]
    risks: Sequence[Risk]
    exposures: Sequence[PenibiliteExposure]
    actions: Sequence[Action] = ()
