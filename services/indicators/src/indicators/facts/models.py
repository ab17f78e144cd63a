"""The regional star schema: aggregate contributions of companies and establishments.

Facts are keyed by tenant, pseudonymous company (or establishment) and year; a newer version
of the same company and year replaces its contribution (never adds to it). Nothing here names
a company or a person: the rows are the events' aggregates, and every figure that leaves a
tenant's own scope goes through statistical secrecy first. The tenant a row belongs to is a
column; the application scopes SPSTI staff to their tenant and regional readers to secret-
protected figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ARRAY, Date, Integer, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cosar_common.db.base import Base


class MemberCompany(Base):
    """A member company known to a tenant (denominator of DUERP coverage)."""

    __tablename__ = "member_company"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    company: Mapped[str] = mapped_column(String(64), primary_key=True)
    naf_code: Mapped[str] = mapped_column(String(10))
    size_band: Mapped[str] = mapped_column(String(10))
    headcount: Mapped[int] = mapped_column(Integer)
    registered_on: Mapped[date] = mapped_column(Date)


class DuerpContribution(Base):
    __tablename__ = "duerp_contribution"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    company: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    published_on: Mapped[date] = mapped_column(Date)
    naf_code: Mapped[str] = mapped_column(String(10), index=True)
    size_band: Mapped[str] = mapped_column(String(10))
    headcount: Mapped[int] = mapped_column(Integer)
    work_units: Mapped[int] = mapped_column(Integer)
    work_units_serious: Mapped[int] = mapped_column(Integer)
    actions_due: Mapped[int] = mapped_column(Integer)
    actions_done_on_time: Mapped[int] = mapped_column(Integer)
    # PCS-ESE profession → employees of the work units where it is present.
    jobs: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict, server_default="{}")


class HazardFact(Base):
    __tablename__ = "hazard_fact"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    company: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(10), primary_key=True)  # duerp | fiche
    version: Mapped[int] = mapped_column(Integer)  # of the DUERP or fiche the row comes from
    family: Mapped[str | None] = mapped_column(String(40))
    exposed_headcount: Mapped[int] = mapped_column(Integer)
    priority: Mapped[str | None] = mapped_column(String(20))
    pcs_codes: Mapped[list[str]] = mapped_column(ARRAY(String(10)), default=list)
    exposed_by_pcs: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict, server_default="{}")


class PenibiliteFact(Base):
    __tablename__ = "penibilite_fact"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    company: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    factor: Mapped[str] = mapped_column(String(10), primary_key=True)
    above_threshold: Mapped[int] = mapped_column(Integer)


class AccidentFact(Base):
    """A finalised annual report's sums (the latest revision replaces the earlier ones)."""

    __tablename__ = "accident_fact"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    establishment: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    naf_code: Mapped[str] = mapped_column(String(10), index=True)
    size_band: Mapped[str] = mapped_column(String(10))
    headcount: Mapped[int] = mapped_column(Integer)
    hours_worked: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    accidents_with_time_off: Mapped[int] = mapped_column(Integer)
    days_lost: Mapped[int] = mapped_column(Integer)


class NafLevels(Base):
    """Where a NAF sub-class sits in the hierarchy (read once from the thesaurus)."""

    __tablename__ = "naf_levels"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    section: Mapped[str] = mapped_column(String(2))
    division: Mapped[str] = mapped_column(String(2))
    group_code: Mapped[str] = mapped_column(String(5))
    class_code: Mapped[str] = mapped_column(String(6))
