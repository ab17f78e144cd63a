"""Every computed figure of one annual report, in one object the renderers read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from reporting.domain.computations import (
    AccidentCounts,
    BudgetLine,
    MaterialElementBreakdown,
    YearFigures,
    YearIndicators,
    count_accidents,
    entered_year_figures,
    hours_worked,
    material_element_breakdown,
    prevention_budget,
    side_by_side,
    year_figures,
)
from reporting.domain.figures import DEFAULT_SETTINGS, RateSettings
from reporting.domain.report import ReportInput
from reporting.domain.vocabulary import ActionState, MeetingReason, StaffCategory


@dataclass(frozen=True)
class HeadcountTotals:
    """I.1.2.1 on 31 December: one row per category entered, then the establishment's totals."""

    by_category: tuple[tuple[StaffCategory, int, int, int, int], ...]
    men: int
    women: int
    total: int
    foreigners: int


@dataclass(frozen=True)
class ReportFigures:
    """What the report computes; inputs stay in ``ReportInput``, rounding in presentation."""

    year: int
    committees: int
    missions: int
    headcount: HeadcountTotals
    hours_worked: Fraction
    accidents: AccidentCounts
    years: tuple[YearIndicators, YearIndicators, YearIndicators]
    material_elements: MaterialElementBreakdown
    occupational_disease_cases: int
    service_disease_cases: int
    budget: tuple[BudgetLine, ...]
    extraordinary_meetings: tuple[tuple[MeetingReason, int], ...]
    actions_done: int
    actions_open: int

    @property
    def current(self) -> YearIndicators:
        """The report's own year (the last column of the three-year table)."""
        return self.years[-1]

    @property
    def extraordinary_meetings_total(self) -> int:
        """IV.4.2 number of extraordinary meetings, all reasons together."""
        return sum(count for _, count in self.extraordinary_meetings)


def headcount_totals(report: ReportInput) -> HeadcountTotals:
    """The headcount table: men, women, total, of which foreigners, per category and overall."""
    headcount = report.establishment.headcount
    return HeadcountTotals(
        by_category=tuple(
            (line.category, line.men, line.women, line.headcount, line.foreigners)
            for line in headcount.lines
        ),
        men=headcount.men,
        women=headcount.women,
        total=headcount.headcount,
        foreigners=headcount.foreigners,
    )


def compute_report(
    report: ReportInput,
    *,
    earlier_reports: Iterable[YearFigures] = (),
    settings: RateSettings = DEFAULT_SETTINGS,
) -> ReportFigures:
    """All the figures of ``report``.

    ``earlier_reports``: ``year_figures`` of the establishment's earlier reports, used for the
    previous years the report does not state itself.
    """
    indicators = report.indicators
    means = report.means_and_actions
    headcount = headcount_totals(report)
    meetings = [meeting.reason for meeting in means.committee.extraordinary_meetings]
    return ReportFigures(
        year=report.year,
        committees=len(report.establishment.committees),
        missions=sum(mission.count for mission in report.establishment.missions),
        headcount=headcount,
        hours_worked=hours_worked(indicators.hours_worked),
        accidents=count_accidents(
            indicators.accidents,
            incapacities_from_earlier_accidents=indicators.incapacities_from_earlier_accidents,
        ),
        years=side_by_side(
            current=year_figures(report),
            entered=[entered_year_figures(prior) for prior in indicators.previous_years],
            earlier_reports=earlier_reports,
            settings=settings,
        ),
        material_elements=material_element_breakdown(
            indicators.accidents, headcount=headcount.total
        ),
        occupational_disease_cases=sum(line.cases for line in indicators.occupational_diseases),
        service_disease_cases=sum(line.cases for line in indicators.service_diseases),
        budget=prevention_budget(means.administration.spending),
        extraordinary_meetings=tuple((reason, meetings.count(reason)) for reason in MeetingReason),
        actions_done=sum(1 for action in means.actions if action.state is ActionState.DONE),
        actions_open=sum(1 for action in means.actions if action.state is ActionState.OPEN),
    )
