"""A server-rendered dashboard page per scope, in French, with Vega-Lite charts.

Each chart's Vega-Lite spec is in the page (``<script type="application/vnd.vegalite+json">``)
and rendered to inline SVG on the server (vl-convert), so the page reads without JavaScript or
network; the portal can later embed the same specs. Secret cells never reach a chart: the
table shows them as « secret statistique ».
"""

from __future__ import annotations

import html
import json
from datetime import date, datetime
from typing import Any

import vl_convert

from cosar_common import clock, vocabulary
from cosar_common.thesaurus_client import ThesaurusClient
from indicators.api.schemas import CellOut, IndicatorResult, ReleaseOut
from indicators.catalogue.definitions import Breakdown
from indicators.domain.secrecy import SECRET_LABEL

PANELS: list[tuple[str, Breakdown]] = [
    ("duerp-coverage", Breakdown.NAF_SECTION),
    ("exposure-prevalence", Breakdown.NAF_SECTION),
    ("frequent-hazards", Breakdown.HAZARD),
    ("serious-work-units", Breakdown.SIZE_BAND),
    ("c2p-exposed", Breakdown.FACTOR),
    ("tf", Breakdown.NAF_SECTION),
    ("tg", Breakdown.NAF_SECTION),
    ("if", Breakdown.SIZE_BAND),
    ("actions-on-time", Breakdown.NAF_SECTION),
]
SYSTEMS = {
    "naf_section": vocabulary.NAF,
    "naf_division": vocabulary.NAF,
    "hazard": vocabulary.DANGERS,
    "factor": vocabulary.FACTORS,
}


async def group_labels(
    client: ThesaurusClient, results: list[IndicatorResult]
) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    for result in results:
        system = SYSTEMS.get(result.breakdown)
        for cell in result.cells:
            if system and cell.group and (system, cell.group) not in labels:
                concept = await client.lookup(system, cell.group)
                labels[(system, cell.group)] = concept.display if concept else cell.group
    return labels


def _number(value: float | None, *, count: bool = False) -> str:
    """French figures: decimal comma, narrow no-break space between thousands; counts of
    companies or persons without decimals."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if count or abs(value) >= 1e6 else f"{value:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _label(result: IndicatorResult, cell: CellOut, labels: dict[tuple[str, str], str]) -> str:
    if cell.group is None:
        return "Ensemble"
    system = SYSTEMS.get(result.breakdown)
    label = labels.get((system, cell.group), cell.group) if system else cell.group
    return f"{cell.group} — {label}" if label != cell.group else cell.group


def chart_spec(result: IndicatorResult, labels: dict[tuple[str, str], str]) -> dict[str, Any]:
    values = [
        {"catégorie": _label(result, c, labels)[:60], "valeur": round(c.value, 2)}
        for c in result.cells
        if c.group is not None and c.status == "published" and c.value is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": result.indicator.label,
        "width": 520,
        "data": {"values": values},
        "mark": {"type": "bar", "color": "#2b6cb0"},
        "encoding": {
            "y": {"field": "catégorie", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "valeur", "type": "quantitative", "title": result.indicator.unit},
        },
    }


def _table(result: IndicatorResult, labels: dict[tuple[str, str], str]) -> str:
    rows = []
    count = result.indicator.factor == 1.0 and "%" not in result.indicator.unit
    for cell in result.cells:
        if cell.group is None and result.breakdown == "hazard":
            continue  # a sum over hazards counts a company once per hazard: not a total
        shown = (
            (cell.note or SECRET_LABEL)
            if cell.status == "secret"
            else _number(cell.value, count=count)
        )
        if cell.status == "small-denominator":
            shown = "non publié"
        css = ' class="secret"' if cell.status != "published" else ""
        rows.append(
            f"<tr{css}><td>{html.escape(_label(result, cell, labels))}</td>"
            f"<td class='n'>{html.escape(shown)}</td></tr>"
        )
    return "<table><tr><th>Catégorie</th><th>Valeur</th></tr>" + "".join(rows) + "</table>"


def french_date(value: object) -> str:
    if isinstance(value, datetime):
        return clock.fr_datetime(value)
    assert isinstance(value, date)
    return clock.fr_date(value)


def release_line(release: ReleaseOut) -> str:
    """What every page and export says of the release it shows."""
    return (
        f"Diffusion n° {release.number} de {release.year} (identifiant {release.id}), "
        f"publiée le {french_date(release.created_at)} ; données arrêtées au "
        f"{french_date(release.reference_date)}."
    )


def _picker(scope: str, year: int, release: ReleaseOut, releases: list[ReleaseOut]) -> str:
    """A plain GET form (works without JavaScript) to read an earlier release."""
    options = "".join(
        f"<option value='{html.escape(r.id)}'{' selected' if r.id == release.id else ''}>"
        f"n° {r.number} — {html.escape(french_date(r.created_at))}, données au "
        f"{html.escape(french_date(r.reference_date))}</option>"
        for r in releases
    )
    return (
        f"<form method='get' action='/dashboards/{html.escape(scope)}'>"
        f"<input type='hidden' name='year' value='{year}'>"
        "<label for='release'>Autre diffusion de l'année</label> "
        f"<select id='release' name='release'>{options}</select> "
        "<button type='submit'>Afficher</button></form>"
    )


def render(
    *,
    scope: str,
    year: int,
    results: list[IndicatorResult],
    labels: dict[tuple[str, str], str],
    release: ReleaseOut,
    releases: list[ReleaseOut],
) -> str:
    title = "Indicateurs régionaux" if scope == "region" else "Indicateurs de votre service"
    sections = []
    for result in results:
        spec = chart_spec(result, labels)
        svg = vl_convert.vegalite_to_svg(spec) if spec["data"]["values"] else ""
        secret = sum(1 for c in result.cells if c.status == "secret")
        note = f"<p class='note'>{secret} cellule(s) sous {SECRET_LABEL}.</p>" if secret else ""
        if result.note:
            note += f"<p class='note'>{html.escape(result.note)}</p>"
        sections.append(
            f"<section><h2>{html.escape(result.indicator.label)}</h2>"
            f"<p class='def'>Définition : {html.escape(result.indicator.definition)}. "
            f"Unité : {html.escape(result.indicator.unit)}.</p>"
            f"<div class='chart'>{svg}</div>{note}{_table(result, labels)}"
            "<script type='application/vnd.vegalite+json'>"
            f"{html.escape(json.dumps(spec, ensure_ascii=False), quote=False)}</script>"
            "</section>"
        )
    return (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
        f"<title>{title} — {year}</title><style>"
        "body{font-family:sans-serif;margin:2em;color:#1a202c}"
        "section{margin-bottom:2.5em}table{border-collapse:collapse}"
        "td,th{border:1px solid #cbd5e0;padding:.3em .6em}td.n{text-align:right}"
        "tr.secret td{color:#718096;font-style:italic}.def,.note{color:#4a5568}"
        f"</style></head><body><h1>{title} — {year}</h1>"
        f"<p class='release'>{html.escape(release_line(release))}</p>"
        + _picker(scope, year, release, releases)
        + "<p>Chiffres consolidés et anonymisés ; les cellules qui permettraient de reconnaître "
        f"une entreprise ou une personne sont masquées (« {SECRET_LABEL} », avec la raison "
        "du secret, jamais les chiffres qui sont derrière).</p>"
        + "".join(sections)
        + "</body></html>"
    )
