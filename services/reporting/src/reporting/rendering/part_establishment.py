"""Part I « Présentation de l'établissement »: identity, committees, headcount, movements,
subcontracting (seed 004, I.1.1 to I.1.2.3)."""

from __future__ import annotations

from reporting.rendering.blocks import Block, Heading, Paragraph, Table
from reporting.rendering.formatting import DASH, count, hours, or_dash
from reporting.rendering.model import RenderInput


def establishment_part(data: RenderInput) -> list[Block]:
    """The blocks of part I, in the seed's order."""
    return [
        Heading(1, "I. –", "Présentation de l'établissement"),
        *_identification(data),
        Heading(2, "1.2.", "Effectif"),
        *_headcount(data),
        *_movements(data),
        *_subcontracting(data),
    ]


def _identification(data: RenderInput) -> list[Block]:
    part = data.report.establishment
    identity = part.identity
    figures = data.figures
    blocks: list[Block] = [
        Heading(2, "1.1.", "Identification"),
        Table(
            header=("Rubrique", "Valeur"),
            rows=(
                ("Établissement", data.establishment_name),
                ("Adresse", identity.address),
                ("SIRET", data.siret or DASH),
                ("Code NAF", data.naf_code or DASH),
                ("Catégories de personnel", identity.sector.label),
                (
                    "Nombre de comités d'hygiène, de sécurité et des conditions de travail",
                    count(figures.committees),
                ),
                ("Nombre de missions", count(figures.missions)),
            ),
            widths=(2, 3),
            numeric_from=2,
        ),
        Table(
            header=("Comité", "Nature du secteur d'activité couvert"),
            rows=tuple(
                (committee.name, or_dash(committee.activity_sector))
                for committee in part.committees
            ),
            widths=(2, 3),
            numeric_from=2,
        ),
    ]
    if part.missions:
        blocks.append(
            Table(
                header=("Nature des missions", "Nombre"),
                rows=tuple((mission.nature, count(mission.count)) for mission in part.missions),
                widths=(4, 1),
            )
        )
    if len(part.committees) > 1:
        blocks.append(
            Paragraph(
                "Les données qui suivent sont celles de l'établissement, tous comités "
                "confondus (totalisation des rubriques 1.2.1 et II).",
                aside=True,
            )
        )
    return blocks


def _headcount(data: RenderInput) -> list[Block]:
    totals = data.figures.headcount
    rows = [
        (category.label, count(men), count(women), count(total), count(foreigners))
        for category, men, women, total, foreigners in totals.by_category
    ]
    rows.append(
        (
            "Total",
            count(totals.men),
            count(totals.women),
            count(totals.total),
            count(totals.foreigners),
        )
    )
    return [
        Heading(3, "1.2.1.", "Effectif des agents couverts par le comité (1)"),
        Paragraph(
            f"Agents rémunérés au 31 décembre {data.report.year}, personnels médicaux compris ; "
            "praticiens temps plein, temps partiel et attachés (2).",
            aside=True,
        ),
        Table(
            header=("Catégorie de personnel", "Hommes", "Femmes", "Total", "Dont étrangers"),
            rows=tuple(rows),
            widths=(4, 1, 1, 1, 1.3),
            total=True,
        ),
    ]


def _movements(data: RenderInput) -> list[Block]:
    movements = data.report.establishment.movements
    return [
        Heading(3, "1.2.2.", "Mouvements de personnel"),
        Table(
            header=("Mouvement", "Nombre"),
            rows=(
                ("Agents recrutés dans l'année", count(movements.recruited)),
                (
                    "Départs dans l'année (pour quelque raison que ce soit, y compris "
                    "détachement, disponibilité)",
                    count(movements.departures),
                ),
            ),
            widths=(4, 1),
        ),
    ]


def _subcontracting(data: RenderInput) -> list[Block]:
    sub = data.report.establishment.subcontracting
    return [
        Heading(3, "1.2.3.", "Sous-traitance"),
        Table(
            header=("Travail des entreprises extérieures", "Nombre"),
            rows=(
                (
                    "Journées travaillées par des entreprises extérieures sous-traitants "
                    "permanents (3)",
                    count(sub.permanent_subcontractor_days),
                ),
                (
                    "Heures travaillées par des entreprises extérieures participant "
                    "occasionnellement",
                    hours(sub.occasional_external_hours),
                ),
            ),
            widths=(4, 1),
        ),
    ]
