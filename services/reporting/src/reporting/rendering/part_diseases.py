"""Part II, items 2.2 to 2.4: diseases, indirect cost, work organisation, and the comment."""

from __future__ import annotations

from reporting.rendering.blocks import Block, Heading, Paragraph, Table
from reporting.rendering.formatting import DASH, count, money, paragraphs
from reporting.rendering.model import RenderInput


def diseases_and_organisation(data: RenderInput) -> list[Block]:
    """2.2 Maladies, 2.3 Données communes, 2.4 Organisation du travail, then the comment."""
    indicators = data.report.indicators
    blocks: list[Block] = [Heading(2, "2.2.", "Maladies imputables au service")]
    blocks += [Heading(4, "", "Maladies professionnelles, par tableau")]
    if indicators.occupational_diseases:
        rows = [
            (line.regime.label, line.table, line.label or DASH, count(line.cases))
            for line in indicators.occupational_diseases
        ]
        rows.append(("Total", "", "", count(data.figures.occupational_disease_cases)))
        blocks.append(
            Table(
                header=("Régime", "Tableau n°", "Nature de la maladie", "Cas"),
                rows=tuple(rows),
                widths=(1.4, 1, 3.4, 0.8),
                numeric_from=3,
                total=True,
            )
        )
    else:
        blocks.append(Paragraph("Aucun cas de maladie professionnelle."))
    blocks.append(Heading(4, "", "Maladies imputables au service, par nature"))
    if indicators.service_diseases:
        natures = [(line.nature, count(line.cases)) for line in indicators.service_diseases]
        natures.append(("Total", count(data.figures.service_disease_cases)))
        blocks.append(
            Table(header=("Nature", "Cas"), rows=tuple(natures), widths=(5.8, 0.8), total=True)
        )
    else:
        blocks.append(Paragraph("Aucun cas de maladie imputable au service."))
    blocks.append(
        Table(
            header=("Déclarations", "Nombre"),
            rows=(
                (
                    "Déclarations par l'établissement de procédés de travail susceptibles de "
                    "provoquer des maladies professionnelles (7)",
                    count(indicators.process_declarations),
                ),
            ),
            widths=(5.8, 0.8),
        )
    )
    return [*blocks, *_indirect_cost(data), *_organisation(data), *_comment(data)]


def _indirect_cost(data: RenderInput) -> list[Block]:
    cost = data.report.indicators.indirect_cost
    heading = Heading(2, "2.3.", "Données communes aux accidents et maladies")
    if cost is None:
        return [heading, Paragraph("Coût indirect (8) : non estimé.")]
    return [
        heading,
        Table(
            header=("Rubrique", "Valeur"),
            rows=(
                (
                    "Estimation du coût indirect des accidents du travail et maladies imputables "
                    "au service (8)",
                    money(cost.amount),
                ),
                ("Méthode d'évaluation retenue", cost.method),
            ),
            widths=(3, 3),
            numeric_from=2,
        ),
    ]


def _organisation(data: RenderInput) -> list[Block]:
    organisation = data.report.indicators.work_organisation
    rows = (
        (
            "Agents occupant des horaires alternants (travail posté)",
            organisation.alternating_shift_agents,
        ),
        ("Agents occupant des horaires de nuit (9)", organisation.night_agents),
        (
            "Agents ayant bénéficié tout au long de l'année de deux jours de repos hebdomadaires "
            "consécutifs",
            organisation.two_consecutive_rest_days_agents,
        ),
    )
    return [
        Heading(2, "2.4.", "Organisation du travail"),
        Table(
            header=("Organisation", "Agents"),
            rows=tuple((label, count(n)) for label, n in rows),
            widths=(5.8, 0.8),
        ),
    ]


def _comment(data: RenderInput) -> list[Block]:
    comment = data.report.indicators.comment
    if not comment:
        return []
    return [Heading(4, "", "Commentaire des indicateurs"), *paragraphs(comment)]
