"""The computed figures as the API shows them, and as the finalised report's event carries them.

Computations stay exact in the domain; here each figure is rounded once (``ROUNDING``) and
given both as a number (``value``, dot decimal, for programs) and as the French text the
report prints (``text``), with the reason when it is missing (``note``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel

from cosar_common.events.reporting import AccidentCounts, DiseaseCount, ReportFinalised
from cosar_common.vocabulary import size_band
from reporting.domain.figures import Computed, Figure
from reporting.domain.presentation import ROUNDING, Quantity, present, round_half_up
from reporting.domain.report import ReportInput
from reporting.domain.report_figures import ReportFigures


class FigureOut(BaseModel):
    value: Decimal | None
    text: str
    note: str | None = None


class YearColumn(BaseModel):
    year: int
    hours_worked: FigureOut
    headcount: int | None
    work_accidents_with_time_off: int | None
    days_lost: int | None
    permanent_incapacities: int | None
    fatal_work_accidents: int | None
    fatal_commute_accidents: int | None
    commute_accidents_with_time_off: int | None
    external_victims: int | None
    frequency_rate: FigureOut
    severity_rate: FigureOut
    frequency_index: FigureOut


class MaterialElementsOut(BaseModel):
    shown: bool
    reason: str | None
    counts: dict[str, int]
    not_specified: int


class FiguresView(BaseModel):
    year: int
    headcount_total: int
    years: list[YearColumn]
    accidents: dict[str, int]
    material_elements: MaterialElementsOut
    occupational_disease_cases: int
    service_disease_cases: int
    actions_done: int
    actions_open: int


def _figure(figure: Figure, quantity: Quantity) -> FigureOut:
    shown = present(figure, quantity)
    value = (
        round_half_up(figure.value, ROUNDING[quantity]) if isinstance(figure, Computed) else None
    )
    return FigureOut(value=value, text=shown.text, note=shown.note)


def _hours(hours: Fraction | None) -> FigureOut:
    if hours is None:
        return FigureOut(value=None, text="n.c.", note="Heures travaillées non renseignées.")
    return _figure(Computed(hours), Quantity.HOURS)


def figures_view(figures: ReportFigures) -> FiguresView:
    columns = []
    for column in figures.years:
        base = column.figures
        columns.append(
            YearColumn(
                year=column.year,
                hours_worked=_hours(base.hours_worked),
                headcount=base.headcount,
                work_accidents_with_time_off=base.work_accidents_with_time_off,
                days_lost=base.days_lost,
                permanent_incapacities=base.permanent_incapacities,
                fatal_work_accidents=base.fatal_work_accidents,
                fatal_commute_accidents=base.fatal_commute_accidents,
                commute_accidents_with_time_off=base.commute_accidents_with_time_off,
                external_victims=base.external_victims,
                frequency_rate=_figure(column.frequency_rate, Quantity.FREQUENCY_RATE),
                severity_rate=_figure(column.severity_rate, Quantity.SEVERITY_RATE),
                frequency_index=_figure(column.frequency_index, Quantity.FREQUENCY_INDEX),
            )
        )
    breakdown = figures.material_elements
    return FiguresView(
        year=figures.year,
        headcount_total=figures.headcount.total,
        years=columns,
        accidents={k: int(v) for k, v in vars(figures.accidents).items()},
        material_elements=MaterialElementsOut(
            shown=breakdown.shown,
            reason=breakdown.reason,
            counts={element.value: count for element, count in breakdown.counts},
            not_specified=breakdown.not_specified,
        ),
        occupational_disease_cases=figures.occupational_disease_cases,
        service_disease_cases=figures.service_disease_cases,
        actions_done=figures.actions_done,
        actions_open=figures.actions_open,
    )


def report_finalised(
    *,
    report: ReportInput,
    figures: ReportFigures,
    view: FiguresView,
    establishment: str,
    revision: int,
    naf_code: str,
) -> ReportFinalised:
    """The aggregates of a finalised report: sums and rates, no name, no person, no text."""
    accidents = figures.accidents
    current = view.years[-1]
    diseases: dict[tuple[str, str], int] = {}
    for line in report.indicators.occupational_diseases:
        if line.cases > 0:
            key = (line.regime.value, " ".join(line.table.split()))
            diseases[key] = diseases.get(key, 0) + line.cases
    return ReportFinalised(
        establishment=establishment,
        revision=revision,
        year=report.year,
        naf_code=naf_code,
        size_band=size_band(figures.headcount.total),
        headcount=figures.headcount.total,
        hours_worked=round_half_up(figures.hours_worked, 2),
        days_lost=accidents.days_lost,
        accidents=AccidentCounts(
            work_with_time_off=accidents.work_with_time_off,
            work_without_time_off=accidents.work_without_time_off,
            commute_with_time_off=accidents.commute_with_time_off,
            commute_without_time_off=accidents.commute_without_time_off,
            fatal_work=accidents.fatal_work,
            fatal_commute=accidents.fatal_commute,
            permanent_incapacity=accidents.permanent_incapacities,
            external_victims=accidents.external_victims,
        ),
        diseases=[
            DiseaseCount(regime=regime, table=table, count=count)
            for (regime, table), count in sorted(diseases.items())
        ],
        frequency_rate=current.frequency_rate.value,
        severity_rate=current.severity_rate.value,
        frequency_index=current.frequency_index.value,
    )
