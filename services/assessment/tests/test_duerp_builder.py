"""The DUERP builder is a pure mapping: the sample DUERP, stored as rows, maps back onto itself."""

import inspect
from decimal import Decimal

import pytest

from assessment.companies.models import Company
from assessment.domain.rating import DEFAULT_METHOD, get_method
from assessment.domain.snapshot import ActionSnapshot, DuerpSnapshot, RiskSnapshot, WorkUnitSnapshot
from assessment.duerp import builder
from assessment.duerp.builder import ThesaurusFacts, Threshold, build_snapshot
from assessment.duerp.models import Action, DuerpRows, PenibiliteExposure, Risk, WorkUnit

from .sample_snapshot import (
    _FACTORS,
    PREVIOUS_HASH,
    PUBLISHED_AT,
    TENANT_ID,
    sample_actions,
    sample_company,
    sample_penibilite_annex,
    sample_work_units,
)

pytestmark = pytest.mark.unit

METHOD = get_method(DEFAULT_METHOD)
FACTS = ThesaurusFacts(
    naf_display="Boulangerie et boulangerie-pâtisserie",
    factor_labels={code: label for code, label, _ in _FACTORS},
    thresholds={
        "3a": Threshold(Decimal(100), "nuits par an"),
        "2d.1": Threshold(Decimal(600), "heures par an"),
    },
)


def _company() -> Company:
    company = sample_company()
    return Company(
        id=company.id,
        tenant_id=TENANT_ID,
        name=company.name,
        siret=company.siret,
        siren=company.siret[:9],
        address=company.address,
        naf_code=company.naf.code,
        headcount=company.headcount,
        has_cse=company.has_cse,
    )


def _risk_row(unit: WorkUnitSnapshot, risk: RiskSnapshot, method_key: str) -> Risk:
    rating = risk.rating
    return Risk(
        id=risk.id,
        tenant_id=TENANT_ID,
        work_unit_id=unit.id,
        hazard_system=risk.hazard.system,
        hazard_code=risk.hazard.code,
        hazard_display=risk.hazard.display,
        situations=risk.situations,
        damages=risk.damages,
        measures=[m.model_dump(mode="json") for m in risk.measures],
        exposed_headcount=risk.exposed_headcount,
        rating_inputs=dict(rating.inputs),
        control_level=rating.control_level,
        method_key=method_key,
        # As the NUMERIC(10, 4) column gives them back.
        raw_score=rating.raw_score.quantize(Decimal("0.0001")),
        residual_score=rating.residual_score.quantize(Decimal("0.0001")),
        raw_priority=rating.raw_priority.value,
        priority=rating.priority.value,
        deadline_months=rating.deadline_months,
        needs_rerating=False,
    )


def _action_row(action: ActionSnapshot) -> Action:
    return Action(
        id=action.id,
        tenant_id=TENANT_ID,
        risk_id=action.risk_id,
        measure_kind=action.measure_kind.value,
        title=action.title,
        description=action.description,
        responsible=action.responsible,
        deadline=action.deadline,
        cost_eur=action.cost_eur,
        resources=action.resources,
        result_indicator=action.result_indicator,
        status=action.status.value,
        status_reason=action.status_reason,
        done_on=action.done_on,
    )


def _rows(method_key: str = METHOD.key) -> DuerpRows:
    """The sample DUERP as the repository loads it."""
    units = sample_work_units()
    return DuerpRows(
        work_units=[
            WorkUnit(
                id=u.id,
                tenant_id=TENANT_ID,
                kind=u.kind.value,
                name=u.name,
                description=u.description,
                headcount=u.headcount,
                jobs=[j.model_dump(mode="json") for j in u.jobs],
            )
            for u in units
        ],
        risks=[_risk_row(u, r, method_key) for u in units for r in u.risks],
        exposures=[
            PenibiliteExposure(
                tenant_id=TENANT_ID,
                work_unit_id=u.id,
                factor_code=e.factor.code,
                factor_display=e.factor.display,
                threshold_code=e.threshold_code or "",
                intensity=e.intensity,
                intensity_reached=e.intensity_reached,
                yearly_duration=e.yearly_duration,
                estimated=e.estimated,
                exposed_headcount=e.exposed_headcount,
            )
            for u in units
            for e in u.penibilite
        ],
        actions=[_action_row(a) for a in sample_actions()],
    )


def _rated_with(units: list[WorkUnitSnapshot], key: str) -> list[WorkUnitSnapshot]:
    """The sample's work units with their ratings made by method ``key``."""
    return [
        u.model_copy(
            update={
                "risks": [
                    r.model_copy(update={"rating": r.rating.model_copy(update={"method": key})})
                    for r in u.risks
                ]
            }
        )
        for u in units
    ]


def _build(rows: DuerpRows) -> DuerpSnapshot:
    return build_snapshot(
        rows,
        FACTS,
        company=_company(),
        method=METHOD,
        year=2026,
        number=3,
        published_at=PUBLISHED_AT,
        published_by="Claire Martin (IPRP)",
        previous_hash=PREVIOUS_HASH,
    )


def test_the_builder_does_no_io():
    for name in ("build_snapshot", "work_unit_snapshots", "penibilite_annex", "action_snapshot"):
        assert not inspect.iscoroutinefunction(getattr(builder, name)), name


def test_rows_and_thesaurus_facts_map_onto_the_sample_duerp():
    snapshot = _build(_rows())

    assert snapshot.tenant_id == TENANT_ID
    assert snapshot.company == sample_company()
    assert (snapshot.number, snapshot.assessed_year) == (3, 2026)
    assert snapshot.previous_hash == PREVIOUS_HASH
    assert snapshot.method == METHOD.snapshot()
    assert snapshot.work_units == _rated_with(sample_work_units(), METHOD.key)
    assert snapshot.actions == sample_actions()
    assert snapshot.penibilite_annex == sample_penibilite_annex()


def test_scores_lose_the_trailing_zeros_of_the_numeric_column():
    snapshot = _build(_rows())
    fire = snapshot.work_units[0].risks[0].rating
    assert str(fire.raw_score) == "8"
    assert str(fire.residual_score) == "2.8"


def test_a_risk_rated_with_another_method_needs_rerating():
    snapshot = _build(_rows(method_key="an-older-method"))
    risks = [r for u in snapshot.work_units for r in u.risks]
    assert len(risks) == 7
    assert all(r.needs_rerating for r in risks)
    assert {r.rating.method for r in risks} == {"an-older-method"}


def test_exposures_are_judged_against_the_thresholds_given():
    lower = ThesaurusFacts(
        naf_display=FACTS.naf_display,
        factor_labels=FACTS.factor_labels,
        thresholds={**FACTS.thresholds, "3a": Threshold(Decimal(120), "nuits par an")},
    )
    snapshot = build_snapshot(
        _rows(),
        lower,
        company=_company(),
        method=METHOD,
        year=2026,
        number=1,
        published_at=PUBLISHED_AT,
        published_by="",
        previous_hash=None,
    )
    night = snapshot.work_units[1].penibilite[0]
    assert (night.threshold_value, night.above_threshold) == (Decimal(120), False)
    assert all(line.exposed_above_threshold == 0 for line in snapshot.penibilite_annex)
