"""From a report input to the figures of the report (seed 004, part II above all).

Which accidents count where (the seed's wording, II.2.1):

- TF, TG and IF count **work accidents with time off** of the establishment's own agents.
  Commute accidents are counted apart (« accidents de trajet ayant entraîné un arrêt »), and
  accidents of external companies' staff too (note 5): their hours are not in the hours worked.
- Days lost (TG) are those of these same accidents, as entered in the register.
- Permanent incapacities: own agents' accidents of the year (work or commute) with a rate
  above zero, plus those recognised in the year for accidents of earlier years.
- Fatal accidents: own agents, work and commute apart.
- Material elements (note 6): own agents' work accidents, with or without time off, shown
  only when the establishment has more than 300 agents on 31 December.
- The two previous years come from the figures entered in the report, or else from earlier
  reports of the establishment; a year found in neither is shown as not available.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from reporting.domain.figures import DEFAULT_SETTINGS, Figure, NotComputable, RateSettings
from reporting.domain.indicators import AccidentLine, HoursWorkedInput, PriorYearInput
from reporting.domain.means import PreventionSpending
from reporting.domain.rates import (
    frequency_index,
    frequency_rate,
    hours_from_days,
    percent_change,
    severity_rate,
)
from reporting.domain.report import ReportInput
from reporting.domain.vocabulary import (
    AccidentKind,
    HoursMethod,
    MaterialElement,
    SpendingKind,
)

#: Note 6: the breakdown by material element is given by establishments of *more than* 300.
MATERIAL_ELEMENTS_ABOVE = 300


@dataclass(frozen=True)
class AccidentCounts:
    """II.2.1 counts from the register (own agents unless the name says otherwise)."""

    work_with_time_off: int
    work_without_time_off: int
    days_lost: int
    commute_with_time_off: int
    commute_without_time_off: int
    commute_days_lost: int
    permanent_incapacities: int
    fatal_work: int
    fatal_commute: int
    external_victims: int


def count_accidents(
    accidents: Sequence[AccidentLine], *, incapacities_from_earlier_accidents: int = 0
) -> AccidentCounts:
    """The register's counts, by the rules of the module docstring."""
    own = [a for a in accidents if not a.external_company_victim]
    work = [a for a in own if a.kind is AccidentKind.WORK]
    commute = [a for a in own if a.kind is AccidentKind.COMMUTE]
    return AccidentCounts(
        work_with_time_off=sum(1 for a in work if a.with_time_off),
        work_without_time_off=sum(1 for a in work if not a.with_time_off),
        days_lost=sum(a.days_lost for a in work),
        commute_with_time_off=sum(1 for a in commute if a.with_time_off),
        commute_without_time_off=sum(1 for a in commute if not a.with_time_off),
        commute_days_lost=sum(a.days_lost for a in commute),
        permanent_incapacities=sum(1 for a in own if a.has_permanent_incapacity)
        + incapacities_from_earlier_accidents,
        fatal_work=sum(1 for a in work if a.fatal),
        fatal_commute=sum(1 for a in commute if a.fatal),
        external_victims=len(accidents) - len(own),
    )


@dataclass(frozen=True)
class MaterialElementBreakdown:
    """Note 6: work accidents by material element, all eleven in the seed's order, or why not."""

    shown: bool
    reason: str | None
    counts: tuple[tuple[MaterialElement, int], ...]
    not_specified: int


def material_element_breakdown(
    accidents: Sequence[AccidentLine], *, headcount: int
) -> MaterialElementBreakdown:
    """Own agents' work accidents by element when the headcount is above 300, else the reason."""
    if headcount <= MATERIAL_ELEMENTS_ABOVE:
        reason = (
            "Répartition par éléments matériels à ne fournir que dans les établissements de plus "
            f"de {MATERIAL_ELEMENTS_ABOVE} agents (effectif au 31 décembre : {headcount})."
        )
        return MaterialElementBreakdown(shown=False, reason=reason, counts=(), not_specified=0)
    work = [a for a in accidents if a.kind is AccidentKind.WORK and not a.external_company_victim]
    found = Counter(a.material_element for a in work)
    return MaterialElementBreakdown(
        shown=True,
        reason=None,
        counts=tuple((element, found[element]) for element in MaterialElement),
        not_specified=found[None],
    )


@dataclass(frozen=True)
class YearFigures:
    """The base figures of one year; every II.2.1 indicator derives from them (None: unknown)."""

    year: int
    hours_worked: Fraction | None = None
    headcount: int | None = None
    work_accidents_with_time_off: int | None = None
    days_lost: int | None = None
    permanent_incapacities: int | None = None
    fatal_work_accidents: int | None = None
    fatal_commute_accidents: int | None = None
    commute_accidents_with_time_off: int | None = None
    external_victims: int | None = None

    @property
    def available(self) -> bool:
        """Whether anything at all is known of the year."""
        return any(value is not None for name, value in vars(self).items() if name != "year")


@dataclass(frozen=True)
class YearIndicators:
    """One column of the three-year table: base figures and the rates computed from them."""

    figures: YearFigures
    frequency_rate: Figure
    severity_rate: Figure
    frequency_index: Figure

    @property
    def year(self) -> int:
        """The year of the column."""
        return self.figures.year


