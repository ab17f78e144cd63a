"""Turn the open DUERP's rows into a :class:`DuerpSnapshot`: what the writers see, and what a
publication freezes. Pénibilité exposures are evaluated here against the C2P thresholds in
force in the year assessed, read from the thesaurus's dated thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.companies.models import Company
from assessment.domain.penibilite import (
    C2P_FACTORS,
    FACTOR_CODES,
    DatedValue,
    annex,
    is_above_threshold,
    threshold_for_year,
)
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
from assessment.duerp import repository
from assessment.duerp.models import Action, Duerp, PenibiliteExposure, Risk, WorkUnit
from cosar_common.thesaurus_client import ThesaurusClient, decimal_or_none
from cosar_common.vocabulary import C2P_THRESHOLDS, FACTORS, NAF


@dataclass(frozen=True)
class Threshold:
    value: Decimal | None
    unit: str | None


async def threshold_in_year(client: ThesaurusClient, code: str, year: int) -> Threshold:
    """The C2P threshold line ``code`` over ``year``, prorated when the law changed mid-year."""
    values: dict[tuple[Decimal, date | None, date | None], DatedValue] = {}
    unit = None
    for day in (date(year, 1, 1), date(year, 12, 31)):
        concept = await client.lookup(C2P_THRESHOLDS, code, on=day)
        if concept is None:
            continue
        unit = unit or concept.value("duree_unite")
        for prop in concept.properties.get("duree_valeur", []):
            value = decimal_or_none(prop.value)
            if value is not None:
                key = (value, prop.valid_from, prop.valid_to)
                values[key] = DatedValue(value, prop.valid_from, prop.valid_to)
    return Threshold(threshold_for_year(list(values.values()), year), unit)


async def factor_labels(client: ThesaurusClient) -> dict[str, str]:
    labels = {}
    for code in FACTOR_CODES:
        concept = await client.lookup(FACTORS, code)
        labels[code] = concept.display if concept else code
    return labels


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


async def _exposure(
    row: PenibiliteExposure, client: ThesaurusClient, year: int
) -> PenibiliteExposureSnapshot:
    threshold = Threshold(None, None)
    if row.threshold_code:
        threshold = await threshold_in_year(client, row.threshold_code, year)
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


async def work_unit_snapshots(
    session: AsyncSession, duerp: Duerp, client: ThesaurusClient, year: int, method_key: str
) -> list[WorkUnitSnapshot]:
    units: Sequence[WorkUnit] = await repository.work_units(session, duerp.id)
    ids = [u.id for u in units]
    risks = await repository.risks(session, ids) if ids else []
    exposures = await repository.exposures(session, ids) if ids else []
    out = []
    for unit in units:
        out.append(
            WorkUnitSnapshot(
                id=unit.id,
                kind=WorkUnitKind(unit.kind),
                name=unit.name,
                description=unit.description,
                headcount=unit.headcount,
                jobs=[CodedValue.model_validate(j) for j in unit.jobs],
                risks=[_risk(r, method_key) for r in risks if r.work_unit_id == unit.id],
                penibilite=[
                    await _exposure(e, client, year) for e in exposures if e.work_unit_id == unit.id
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


async def penibilite_annex(
    client: ThesaurusClient, units: Sequence[WorkUnitSnapshot], headcount: int
) -> list[PenibiliteAnnexLine]:
    labels = await factor_labels(client)
    factors = [
        (CodedValue(system=FACTORS, code=code, display=labels[code]), code in C2P_FACTORS)
        for code in FACTOR_CODES
    ]
    return annex(units, factors, headcount)


async def build_snapshot(
    session: AsyncSession,
    *,
    company: Company,
    duerp: Duerp,
    method: RatingMethod,
    client: ThesaurusClient,
    year: int,
    number: int,
    published_at: datetime,
    published_by: str,
    previous_hash: str | None,
) -> DuerpSnapshot:
    """The whole DUERP as one document (the rating method included)."""
    naf = await client.lookup(NAF, company.naf_code)
    units = await work_unit_snapshots(session, duerp, client, year, method.key)
    actions = [action_snapshot(a) for a in await repository.actions(session, duerp.id)]
    return DuerpSnapshot(
        tenant_id=company.tenant_id,
        company=company_snapshot(company, naf.display if naf else company.naf_code),
        number=number,
        published_at=published_at,
        published_by=published_by,
        assessed_year=year,
        method=method.snapshot(),
        work_units=units,
        actions=actions,
        penibilite_annex=await penibilite_annex(client, units, company.headcount),
        previous_hash=previous_hash,
    )
