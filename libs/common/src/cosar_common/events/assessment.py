"""Events of the assessment family (topic ``assessment.events``).

These payloads cross the tenant's privacy boundary (the indicators service reads them), so
they carry **aggregates only**: a pseudonymous company id (keyed hash with a per-tenant secret),
the sector, a size band, counts and codes of the regional thesaurus. No name, SIRET, address,
free text or person ever goes in; ``extra="forbid"`` keeps anything else out at the contract.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import Field

from cosar_common.events.aggregates import (
    CODE_PATTERN,
    PSEUDONYM_PATTERN,
    Aggregate,
    Pseudonym,
)
from cosar_common.events.envelope import EventPayload
from cosar_common.events.topics import ASSESSMENT_EVENTS
from cosar_common.vocabulary import SizeBand

PriorityLevel = Literal["low", "moderate", "important", "major"]
ActionState = Literal["planned", "in_progress", "done", "abandoned"]


class JobCount(Aggregate):
    """Employees of the work units where a PCS-ESE profession is present (an employee in
    units of several professions counts for each)."""

    pcs: str = Field(pattern=CODE_PATTERN)
    count: int = Field(ge=0)


class HazardAggregate(Aggregate):
    """One hazard (or exposure) code of a company's DUERP, over all its work units."""

    code: str = Field(pattern=CODE_PATTERN)
    family: str | None = Field(default=None, pattern=CODE_PATTERN)
    exposed_headcount: int = Field(ge=0)
    work_units: int = Field(ge=1, description="work units where the hazard is assessed")
    priority: PriorityLevel = Field(description="highest residual priority of its risk lines")
    pcs_codes: list[str] = Field(default_factory=list, description="PCS-ESE jobs exposed")
    exposed_by_pcs: list[JobCount] = Field(
        default_factory=list, description="exposed employees per PCS-ESE profession"
    )


class PenibiliteAggregate(Aggregate):
    factor: str = Field(pattern=CODE_PATTERN)
    above_threshold: int = Field(ge=0, description="employees exposed above the C2P threshold")


class ActionCounts(Aggregate):
    planned: int = Field(default=0, ge=0)
    in_progress: int = Field(default=0, ge=0)
    done: int = Field(default=0, ge=0)
    abandoned: int = Field(default=0, ge=0)
    due: int = Field(default=0, ge=0, description="actions whose deadline has passed")
    done_on_time: int = Field(default=0, ge=0, description="due actions done by their deadline")


class PublishedContribution(EventPayload):
    """The header of a company's published contribution (a DUERP or fiche version): whose it
    is (pseudonym), which version, when and for which year, and its denominators (sector,
    size band, headcount). Each event adds its own aggregates after these fields."""

    topic: ClassVar[str] = ASSESSMENT_EVENTS

    company: Pseudonym = Field(pattern=PSEUDONYM_PATTERN)
    version: int = Field(ge=1)
    published_on: dt.date
    year: int = Field(ge=2000, le=2200)
    naf_code: str = Field(pattern=CODE_PATTERN)
    size_band: SizeBand
    headcount: int = Field(ge=0, description="denominator of prevalences")


class DuerpPublished(PublishedContribution):
    """A company published a version of its DUERP: its anonymised aggregates."""

    event_type: ClassVar[str] = "assessment.duerp-published"
    schema_version: ClassVar[int] = 1

    work_units: int = Field(ge=0)
    work_units_major_or_important: int = Field(ge=0)
    jobs: list[JobCount] = Field(
        default_factory=list, description="employees per PCS-ESE profession (prevalence base)"
    )
    hazards: list[HazardAggregate] = Field(default_factory=list)
    penibilite: list[PenibiliteAggregate] = Field(default_factory=list)
    actions: ActionCounts = Field(default_factory=ActionCounts)


class ExposureAggregate(Aggregate):
    code: str = Field(pattern=CODE_PATTERN)
    exposed_headcount: int = Field(ge=0)


class RecommendedActionAggregate(Aggregate):
    code: str = Field(pattern=CODE_PATTERN)
    count: int = Field(ge=1)


class FichePublished(PublishedContribution):
    """An SPSTI published a version of a company's fiche d'entreprise: aggregates only."""

    event_type: ClassVar[str] = "assessment.fiche-published"
    schema_version: ClassVar[int] = 1

    exposures: list[ExposureAggregate] = Field(default_factory=list)
    recommended_actions: list[RecommendedActionAggregate] = Field(default_factory=list)


class ActionStatusChanged(EventPayload):
    """An action of a company's plan changed status (for the annual report's part IV 4.3)."""

    event_type: ClassVar[str] = "assessment.action-status-changed"
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str] = ASSESSMENT_EVENTS

    company: Pseudonym = Field(pattern=PSEUDONYM_PATTERN)
    action: Pseudonym = Field(pattern=PSEUDONYM_PATTERN)
    measure_kind: Literal["intrinsic", "collective", "individual", "instructions"]
    hazard_code: str | None = Field(default=None, pattern=CODE_PATTERN)
    priority: PriorityLevel | None = None
    previous_status: ActionState | None = None
    status: ActionState
    deadline: dt.date | None = None
    done_on: dt.date | None = None
    changed_on: dt.date


class CompanyRegistered(EventPayload):
    """A member company was registered (or its sector or size changed): the denominators of
    the coverage indicators. Pseudonym, sector and size band only."""

    event_type: ClassVar[str] = "assessment.company-registered"
    schema_version: ClassVar[int] = 1
    topic: ClassVar[str] = ASSESSMENT_EVENTS

    company: Pseudonym = Field(pattern=PSEUDONYM_PATTERN)
    naf_code: str = Field(pattern=CODE_PATTERN)
    size_band: SizeBand
    headcount: int = Field(ge=0)
    registered_on: dt.date
