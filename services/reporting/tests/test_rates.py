from decimal import Decimal
from fractions import Fraction

import pytest

from reporting.domain.figures import Computed, NotComputable, RateSettings
from reporting.domain.rates import (
    OTHER_STAFF_DAY_HOURS,
    frequency_index,
    frequency_rate,
    hours_from_days,
    percent_change,
    severity_rate,
)

pytestmark = pytest.mark.unit

NO_MINIMUM = RateSettings(minimum_hours=Decimal(0))


def test_seven_hours_thirty_eight_is_kept_exact():
    assert Fraction(229, 30) == OTHER_STAFF_DAY_HOURS
    # 1 day of other staff = 7.6333… h: no binary float ever rounded it.
    assert hours_from_days(practitioner_days=0, other_staff_days=1) == Fraction(229, 30)
    assert hours_from_days(practitioner_days=0, other_staff_days=30) == 229


def test_hours_from_days_note_4():
    # 100 × 7 + 300 × 229/30 = 700 + 2290 = 2990 h
    assert hours_from_days(practitioner_days=100, other_staff_days=300) == 2990


def test_frequency_rate_per_million_hours():
    # 3 × 1,000,000 / 150,000 = 20
    figure = frequency_rate(accidents_with_time_off=3, hours=Fraction(150_000))
    assert figure == Computed(Fraction(20))


def test_frequency_rate_stays_exact_until_presentation():
    # 1 × 10^6 / 229/30 h = 30,000,000 / 229
    figure = frequency_rate(accidents_with_time_off=1, hours=Fraction(229, 30), settings=NO_MINIMUM)
    assert figure == Computed(Fraction(30_000_000, 229))


def test_severity_rate_per_thousand_hours():
    # 45 × 1,000 / 150,000 = 0.3
    figure = severity_rate(days_lost=45, hours=Fraction(150_000))
    assert figure == Computed(Fraction(3, 10))


def test_frequency_index_per_thousand_agents():
    # 7 × 1,000 / 350 = 20
    assert frequency_index(accidents_with_time_off=7, headcount=350) == Computed(Fraction(20))


def test_zero_hours_with_accidents_is_not_computable_never_a_division_error():
    figure = frequency_rate(accidents_with_time_off=2, hours=Fraction(0))

    assert isinstance(figure, NotComputable)
    assert figure.code == "no_hours"
    assert figure.reason == (
        "Aucune heure travaillée n'est renseignée alors que 2 accident(s) de travail avec arrêt "
        "sont comptés : taux de fréquence non calculable."
    )


def test_zero_hours_without_accidents_is_not_computable_either():
    figure = severity_rate(days_lost=0, hours=Fraction(0), settings=NO_MINIMUM)

    assert figure == NotComputable(
        "no_hours", "Aucune heure travaillée n'est renseignée : taux de gravité non calculable."
    )


def test_rates_are_not_computed_below_the_minimum_hours():
    settings = RateSettings(minimum_hours=Decimal(10_000))

    figure = frequency_rate(accidents_with_time_off=1, hours=Fraction(9_999), settings=settings)

    assert isinstance(figure, NotComputable)
    assert figure.code == "below_minimum_hours"
    expected = "9\u00a0999 heures travaillées, moins que le minimum de 10\u00a0000 heures"
    assert expected in figure.reason
    at_minimum = frequency_rate(
        accidents_with_time_off=1, hours=Fraction(10_000), settings=settings
    )
    assert at_minimum == Computed(Fraction(100))


def test_default_minimum_is_one_full_time_year():
    assert RateSettings().minimum_hours == Decimal(1607)
    below = frequency_rate(accidents_with_time_off=0, hours=Fraction(1606))
    assert isinstance(below, NotComputable)
    assert frequency_rate(accidents_with_time_off=0, hours=Fraction(1607)) == Computed(Fraction(0))


def test_missing_inputs_say_what_is_missing():
    no_hours = frequency_rate(accidents_with_time_off=1, hours=None)
    no_days = severity_rate(days_lost=None, hours=Fraction(10_000))

    assert isinstance(no_hours, NotComputable)
    assert no_hours.reason.startswith("Nombre d'heures travaillées non renseigné")
    assert isinstance(no_days, NotComputable)
    assert no_days.reason.startswith("Nombre de journées perdues non renseigné")


def test_frequency_index_needs_a_headcount():
    zero = frequency_index(accidents_with_time_off=1, headcount=0)
    small = frequency_index(
        accidents_with_time_off=1, headcount=40, settings=RateSettings(minimum_headcount=50)
    )

    reason = "Effectif nul : indice de fréquence non calculable."
    assert zero == NotComputable("no_headcount", reason)
    assert isinstance(small, NotComputable)
    assert small.code == "below_minimum_headcount"


def test_negative_minimums_are_a_configuration_error():
    with pytest.raises(ValueError, match="negative"):
        RateSettings(minimum_hours=Decimal(-1))


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        ("110", "100", Fraction(10)),
        ("75", "100", Fraction(-25)),
        ("100", "100", Fraction(0)),
        ("85000", "80000", Fraction(25, 4)),  # 5,000 × 100 / 80,000 = 6.25
        ("140000", "150000", Fraction(-20, 3)),  # -10,000 × 100 / 150,000 = -6.666…
    ],
)
def test_percent_change_on_the_previous_year(current, previous, expected):
    figure = percent_change(current=Decimal(current), previous=Decimal(previous))
    assert figure == Computed(expected)


def test_percent_change_from_nothing_is_not_computable():
    from_zero = percent_change(current=Decimal(10), previous=Decimal(0))
    unknown = percent_change(current=Decimal(10), previous=None)

    assert isinstance(from_zero, NotComputable)
    assert from_zero.code == "no_previous_amount"
    assert isinstance(unknown, NotComputable)
    assert "année précédente non renseigné" in unknown.reason
