"""The report's charts: Vega-Lite specifications rendered to SVG by vl-convert.

vl-convert is deterministic (same specification, same SVG). Bars are drawn from the exact
values, and the value printed on each bar is the domain's French text (« 20,00 »), so a chart
never shows a rounding the tables do not. Axis numbers use the French locale. The font is one
Typst embeds, so the PDF looks the same on every host.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import vl_convert

from reporting.domain.computations import MaterialElementBreakdown, YearIndicators
from reporting.domain.figures import Computed, Figure
from reporting.domain.presentation import Quantity, present
from reporting.domain.vocabulary import MaterialElement
from reporting.rendering.blocks import Chart

CHART_FONT = "Libertinus Serif"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
RATE_COLOURS = {"TF": "#3b6ea5", "TG": "#c0504d"}
ELEMENT_COLOUR = "#5b8c5a"
RATES_CHART_TITLE = "Graphique 1 – Taux de fréquence et taux de gravité"
MATERIAL_CHART_TITLE = "Graphique 2 – Accidents de travail par élément matériel"

#: Axis labels: the seed's wording without « Accidents dus à… », which the title says.
SHORT_ELEMENT_LABELS: dict[MaterialElement, str] = {
    MaterialElement.FALLS: "Chutes ou glissades",
    MaterialElement.CUTTING_TOOLS: "Outils coupants, contondants, perforants",
    MaterialElement.MACHINES: "Machines",
    MaterialElement.BURNS: "Brûlures",
    MaterialElement.LIFTING: "Efforts de soulèvement",
    MaterialElement.AGITATED_PATIENTS: "Contact avec des malades agités",
    MaterialElement.TRAFFIC: "Circulation",
    MaterialElement.MOVING_OBJECTS: "Objets ou masses en mouvement",
    MaterialElement.RADIATION: "Radiations",
    MaterialElement.TOXIC_PRODUCTS: "Manipulation de produits toxiques",
    MaterialElement.OTHER: "Autres",
}
NOT_SPECIFIED_LABEL = "Non précisé"

_CONFIG: dict[str, Any] = {
    "font": CHART_FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "grid": True, "gridColor": "#e4e4e4"},
    "title": {"fontSize": 12, "fontWeight": "bold", "anchor": "start"},
}


def to_svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite specification as an SVG document (French number formats)."""
    return vl_convert.vegalite_to_svg({**spec, "config": _CONFIG}, format_locale="fr-FR")


def _rate_points(years: Sequence[YearIndicators], rate: str) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    for column in years:
        figure: Figure = column.frequency_rate if rate == "TF" else column.severity_rate
        quantity = Quantity.FREQUENCY_RATE if rate == "TF" else Quantity.SEVERITY_RATE
        value = float(figure.value) if isinstance(figure, Computed) else None
        points.append(
            {
                "year": str(column.year),
                "value": value,
                "at": value or 0,
                "label": present(figure, quantity).text,
            }
        )
    return points


def _rate_panel(years: Sequence[YearIndicators], rate: str, title: str) -> dict[str, Any]:
    x = {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
    return {
        "title": title,
        "width": 190,
        "height": 150,
        "data": {"values": _rate_points(years, rate)},
        "layer": [
            {
                "mark": {"type": "bar", "color": RATE_COLOURS[rate], "width": {"band": 0.6}},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative", "title": rate},
                },
            },
            {
                "mark": {"type": "text", "dy": -7, "fontSize": 11},
                "encoding": {
                    "x": x,
                    "y": {"field": "at", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
        ],
    }


def rates_chart(years: Sequence[YearIndicators]) -> Chart:
    """TF and TG of the three years side by side, each on its own scale."""
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "hconcat": [
            _rate_panel(years, "TF", "Taux de fréquence (TF)"),
            _rate_panel(years, "TG", "Taux de gravité (TG)"),
        ],
        "spacing": 40,
    }
    described = "; ".join(
        f"{column.year} : TF {present(column.frequency_rate, Quantity.FREQUENCY_RATE).text}, "
        f"TG {present(column.severity_rate, Quantity.SEVERITY_RATE).text}"
        for column in years
    )
    first, last = years[0].year, years[-1].year
    return Chart(
        title=f"{RATES_CHART_TITLE}, {first} à {last}",
        svg=to_svg(spec),
        description=f"Taux de fréquence et de gravité par année — {described}.",
        width_cm=14.0,
    )


def material_elements_chart(breakdown: MaterialElementBreakdown, year: int) -> Chart | None:
    """Work accidents by material element, in the seed's order; ``None`` when not shown."""
    if not breakdown.shown:
        return None
    bars = [(SHORT_ELEMENT_LABELS[element], count) for element, count in breakdown.counts]
    if breakdown.not_specified:
        bars.append((NOT_SPECIFIED_LABEL, breakdown.not_specified))
    order = [label for label, _ in bars]
    y = {
        "field": "element",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 320},
    }
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": 300,
        "height": {"step": 20},
        "data": {"values": [{"element": label, "count": n} for label, n in bars]},
        "layer": [
            {
                "mark": {"type": "bar", "color": ELEMENT_COLOUR},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "count",
                        "type": "quantitative",
                        "title": "Accidents de travail",
                        "axis": {"tickMinStep": 1, "format": "d"},
                    },
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11},
                "encoding": {
                    "y": y,
                    "x": {"field": "count", "type": "quantitative"},
                    "text": {"field": "count", "type": "quantitative", "format": "d"},
                },
            },
        ],
    }
    described = "; ".join(f"{label} : {n}" for label, n in bars)
    return Chart(
        title=f"{MATERIAL_CHART_TITLE}, {year}",
        svg=to_svg(spec),
        description=f"Accidents de travail par élément matériel — {described}.",
    )