def hours_worked(entry: HoursWorkedInput) -> Fraction:
    """Note 4 hours from days present, or the hours the establishment declared, exactly."""
    if entry.method is HoursMethod.DECLARED:
        return Fraction(entry.declared_hours or 0)
    return hours_from_days(
        practitioner_days=entry.practitioner_days or 0,
        other_staff_days=entry.other_staff_days or 0,
    )


def year_figures(report: ReportInput) -> YearFigures:
    """The base figures of the report's own year (also what a later report reuses)."""
    indicators = report.indicators
    counts = count_accidents(
        indicators.accidents,
        incapacities_from_earlier_accidents=indicators.incapacities_from_earlier_accidents,
    )
    return YearFigures(
        year=report.year,
        hours_worked=hours_worked(indicators.hours_worked),
        headcount=report.establishment.headcount.headcount,
        work_accidents_with_time_off=counts.work_with_time_off,
        days_lost=counts.days_lost,
        permanent_incapacities=counts.permanent_incapacities,
        fatal_work_accidents=counts.fatal_work,
        fatal_commute_accidents=counts.fatal_commute,
        commute_accidents_with_time_off=counts.commute_with_time_off,
        external_victims=counts.external_victims,
    )


def entered_year_figures(prior: PriorYearInput) -> YearFigures:
    """A previous year's figures as entered in the report."""
    return YearFigures(
        year=prior.year,
        hours_worked=None if prior.hours_worked is None else Fraction(prior.hours_worked),
        headcount=prior.headcount,
        work_accidents_with_time_off=prior.work_accidents_with_time_off,
        days_lost=prior.days_lost,
        permanent_incapacities=prior.permanent_incapacities,
        fatal_work_accidents=prior.fatal_work_accidents,
        fatal_commute_accidents=prior.fatal_commute_accidents,
        commute_accidents_with_time_off=prior.commute_accidents_with_time_off,
        external_victims=prior.external_victims,
    )


def year_indicators(
    figures: YearFigures, settings: RateSettings = DEFAULT_SETTINGS
) -> YearIndicators:
    """TF, TG and IF of one year, or why each is missing."""
    if not figures.available:
        missing = NotComputable(
            "year_not_available", f"Données de l'année {figures.year} non disponibles."
        )
        return YearIndicators(figures, missing, missing, missing)
    accidents = figures.work_accidents_with_time_off
    return YearIndicators(
        figures=figures,
        frequency_rate=frequency_rate(
            accidents_with_time_off=accidents, hours=figures.hours_worked, settings=settings
        ),
        severity_rate=severity_rate(
            days_lost=figures.days_lost, hours=figures.hours_worked, settings=settings
        ),
        frequency_index=frequency_index(
            accidents_with_time_off=accidents, headcount=figures.headcount, settings=settings
        ),
    )


def side_by_side(
    *,
    current: YearFigures,
    entered: Iterable[YearFigures] = (),
    earlier_reports: Iterable[YearFigures] = (),
    settings: RateSettings = DEFAULT_SETTINGS,
) -> tuple[YearIndicators, YearIndicators, YearIndicators]:
    """The year and the two previous ones, oldest first (II: « et pour chacune des deux années
    précédentes »). Entered figures win over earlier reports; other years are ignored."""
    wanted = (current.year - 2, current.year - 1)
    known: dict[int, YearFigures] = {}
    for figures in [*earlier_reports, *entered]:  # entered last: they win
        if figures.year in wanted:
            known[figures.year] = figures
    oldest, previous = (known.get(year, YearFigures(year=year)) for year in wanted)
    return (
        year_indicators(oldest, settings),
        year_indicators(previous, settings),
        year_indicators(current, settings),
    )


@dataclass(frozen=True)
class BudgetLine:
    """IV.4.1 note 10: a sum of the year, the previous year's, and the % change (kind None:
    the total of the sums entered)."""

    kind: SpendingKind | None
    amount: Decimal
    previous_amount: Decimal | None
    change: Figure


def prevention_budget(spending: Sequence[PreventionSpending]) -> tuple[BudgetLine, ...]:
    """One line per kind entered, in the seed's order, then the total.

    The total's previous amount is known only if every line has one; otherwise its change is
    not computable (a partial sum would make a false % change).
    """
    by_kind = {line.kind: line for line in spending}
    lines = [
        BudgetLine(
            kind=kind,
            amount=by_kind[kind].amount,
            previous_amount=by_kind[kind].previous_year_amount,
            change=percent_change(
                current=by_kind[kind].amount, previous=by_kind[kind].previous_year_amount
            ),
        )
        for kind in SpendingKind
        if kind in by_kind
    ]
    if not lines:
        return ()
    total = sum((line.amount for line in lines), Decimal(0))
    previous_amounts = [line.previous_amount for line in lines]
    previous_total = (
        None
        if any(amount is None for amount in previous_amounts)
        else sum((amount for amount in previous_amounts if amount is not None), Decimal(0))
    )
    total_line = BudgetLine(
        kind=None,
        amount=total,
        previous_amount=previous_total,
        change=percent_change(current=total, previous=previous_total),
    )
    return (*lines, total_line)
