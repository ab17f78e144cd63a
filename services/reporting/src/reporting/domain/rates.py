"""The seed's formulas (seed 004, II.2.1 and note 4), in exact arithmetic.

See docs/domain.md § Hours worked and § The annual report's rates.

- hours worked = practitioners' days present × 7 h + other staff's days present × 7 h 38
  (7 h 38 = 229/30 h, kept as a fraction), or the hours the establishment counts itself;
- frequency rate TF = work accidents with time off × 1,000,000 / hours worked;
- severity rate TG = days lost × 1,000 / hours worked (CNAM's scale, per thousand hours);
- frequency index IF = work accidents with time off × 1,000 / headcount;
- % change of a sum = (this year − previous year) × 100 / previous year.

A division that cannot be made, or that rests on fewer hours than the configured minimum,
gives ``NotComputable`` with its reason, never an exception.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from reporting.domain.figures import (
    DEFAULT_SETTINGS,
    Computed,
    Figure,
    NotComputable,
    RateSettings,
)
from reporting.domain.presentation import Quantity, format_quantity

PRACTITIONER_DAY_HOURS = Fraction(7)
OTHER_STAFF_DAY_HOURS = Fraction(7) + Fraction(38, 60)
FREQUENCY_RATE_SCALE = 1_000_000
SEVERITY_RATE_SCALE = 1_000
FREQUENCY_INDEX_SCALE = 1_000


def hours_from_days(*, practitioner_days: int, other_staff_days: int) -> Fraction:
    """Note 4: practitioners' days × 7 h + other staff's days × 7 h 38, exactly."""
    return practitioner_days * PRACTITIONER_DAY_HOURS + other_staff_days * OTHER_STAFF_DAY_HOURS


def _hours_text(hours: Fraction | Decimal) -> str:
    return format_quantity(hours, Quantity.HOURS)


def _per_hours(
    numerator: int | None,
    hours: Fraction | None,
    *,
    scale: int,
    rate_label: str,
    numerator_missing: str,
    numerator_text: str,
    settings: RateSettings,
) -> Figure:
    if numerator is None:
        return NotComputable("missing_input", f"{numerator_missing} : {rate_label} non calculé.")
    if hours is None:
        reason = f"Nombre d'heures travaillées non renseigné : {rate_label} non calculé."
        return NotComputable("missing_input", reason)
    if hours == 0:
        but = f" alors que {numerator_text}" if numerator > 0 else ""
        reason = f"Aucune heure travaillée n'est renseignée{but} : {rate_label} non calculable."
        return NotComputable("no_hours", reason)
    if hours < Fraction(settings.minimum_hours):
        reason = (
            f"{_hours_text(hours)} heures travaillées, moins que le minimum de "
            f"{_hours_text(settings.minimum_hours)} heures fixé pour calculer un taux : "
            f"{rate_label} non calculé."
        )
        return NotComputable("below_minimum_hours", reason)
    return Computed(Fraction(numerator * scale) / hours)


def frequency_rate(
    *,
    accidents_with_time_off: int | None,
    hours: Fraction | None,
    settings: RateSettings = DEFAULT_SETTINGS,
) -> Figure:
    """TF = work accidents with time off × 1,000,000 / hours worked."""
    return _per_hours(
        accidents_with_time_off,
        hours,
        scale=FREQUENCY_RATE_SCALE,
        rate_label="taux de fréquence",
        numerator_missing="Nombre d'accidents de travail avec arrêt non renseigné",
        numerator_text=f"{accidents_with_time_off} accident(s) de travail avec arrêt sont comptés",
        settings=settings,
    )


def severity_rate(
    *,
    days_lost: int | None,
    hours: Fraction | None,
    settings: RateSettings = DEFAULT_SETTINGS,
) -> Figure:
    """TG = days lost × 1,000 / hours worked."""
    return _per_hours(
        days_lost,
        hours,
        scale=SEVERITY_RATE_SCALE,
        rate_label="taux de gravité",
        numerator_missing="Nombre de journées perdues non renseigné",
        numerator_text=f"{days_lost} journée(s) perdue(s) sont comptées",
        settings=settings,
    )


def frequency_index(
    *,
    accidents_with_time_off: int | None,
    headcount: int | None,
    settings: RateSettings = DEFAULT_SETTINGS,
) -> Figure:
    """IF = work accidents with time off × 1,000 / headcount (on 31 December)."""
    label = "indice de fréquence"
    if accidents_with_time_off is None:
        reason = f"Nombre d'accidents de travail avec arrêt non renseigné : {label} non calculé."
        return NotComputable("missing_input", reason)
    if headcount is None:
        return NotComputable("missing_input", f"Effectif non renseigné : {label} non calculé.")
    if headcount == 0:
        return NotComputable("no_headcount", f"Effectif nul : {label} non calculable.")
    if headcount < settings.minimum_headcount:
        reason = (
            f"Effectif de {headcount} agent(s), moins que le minimum de "
            f"{settings.minimum_headcount} fixé pour calculer l'indice : {label} non calculé."
        )
        return NotComputable("below_minimum_headcount", reason)
    return Computed(Fraction(accidents_with_time_off * FREQUENCY_INDEX_SCALE, headcount))


def percent_change(*, current: Decimal | None, previous: Decimal | None) -> Figure:
    """(current − previous) × 100 / previous: the change of a sum on the previous year."""
    if current is None:
        return NotComputable("missing_input", "Montant de l'année non renseigné.")
    if previous is None:
        reason = "Montant de l'année précédente non renseigné : variation non calculée."
        return NotComputable("missing_input", reason)
    if previous == 0:
        reason = "Montant nul l'année précédente : variation en pourcentage non calculable."
        return NotComputable("no_previous_amount", reason)
    return Computed((Fraction(current) - Fraction(previous)) * 100 / Fraction(previous))
