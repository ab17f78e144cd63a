"""Part II « Principaux indicateurs », item 2.1: the year and the two previous years side by
side, the seed's formulas, the charts and the breakdown by material element."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from reporting.domain.computations import YearFigures, YearIndicators
from reporting.domain.figures import Computed
from reporting.domain.presentation import ROUNDING, Quantity, present
from reporting.domain.rates import (
    FREQUENCY_INDEX_SCALE,
    FREQUENCY_RATE_SCALE,
    SEVERITY_RATE_SCALE,
)
from reporting.domain.vocabulary import HoursMethod
from reporting.rendering.blocks import Block, Formula, Heading, Paragraph, Table
from reporting.rendering.charts import material_elements_chart, rates_chart
from reporting.rendering.formatting import MissingFigures, count, hours
from reporting.rendering.model import RenderInput
from reporting.rendering.part_diseases import diseases_and_organisation


@dataclass(frozen=True)
class _Row:
    label: str
    cell: Callable[[YearIndicators, MissingFigures], str]


def _base(label: str, name: str, quantity: Quantity) -> _Row:
    """A row of a base figure (entered or counted), « n.c. » with its reason when unknown."""

    def cell(column: YearIndicators, missing: MissingFigures) -> str:
        figures: YearFigures = column.figures
        if not figures.available:
            reason = f"Données de l'année {figures.year} non disponibles."
        else:
            reason = f"« {label} » non renseigné pour {figures.year}."
        value: Fraction | int | None = getattr(figures, name)
        return missing.value(value, quantity, reason=reason)

    return _Row(label, cell)


ROWS: tuple[_Row, ...] = (
    _base("Nombre d'heures travaillées (4)", "hours_worked", Quantity.HOURS),
    _base("Effectif au 31 décembre (1)", "headcount", Quantity.COUNT),
    _base(
        "Nombre d'accidents de travail avec arrêt de travail",
        "work_accidents_with_time_off",
        Quantity.COUNT,
    ),
    _base("Nombre de journées perdues", "days_lost", Quantity.COUNT),
    _Row(
        "Taux de fréquence (TF)",
        lambda c, m: m.figure(c.frequency_rate, Quantity.FREQUENCY_RATE),
    ),
    _Row("Taux de gravité (TG)", lambda c, m: m.figure(c.severity_rate, Quantity.SEVERITY_RATE)),
    _Row(
        "Indice de fréquence (IF)",
        lambda c, m: m.figure(c.frequency_index, Quantity.FREQUENCY_INDEX),
    ),
    _base(
        "Nombre d'incapacités permanentes (partielles ou totales) reconnues dans l'année",
        "permanent_incapacities",
        Quantity.COUNT,
    ),
    _base("Nombre d'accidents mortels de travail", "fatal_work_accidents", Quantity.COUNT),
    _base("Nombre d'accidents mortels de trajet", "fatal_commute_accidents", Quantity.COUNT),
    _base(
        "Nombre d'accidents de trajet ayant entraîné un arrêt de travail",
        "commute_accidents_with_time_off",
        Quantity.COUNT,
    ),
    _base(
        "Nombre d'accidents dont ont été victimes des agents d'entreprises extérieures (5)",
        "external_victims",
        Quantity.COUNT,
    ),
)


def indicators_part(data: RenderInput) -> list[Block]:
    """The blocks of part II, in the seed's order."""
    year = data.report.year
    return [
        Heading(1, "II. –", "Principaux indicateurs"),
        Paragraph(
            f"Données de l'année {year} et de chacune des deux années précédentes "
            f"({year - 2} et {year - 1})."
        ),
        Heading(2, "2.1.", "Accidents de travail et de trajet"),
        *three_years_table(data),
        *formulas(data),
        rates_chart(data.figures.years),
        *_other_counts(data),
        *_material_elements(data),
        *diseases_and_organisation(data),
    ]


def three_years_table(data: RenderInput) -> list[Block]:
    """The indicators of the three years, oldest first, then the reasons of each « n.c. »."""
    columns = data.figures.years
    missing = MissingFigures()
    rows = tuple((row.label, *(row.cell(column, missing) for column in columns)) for row in ROWS)
    table = Table(
        header=("Indicateur", *(str(column.year) for column in columns)),
        rows=rows,
        widths=(4.2, 1.2, 1.2, 1.2),
    )
    return [table, *missing.notes()]


def _rounding_rule() -> str:
    def places(quantity: Quantity) -> str:
        n = ROUNDING[quantity]
        return "à l'unité" if n == 0 else f"à {n} décimale{'s' if n > 1 else ''}"

    return (
        "Les taux sont calculés sur les valeurs exactes puis arrondis une seule fois, au plus "
        "proche, la moitié étant arrondie vers le haut : TF "
        f"{places(Quantity.FREQUENCY_RATE)}, TG {places(Quantity.SEVERITY_RATE)}, IF "
        f"{places(Quantity.FREQUENCY_INDEX)}, heures {places(Quantity.HOURS)}."
    )


