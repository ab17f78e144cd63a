from fractions import Fraction

import pytest

from reporting.domain.figures import Computed, NotComputable
from reporting.domain.presentation import NBSP, Quantity, format_quantity, present
from reporting.domain.report_figures import compute_report
from reporting.domain.vocabulary import MaterialElement

from .sample_report import accident, sample_report

pytestmark = pytest.mark.unit


def worked_example_report():
    register = [
        accident(month=1, days_lost=10, material_element="lifting"),
        accident(month=3, days_lost=20, material_element="lifting"),
        accident(month=5, days_lost=30, material_element="Accidents dus à des chutes ou glissades"),
        accident(month=7, days_lost=40, material_element="falls"),
        accident(month=9, days_lost=50, material_element="lifting"),
        accident(month=10, with_time_off=False, material_element="cutting_tools"),
        accident(month=11, kind="commute", days_lost=15),
        accident(month=12, days_lost=5, material_element="machines", external_company_victim=True),
    ]
    previous_years = [
        {
            "year": 2023,
            "hours_worked": 200_000,
            "headcount": 380,
            "work_accidents_with_time_off": 6,
            "days_lost": 100,
        },
        {"year": 2022, "hours_worked": 1_000, "headcount": 12, "work_accidents_with_time_off": 1},
    ]
    spending = [{"kind": "equipment", "amount": 33_000, "previous_year_amount": 30_000}]
    return sample_report(
        hours_worked={"practitioner_days": 3_000, "other_staff_days": 30_000},
        accidents=register,
        previous_years=previous_years,
        spending=spending,
    )


def test_seed_formulas_end_to_end():
    """The seed's II.2.1 formulas on figures computed by hand.

    Establishment: 400 agents on 31 December (the sample's headcount table).

    Hours worked (note 4):
        3,000 practitioners' days × 7 h              =  21,000 h
        30,000 other staff's days × 7 h 38 (229/30 h) = 229,000 h
                                                        250,000 h

    Register of 2024: 5 work accidents with time off (10 + 20 + 30 + 40 + 50 = 150 days lost),
    1 work accident without time off, 1 commute accident with time off (15 days, counted
    apart), 1 accident of an external company's agent (5 days, counted apart).

        TF = 5 × 1,000,000 / 250,000 = 20      → « 20,00 »
        TG = 150 × 1,000 / 250,000   = 0.6     → « 0,60 »
        IF = 5 × 1,000 / 400         = 12.5    → « 12,5 »

    2023 (entered): 200,000 h, 6 accidents, 100 days lost, 380 agents.
        TF = 6 × 10^6 / 200,000 = 30 → « 30,00 »; TG = 100 × 10^3 / 200,000 = 0.5 → « 0,50 »;
        IF = 6,000 / 380 = 15.789… → « 15,8 »
    2022 (entered): 1,000 h, fewer than the default minimum of 1,607 h → TF « n.c. », with why.

    Material elements (400 > 300 agents, own work accidents with or without time off):
    lifting 3, falls 2, cutting tools 1, the external agent's « machines » not counted.

    Prevention budget, equipment: 33,000 € on 30,000 € → (3,000 × 100) / 30,000 = +10 %.
    """
    figures = compute_report(worked_example_report())

    assert figures.hours_worked == 250_000
    oldest, previous, current = figures.years
    assert current.frequency_rate == Computed(Fraction(20))
    assert current.severity_rate == Computed(Fraction(3, 5))
    assert current.frequency_index == Computed(Fraction(25, 2))
    assert format_quantity(figures.hours_worked, Quantity.HOURS) == f"250{NBSP}000"

    rates = [present(column.frequency_rate, Quantity.FREQUENCY_RATE) for column in figures.years]
    assert [rate.text for rate in rates] == ["n.c.", "30,00", "20,00"]
    assert present(previous.severity_rate, Quantity.SEVERITY_RATE).text == "0,50"
    assert present(previous.frequency_index, Quantity.FREQUENCY_INDEX).text == "15,8"
    assert present(current.severity_rate, Quantity.SEVERITY_RATE).text == "0,60"
    assert present(current.frequency_index, Quantity.FREQUENCY_INDEX).text == "12,5"

    assert isinstance(oldest.frequency_rate, NotComputable)
    assert oldest.frequency_rate.code == "below_minimum_hours"
    note = present(oldest.frequency_rate, Quantity.FREQUENCY_RATE).note
    assert note == (
        f"1{NBSP}000 heures travaillées, moins que le minimum de 1{NBSP}607 heures fixé pour "
        "calculer un taux : taux de fréquence non calculé."
    )

    assert figures.accidents.commute_with_time_off == 1
    assert figures.accidents.external_victims == 1
    counts = {element: n for element, n in figures.material_elements.counts if n}
    assert counts == {
        MaterialElement.LIFTING: 3,
        MaterialElement.FALLS: 2,
        MaterialElement.CUTTING_TOOLS: 1,
    }

    equipment, total = figures.budget
    assert present(equipment.change, Quantity.PERCENT_CHANGE).text == f"+10,0{NBSP}%"
    assert total.change == equipment.change
