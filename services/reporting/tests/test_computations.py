from decimal import Decimal
from fractions import Fraction

import pytest

from reporting.domain.computations import (
    MATERIAL_ELEMENTS_ABOVE,
    YearFigures,
    count_accidents,
    hours_worked,
    material_element_breakdown,
    prevention_budget,
    side_by_side,
    year_figures,
)
from reporting.domain.figures import Computed, NotComputable
from reporting.domain.report_figures import compute_report
from reporting.domain.vocabulary import MaterialElement, MeetingReason, SpendingKind

from .sample_report import (
    DAYS_LOST,
    HOURS_WORKED,
    WORK_ACCIDENTS_WITH_TIME_OFF,
    accident,
    sample_report,
)

pytestmark = pytest.mark.unit


def test_sample_register_counts():
    report = sample_report()

    counts = count_accidents(report.indicators.accidents)

    assert counts.work_with_time_off == WORK_ACCIDENTS_WITH_TIME_OFF == 12
    assert counts.work_without_time_off == 3
    assert counts.days_lost == DAYS_LOST == 360
    assert (counts.commute_with_time_off, counts.commute_without_time_off) == (2, 1)
    assert counts.commute_days_lost == 20
    assert counts.permanent_incapacities == 1
    assert (counts.fatal_work, counts.fatal_commute) == (0, 0)
    assert counts.external_victims == 1


def test_commute_and_external_accidents_stay_out_of_the_rates():
    report = sample_report(
        accidents=[
            accident(days_lost=10),
            accident(kind="commute", days_lost=30),
            accident(days_lost=50, external_company_victim=True),
        ]
    )

    figures = year_figures(report)

    assert figures.work_accidents_with_time_off == 1
    assert figures.days_lost == 10
    assert figures.commute_accidents_with_time_off == 1
    assert figures.external_victims == 1


def test_fatal_and_permanent_incapacities_including_earlier_accidents():
    accidents = [
        accident(fatal=True),
        accident(kind="commute", fatal=True),
        accident(kind="commute", fatal=True, permanent_incapacity_rate=100),
        accident(permanent_incapacity_rate=0),
        accident(permanent_incapacity_rate=8, external_company_victim=True),
    ]
    report = sample_report(accidents=accidents)

    counts = count_accidents(report.indicators.accidents, incapacities_from_earlier_accidents=2)

    assert (counts.fatal_work, counts.fatal_commute) == (1, 2)
    # one own rate above zero this year + two recognised for earlier accidents
    assert counts.permanent_incapacities == 3


def test_hours_worked_from_days_or_declared():
    report = sample_report()
    declared = sample_report(hours_worked={"method": "declared", "declared_hours": "1234,5"})

    assert hours_worked(report.indicators.hours_worked) == HOURS_WORKED
    assert hours_worked(declared.indicators.hours_worked) == Fraction(2469, 2)


def test_material_elements_shown_above_300_agents():
    report = sample_report()

    breakdown = material_element_breakdown(report.indicators.accidents, headcount=400)

    assert breakdown.shown
    counts = dict(breakdown.counts)
    assert list(counts) == list(MaterialElement)  # all eleven, in the seed's order
    assert counts[MaterialElement.LIFTING] == 5
    assert counts[MaterialElement.AGITATED_PATIENTS] == 3
    assert counts[MaterialElement.MACHINES] == 0  # the external victim's accident is not ours
    assert sum(counts.values()) == 15  # own work accidents, with or without time off
    assert breakdown.not_specified == 0


@pytest.mark.parametrize(("headcount", "shown"), [(300, False), (301, True)])
def test_material_elements_threshold_is_more_than_300(headcount, shown):
    accidents = sample_report(accidents=[accident()]).indicators.accidents

    breakdown = material_element_breakdown(accidents, headcount=headcount)

    assert MATERIAL_ELEMENTS_ABOVE == 300
    assert breakdown.shown is shown
    if shown:
        assert breakdown.not_specified == 1
    else:
        assert breakdown.counts == ()
        assert breakdown.reason is not None
        assert "plus de 300 agents (effectif au 31 décembre : 300)" in breakdown.reason