def formulas(data: RenderInput) -> list[Block]:
    """The seed's formulas (note 4, TF, TG) and IF, then their application to the year."""
    return [
        Heading(4, "", "Mode de calcul"),
        Formula(
            "Nombre d'heures travaillées (4)",
            "journées de présence des praticiens hospitaliers × 7 h + journées de présence "
            "des autres personnels × 7 h 38",
        ),
        Formula(
            "Taux de fréquence (TF)",
            f"nombre d'accidents de travail avec arrêt × {count(FREQUENCY_RATE_SCALE)}",
            "nombre d'heures travaillées",
            "accidents avec arrêt par million d'heures travaillées",
        ),
        Formula(
            "Taux de gravité (TG)",
            f"nombre de journées perdues × {count(SEVERITY_RATE_SCALE)}",
            "nombre d'heures travaillées",
            "journées perdues pour mille heures travaillées",
        ),
        Formula(
            "Indice de fréquence (IF)",
            f"nombre d'accidents de travail avec arrêt × {count(FREQUENCY_INDEX_SCALE)}",
            "effectif au 31 décembre",
            "accidents avec arrêt pour mille agents (indicateur de l'Assurance Maladie)",
        ),
        Paragraph(_rounding_rule(), aside=True),
        Paragraph(_application(data)),
    ]


_QUANTITY = {
    "TF": Quantity.FREQUENCY_RATE,
    "TG": Quantity.SEVERITY_RATE,
    "IF": Quantity.FREQUENCY_INDEX,
}


def _application(data: RenderInput) -> str:
    """The formulas applied to the report's year, with its own figures."""
    report, figures = data.report, data.figures
    entry = report.indicators.hours_worked
    total = hours(figures.hours_worked)
    if entry.method is HoursMethod.DAYS_PRESENT:
        hours_line = (
            f"Heures travaillées : {count(entry.practitioner_days or 0)} journées × 7 h + "
            f"{count(entry.other_staff_days or 0)} journées × 7 h 38 = {total} heures."
        )
    else:
        hours_line = f"Heures travaillées décomptées par l'établissement : {total} heures."
    current = figures.current
    accidents = count(figures.accidents.work_with_time_off)
    headcount = count(figures.headcount.total)
    lines = [f"Application à l'année {report.year}.", hours_line]
    applied = (
        ("TF", accidents, FREQUENCY_RATE_SCALE, total, current.frequency_rate),
        (
            "TG",
            count(figures.accidents.days_lost),
            SEVERITY_RATE_SCALE,
            total,
            current.severity_rate,
        ),
        ("IF", accidents, FREQUENCY_INDEX_SCALE, headcount, current.frequency_index),
    )
    for name, numerator, scale, denominator, figure in applied:
        shown = present(figure, _QUANTITY[name])
        if isinstance(figure, Computed):
            lines.append(f"{name} = {numerator} × {count(scale)} / {denominator} = {shown.text}.")
        else:
            lines.append(f"{name} : {shown.text} — {shown.note}")
    return "\n".join(lines)


def _other_counts(data: RenderInput) -> list[Block]:
    accidents = data.figures.accidents
    rows = (
        ("Accidents de travail sans arrêt de travail", accidents.work_without_time_off),
        ("Accidents de trajet sans arrêt de travail", accidents.commute_without_time_off),
        ("Journées perdues à la suite d'accidents de trajet", accidents.commute_days_lost),
    )
    return [
        Heading(4, "", f"Autres données de l'année {data.report.year}"),
        Table(
            header=("Donnée", "Nombre"),
            rows=tuple((label, count(n)) for label, n in rows),
            widths=(4, 1),
        ),
    ]


def _material_elements(data: RenderInput) -> list[Block]:
    breakdown = data.figures.material_elements
    heading = Heading(4, "", "Répartition des accidents de travail par éléments matériels (6)")
    chart = material_elements_chart(breakdown, data.report.year)
    if chart is None:
        return [heading, Paragraph(breakdown.reason or "", aside=True)]
    rows = [(element.label, count(n)) for element, n in breakdown.counts]
    if breakdown.not_specified:
        rows.append(("Élément matériel non précisé", count(breakdown.not_specified)))
    total = sum(n for _, n in breakdown.counts) + breakdown.not_specified
    rows.append(("Total des accidents de travail des agents", count(total)))
    table = Table(
        header=("Élément matériel", "Accidents"), rows=tuple(rows), widths=(5, 1), total=True
    )
    return [heading, table, chart]
