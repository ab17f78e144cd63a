"""The fiche d'entreprise (R4624-46) as a published document, and its aggregates.

The SPSTI's own sheet on a member company: the risks and how many employees each exposure
concerns (from the company's DUERP and the SPSTI's visit), its observations and the
prevention actions it recommends (codes of the ``actions-prevention`` thesaurus).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from assessment.domain.snapshot import CodedValue, CompanySnapshot, Priority, WorkUnitSnapshot
from cosar_common.clock import date_of
from cosar_common.events.assessment import (
    ExposureAggregate,
    FichePublished,
    RecommendedActionAggregate,
)
from cosar_common.vocabulary import size_band

_RANK = {p: rank for rank, p in enumerate(Priority)}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FicheExposure(_Frozen):
    exposure: CodedValue
    exposed_headcount: int = Field(ge=0)
    priority: Priority | None = None
    source: str = Field(description="duerp | visite")


class RecommendedAction(_Frozen):
    action: CodedValue
    comment: str = ""


class FicheSnapshot(_Frozen):
    schema_version: int = 1
    tenant_id: str
    company: CompanySnapshot
    number: int = Field(ge=1)
    published_at: datetime
    published_by: str
    year: int
    exposures: list[FicheExposure]
    observations: str
    recommended_actions: list[RecommendedAction]
    previous_hash: str | None = None


def exposures_from_duerp(units: Sequence[WorkUnitSnapshot], headcount: int) -> list[FicheExposure]:
    """Per hazard code of the DUERP: exposed employees (capped at the headcount), top priority."""
    totals: dict[str, tuple[CodedValue, int, Priority]] = {}
    for unit in units:
        for risk in unit.risks:
            exposed = (
                risk.exposed_headcount if risk.exposed_headcount is not None else unit.headcount
            )
            hazard, count, priority = totals.get(risk.hazard.code, (risk.hazard, 0, Priority.LOW))
            if _RANK[risk.rating.priority] > _RANK[priority]:
                priority = risk.rating.priority
            totals[risk.hazard.code] = (hazard, count + exposed, priority)
    return [
        FicheExposure(
            exposure=hazard,
            exposed_headcount=min(count, headcount),
            priority=priority,
            source="duerp",
        )
        for _, (hazard, count, priority) in sorted(totals.items())
    ]


def fiche_published(fiche: FicheSnapshot, *, company_pseudonym: str) -> FichePublished:
    exposures: dict[str, int] = {}
    for line in fiche.exposures:
        exposures[line.exposure.code] = max(
            exposures.get(line.exposure.code, 0), line.exposed_headcount
        )
    actions: dict[str, int] = {}
    for recommended in fiche.recommended_actions:
        actions[recommended.action.code] = actions.get(recommended.action.code, 0) + 1
    return FichePublished(
        company=company_pseudonym,
        version=fiche.number,
        published_on=date_of(fiche.published_at),
        year=fiche.year,
        naf_code=fiche.company.naf.code,
        size_band=size_band(fiche.company.headcount),
        headcount=fiche.company.headcount,
        exposures=[
            ExposureAggregate(code=code, exposed_headcount=count)
            for code, count in sorted(exposures.items())
        ],
        recommended_actions=[
            RecommendedActionAggregate(code=code, count=count)
            for code, count in sorted(actions.items())
        ],
    )
