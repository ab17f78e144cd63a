"""Events of the reporting family (topic ``reporting.events``).

A finalised annual report leaves the tenant as aggregates only: a pseudonymous establishment,
its sector and size band, the year, the sums the regional rates are made of (hours worked,
accidents by kind, days lost) and the establishment's own rates for information. Regional
rates are ratios of these sums (docs/domain.md § Rates are ratios of sums), never means of the
rates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from cosar_common.events.aggregates import (
    CODE_PATTERN,
    PSEUDONYM_PATTERN,
    Aggregate,
    Pseudonym,
)
from cosar_common.events.envelope import EventPayload
from cosar_common.events.topics import REPORTING_EVENTS
from cosar_common.vocabulary import SizeBand


class AccidentCounts(Aggregate):
    work_with_time_off: int = Field(ge=0)
    work_without_time_off: int = Field(ge=0)
    commute_with_time_off: int = Field(ge=0)
    commute_without_time_off: int = Field(ge=0)
    fatal_work: int = Field(ge=0)
    fatal_commute: int = Field(ge=0)
    permanent_incapacity: int = Field(ge=0)
    external_victims: int = Field(ge=0)


class DiseaseCount(Aggregate):
    regime: Literal["general", "agricultural"]
    table: str = Field(
        pattern=r"^[0-9]{1,3}( (bis|ter|quater))?( [A-Z])?$",
        description="number of the occupational-disease table, e.g. 57 or 10 bis",
    )
    count: int = Field(ge=1)


class ReportFinalised(EventPayload):
    """An establishment finalised (a revision of) its annual health-and-safety report."""

    event_type: ClassVar[str] = "reporting.report-finalised"
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str] = REPORTING_EVENTS

    establishment: Pseudonym = Field(pattern=PSEUDONYM_PATTERN)
    revision: int = Field(ge=1)
    year: int = Field(ge=2000, le=2200)
    naf_code: str = Field(pattern=CODE_PATTERN)
    size_band: SizeBand
    headcount: int = Field(ge=0, description="agents at 31 December (denominator of IF)")
    hours_worked: Decimal = Field(ge=0)
    days_lost: int = Field(ge=0)
    accidents: AccidentCounts
    diseases: list[DiseaseCount] = Field(default_factory=list)
    frequency_rate: Decimal | None = Field(default=None, description="TF, per 10^6 hours")
    severity_rate: Decimal | None = Field(default=None, description="TG, per 10^3 hours")
    frequency_index: Decimal | None = Field(default=None, description="IF, per 10^3 agents")
