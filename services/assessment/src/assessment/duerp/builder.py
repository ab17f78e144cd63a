"""Turn the open DUERP's rows into a :class:`DuerpSnapshot`: what the writers see, and what a
publication freezes. A pure mapping, without I/O: the rows come from
``repository.load_rows``, the thesaurus's labels and C2P thresholds of the year assessed from
``duerp.reading``. Pénibilité exposures are judged here against those thresholds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from assessment.companies.models import Company
from assessment.domain.penibilite import C2P_FACTORS, FACTOR_CODES, annex, is_above_threshold
from assessment.domain.rating import RatingMethod
from assessment.domain.snapshot import (
    ActionSnapshot,
    ActionStatus,
    CodedValue,
    CompanySnapshot,
    DuerpSnapshot,
    MeasureKind,
    MeasureSnapshot,
    PenibiliteAnnexLine,
    PenibiliteExposureSnapshot,
    Priority,
    RatingSnapshot,
    RiskSnapshot,
    WorkUnitKind,
    WorkUnitSnapshot,
)
from assessment.duerp.models import Action, DuerpRows, PenibiliteExposure, Risk
from cosar_common.vocabulary import FACTORS, NAF


@dataclass(frozen=True)
class Threshold:
    """A C2P threshold line over the year assessed (prorated) and the unit of its duration."""

    value: Decimal | None
    unit: str | None


NO_THRESHOLD = Threshold(None, None)


@dataclass(frozen=True)
class ThesaurusFacts:
    """What the snapshot shows from the thesaurus: the company's NAF label, the factors'
    labels and, by threshold line code, the C2P thresholds of the year assessed."""

    naf_display: str
    factor_labels: Mapping[str, str]
    thresholds: Mapping[str, Threshold]


def _risk(row: Risk, method_key: str) -> RiskSnapshot:
    """A risk line; one rated with another method than the tenant's needs re-rating."""
    return RiskSnapshot(
        id=row.id,
        hazard=CodedValue(
            system=row.hazard_system, code=row.hazard_code, display=row.hazard_display
        ),
        situations=row.situations,
        damages=row.damages,
        measures=[MeasureSnapshot.model_validate(m) for m in row.measures],
        exposed_headcount=row.exposed_headcount,
        rating=RatingSnapshot(
            method=row.method_key,
            inputs=row.rating_inputs,
            control_level=row.control_level,
            raw_score=_score(row.raw_score),
            residual_score=_score(row.residual_score),
            raw_priority=Priority(row.raw_priority),
            priority=Priority(row.priority),
            deadline_months=row.deadline_months,
        ),
        needs_rerating=row.needs_rerating or row.method_key != method_key,
    )


def _score(value: Decimal) -> Decimal:
    """Scores as the method computed them (no trailing zeros from the NUMERIC column)."""
    normalised = value.normalize()
    return normalised.quantize(Decimal(1)) if normalised == normalised.to_integral() else normalised


def _exposure(
    row: PenibiliteExposure, thresholds: Mapping[str, Threshold]
) -> PenibiliteExposureSnapshot:
    threshold = thresholds[row.threshold_code] if row.threshold_code else NO_THRESHOLD
    return PenibiliteExposureSnapshot(
        factor=CodedValue(system=FACTORS, code=row.factor_code, display=row.factor_display),
        threshold_code=row.threshold_code or None,
        intensity=row.intensity,
        intensity_reached=row.intensity_reached,
        yearly_duration=row.yearly_duration,
        duration_unit=threshold.unit,
        threshold_value=threshold.value,
        estimated=row.estimated,
        exposed_headcount=row.exposed_headcount,
        above_threshold=is_above_threshold(
            intensity_reached=row.intensity_reached,
            yearly_duration=row.yearly_duration,
            threshold=threshold.value,
        ),
    )


def action_snapshot(row: Action) -> ActionSnapshot:
    return ActionSnapshot(
        id=row.id,
        risk_id=row.risk_id,
        measure_kind=MeasureKind(row.measure_kind),
        title=row.title,
        description=row.description,
        responsible=row.responsible,
        deadline=row.deadline,
        cost_eur=row.cost_eur,
        resources=row.resources,
        result_indicator=row.result_indicator,
        status=ActionStatus(row.status),
        status_reason=row.status_reason,
        done_on=row.done_on,
    )


def work_unit_snapshots(
    rows: DuerpRows, thresholds: Mapping[str, Threshold], method_key: str
) -> list[WorkUnitSnapshot]:
    """The work units with their risk lines and pénibilité exposures, in the rows' order."""
    out = []
    for unit in rows.work_units:
        out.append(
            WorkUnitSnapshot(
                id=unit.id,
                kind=WorkUnitKind(unit.kind),
                name=unit.name,
                description=unit.description,
                headcount=unit.headcount,
                jobs=[CodedValue.model_validate(j) for j in unit.jobs],
                risks=[_risk(r, method_key) for r in rows.risks if r.work_unit_id == unit.id],
                penibilite=[
                    _exposure(e, thresholds) for e in rows.exposures if e.work_unit_id == unit.id
                ],
            )
        )
    return out


def company_snapshot(company: Company, naf_display: str) -> CompanySnapshot:
    return CompanySnapshot(
        id=company.id,
        name=company.name,
        siret=company.siret,
        address=company.address,
        naf=CodedValue(system=NAF, code=company.naf_code, display=naf_display),
        headcount=company.headcount,
        has_cse=company.has_cse,
    )


def penibilite_annex(
    labels: Mapping[str, str], units: Sequence[WorkUnitSnapshot], headcount: int
) -> list[PenibiliteAnnexLine]:
    factors = [
        (CodedValue(system=FACTORS, code=code, display=labels[code]), code in C2P_FACTORS)
        for code in FACTOR_CODES
    ]
    return annex(units, factors, headcount)


def build_snapshot(
    rows: DuerpRows,
    facts: ThesaurusFacts,
    *,
    company: Company,
    method: RatingMethod,
    year: int,
    number: int,
    published_at: datetime,
    published_by: str,
    previous_hash: str | None,
) -> DuerpSnapshot:
    """The whole DUERP as one document (the rating method included)."""
    units = work_unit_snapshots(rows, facts.thresholds, method.key)
    return DuerpSnapshot(
        tenant_id=company.tenant_id,
        company=company_snapshot(company, facts.naf_display),
        number=number,
        published_at=published_at,
        published_by=published_by,
        assessed_year=year,
        method=method.snapshot(),
        work_units=units,
        actions=[action_snapshot(a) for a in rows.actions],
        penibilite_annex=penibilite_annex(facts.factor_labels, units, company.headcount),
        previous_hash=previous_hash,
    )
