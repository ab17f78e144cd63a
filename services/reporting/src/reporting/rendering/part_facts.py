"""Part III « Faits saillants »: first the facts of the year, then the changes (seed's order)."""

from __future__ import annotations

from collections.abc import Sequence

from reporting.domain.means import SignificantFact
from reporting.domain.vocabulary import SignificantFactKind
from reporting.rendering.blocks import Block, Heading, Paragraph, Table
from reporting.rendering.formatting import day, or_dash, paragraphs
from reporting.rendering.model import RenderInput

#: The seed lists these second: changes with consequences on safety and working conditions.
CHANGES = frozenset(
    {SignificantFactKind.NEW_EQUIPMENT_OR_PROCESS, SignificantFactKind.WORK_ORGANISATION_CHANGE}
)


def facts_part(data: RenderInput) -> list[Block]:
    """The blocks of part III."""
    part = data.report.significant_facts
    blocks: list[Block] = [
        Heading(1, "III. –", "Faits saillants"),
        *paragraphs(part.text),
    ]
    events = [fact for fact in part.facts if fact.kind not in CHANGES]
    changes = [fact for fact in part.facts if fact.kind in CHANGES]
    if not part.facts and not part.text:
        return [*blocks, Paragraph("Aucun fait saillant n'a été signalé pour l'année.")]
    if events:
        blocks += [
            Heading(4, "", "Faits survenus dans l'établissement"),
            _facts_table(events),
        ]
    if changes:
        blocks += [
            Heading(
                4,
                "",
                "Modifications ayant des conséquences importantes sur la sécurité et les "
                "conditions de travail",
            ),
            _facts_table(changes),
        ]
    return blocks


def _facts_table(facts: Sequence[SignificantFact]) -> Table:
    rows = []
    for fact in facts:
        text = fact.summary
        if fact.lessons:
            text += f"\nEnseignements ou conséquences : {fact.lessons}"
        rows.append((day(fact.date), or_dash(fact.unit), fact.kind.label, text))
    return Table(
        header=("Date", "Unité", "Nature", "Description"),
        rows=tuple(rows),
        widths=(1.1, 1.5, 1.8, 4.2),
        numeric_from=4,
    )