def test_three_years_side_by_side_oldest_first():
    years = compute_report(sample_report()).years

    assert [column.year for column in years] == [2022, 2023, 2024]
    # 2022: 16 × 10^6 / 580,000 = 27.586…; 2023: 14 × 10^6 / 590,000; 2024: 20
    assert years[0].frequency_rate == Computed(Fraction(16_000_000, 580_000))
    assert years[1].frequency_rate == Computed(Fraction(14_000_000, 590_000))
    assert years[2].frequency_rate == Computed(Fraction(20))
    assert years[1].frequency_index == Computed(Fraction(14_000, 395))


def test_entered_previous_years_win_over_earlier_reports():
    earlier = [
        YearFigures(year=2023, hours_worked=Fraction(100_000), work_accidents_with_time_off=1),
        YearFigures(year=2022, hours_worked=Fraction(200_000), work_accidents_with_time_off=4),
        YearFigures(year=2019, hours_worked=Fraction(1), work_accidents_with_time_off=1),
    ]
    report = sample_report(previous_years=[{"year": 2023, "hours_worked": 50_000}])

    years = compute_report(report, earlier_reports=earlier).years

    assert years[0].frequency_rate == Computed(Fraction(20))  # 4 × 10^6 / 200,000, from 2022
    assert years[1].figures.hours_worked == 50_000  # entered
    assert years[1].frequency_rate == NotComputable(
        "missing_input",
        "Nombre d'accidents de travail avec arrêt non renseigné : taux de fréquence non calculé.",
    )


def test_a_year_found_nowhere_is_not_available():
    current = year_figures(sample_report(previous_years=[]))

    oldest, previous, _ = side_by_side(current=current)

    assert oldest.frequency_rate == NotComputable(
        "year_not_available", "Données de l'année 2022 non disponibles."
    )
    assert isinstance(previous.severity_rate, NotComputable)


def test_prevention_budget_with_percent_change():
    report = sample_report()

    lines = prevention_budget(report.means_and_actions.administration.spending)

    kinds = [line.kind for line in lines]
    assert kinds == [*SpendingKind, None]
    assert lines[0].change == Computed(Fraction(25, 4))  # 85,000 on 80,000: +6.25 %
    assert lines[1].change == Computed(Fraction(-30))  # 42,000 on 60,000
    total = lines[-1]
    assert (total.amount, total.previous_amount) == (Decimal(140_000), Decimal(150_000))
    assert total.change == Computed(Fraction(-20, 3))


def test_total_change_needs_every_previous_amount():
    report = sample_report(
        spending=[
            {"kind": "equipment", "amount": 100, "previous_year_amount": 50},
            {"kind": "specialised_staff", "amount": 100},
        ]
    )

    lines = prevention_budget(report.means_and_actions.administration.spending)

    assert [line.kind for line in lines] == [
        SpendingKind.SPECIALISED_STAFF,
        SpendingKind.EQUIPMENT,
        None,
    ]
    assert isinstance(lines[0].change, NotComputable)
    assert lines[1].change == Computed(Fraction(100))
    assert lines[2].previous_amount is None
    assert isinstance(lines[2].change, NotComputable)


def test_compute_report_gathers_parts_one_and_four():
    figures = compute_report(sample_report())

    assert (figures.committees, figures.missions) == (1, 4)
    assert (figures.headcount.men, figures.headcount.women) == (114, 286)
    assert (figures.headcount.total, figures.headcount.foreigners) == (400, 12)
    assert (figures.occupational_disease_cases, figures.service_disease_cases) == (4, 2)
    assert dict(figures.extraordinary_meetings) == {
        MeetingReason.STAFF_REQUEST: 1,
        MeetingReason.AFTER_ACCIDENT: 1,
        MeetingReason.OTHER: 0,
    }
    assert figures.extraordinary_meetings_total == 2
    assert (figures.actions_done, figures.actions_open) == (3, 1)
    assert figures.current.year == 2024
