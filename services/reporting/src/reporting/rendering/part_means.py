"""Part IV « Moyens et actions »: the administration's means, the committee's activity, the
programme's actions (done in the year, open on 31 December) and training."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reporting.domain.means import ProgrammeAction
from reporting.domain.presentation import Quantity, format_number
from reporting.domain.vocabulary import ActionState, MeetingReason
from reporting.rendering.blocks import Block, Heading, Paragraph, Table
from reporting.rendering.formatting import (
    DASH,
    MissingFigures,
    count,
    day,
    lower_first,
    money,
    or_dash,
    paragraphs,
)
from reporting.rendering.model import RenderInput


def means_part(data: RenderInput) -> list[Block]:
    """The blocks of part IV, in the seed's order."""
    return [
        Heading(1, "IV. –", "Moyens et actions"),
        Heading(2, "4.1.", "L'administration"),
        *_specialised_means(data),
        Heading(4, "", "b) Autres moyens"),
        Paragraph(
            "Actions visant à intégrer la sécurité et l'amélioration des conditions de travail "
            "dans la conception et le choix des bâtiments, installations, machines :",
            aside=True,
        ),
        *paragraphs(data.report.means_and_actions.administration.other_means, empty="Néant."),
        *_committee(data),
        *_actions(data),
        *_training(data),
    ]


def _fte(value: Decimal | None) -> str:
    return DASH if value is None else format_number(value, 2)


def _specialised_means(data: RenderInput) -> list[Block]:
    administration = data.report.means_and_actions.administration
    year = data.report.year
    title = "a) Moyens spécialisés en prévention et amélioration des conditions de travail"
    blocks: list[Block] = [Heading(4, "", title)]
    if administration.specialised_staff:
        staff = tuple(
            (line.function, count(line.count), _fte(line.full_time_equivalent))
            for line in administration.specialised_staff
        )
        blocks.append(
            Table(
                header=("Personnel spécialisé", "Agents", "Équivalent temps plein"),
                rows=staff,
                widths=(4, 1, 1.6),
            )
        )
    else:
        blocks.append(Paragraph("Personnel spécialisé : aucun."))
    if not data.figures.budget:
        return [*blocks, Paragraph("Sommes consacrées à la prévention : non isolées.")]
    missing = MissingFigures()
    rows = tuple(
        (
            "Total" if line.kind is None else line.kind.label,
            money(line.amount),
            missing.value(
                line.previous_amount,
                Quantity.MONEY,
                reason=f"Montant de {year - 1} non renseigné.",
            ),
            missing.figure(line.change, Quantity.PERCENT_CHANGE),
        )
        for line in data.figures.budget
    )
    blocks.append(
        Table(
            header=(
                "Sommes consacrées à la prévention (10)",
                str(year),
                str(year - 1),
                "Variation",
            ),
            rows=rows,
            widths=(3.4, 1.5, 1.5, 1.1),
            total=True,
        )
    )
    return [*blocks, *missing.notes()]


def _committee(data: RenderInput) -> list[Block]:
    committee = data.report.means_and_actions.committee
    blocks: list[Block] = [
        Heading(2, "4.2.", "Le comité d'hygiène, de sécurité et des conditions de travail (11)")
    ]
    if committee.held_by_technical_committee:
        blocks.append(
            Paragraph(
                "Activité exercée par les représentants du personnel au comité technique "
                "paritaire (établissement de moins de 50 agents).",
                aside=True,
            )
        )
    blocks.append(Paragraph(f"Moyens du secrétariat : {or_dash(committee.secretariat_means)}"))
    rows = [
        ("Réunions ordinaires", committee.ordinary_meetings),
        ("Réunions extraordinaires", data.figures.extraordinary_meetings_total),
    ]
    rows += [
        (f"dont {lower_first(reason.label)}", n)
        for reason, n in data.figures.extraordinary_meetings
        if reason is not MeetingReason.OTHER or n
    ]
    rows += [
        ("Enquêtes menées par le comité (12)", committee.inquiries),
        (
            "Mises en œuvre de la procédure de danger grave et imminent (13)",
            committee.serious_imminent_danger_procedures,
        ),
        ("Recours à un expert (14)", committee.expert_appointments),
        ("Représentants du personnel formés (15)", committee.trained_representatives),
        ("Consultations avant une décision d'aménagement important (16)", committee.consultations),
    ]
    blocks.append(
        Table(
            header=("Activité du comité", "Nombre"),
            rows=tuple((label, count(n)) for label, n in rows),
            widths=(5, 1),
        )
    )
    if committee.extraordinary_meetings:
        blocks.append(
            Table(
                header=("Réunion extraordinaire", "Motif", "Précisions"),
                rows=tuple(
                    (day(meeting.date), meeting.reason.label, or_dash(meeting.detail))
                    for meeting in committee.extraordinary_meetings
                ),
                widths=(1.6, 2.6, 3.4),
                numeric_from=3,
            )
        )
    return blocks


def _in_programme_order(actions: Sequence[ProgrammeAction]) -> list[ProgrammeAction]:
    """The programme's order where known; added actions after, in the order entered."""
    return sorted(actions, key=lambda a: (a.programme_order is None, a.programme_order or 0))


def _action_text(action: ProgrammeAction) -> str:
    if action.added_during_year:
        why = f" : {action.reason_added}" if action.reason_added else ""
        return f"{action.title}\nAjoutée ou substituée en cours d'année{why}"
    return action.title


def _actions(data: RenderInput) -> list[Block]:
    actions = data.report.means_and_actions.actions
    year = data.report.year
    done = _in_programme_order([a for a in actions if a.state is ActionState.DONE])
    still_open = _in_programme_order([a for a in actions if a.state is ActionState.OPEN])
    blocks: list[Block] = [
        Heading(2, "4.3.", "Actions menées et mise en œuvre du programme"),
        Paragraph(
            f"Actions réalisées dans l'année : {count(data.figures.actions_done)}. "
            f"Actions en cours au 31 décembre {year} : {count(data.figures.actions_open)}."
        ),
        Heading(4, "", "Actions réalisées dans l'année"),
    ]
    rank = "Rang au programme"
    if done:
        rows = tuple(
            (or_dash(str(a.programme_order or "")), _action_text(a), day(a.completed_on))
            for a in done
        )
        blocks.append(
            Table(
                header=(rank, "Action", "Réalisée le"),
                rows=rows,
                widths=(1.2, 5, 1.4),
                numeric_from=3,
            )
        )
    else:
        blocks.append(Paragraph("Aucune action réalisée."))
    blocks.append(Heading(4, "", f"Actions en cours au 31 décembre {year}"))
    if still_open:
        open_rows = tuple(
            (or_dash(str(a.programme_order or "")), _action_text(a)) for a in still_open
        )
        blocks.append(
            Table(header=(rank, "Action"), rows=open_rows, widths=(1.2, 6.4), numeric_from=2)
        )
    else:
        blocks.append(Paragraph("Aucune action en cours."))
    return blocks


def _training(data: RenderInput) -> list[Block]:
    training = data.report.means_and_actions.training
    return [
        Heading(4, "", "Actions de formation (hors représentants du personnel au comité)"),
        Table(
            header=("Formation à l'hygiène, à la sécurité et aux conditions de travail", "Valeur"),
            rows=(
                ("Nombre total de personnels formés", count(training.total_trained)),
                (
                    "Effectif formé à la prévention et à la sécurité dans l'année (17)",
                    count(training.prevention_safety_trained),
                ),
                (
                    "Organismes de formation ayant assuré les formations",
                    ", ".join(training.bodies) or DASH,
                ),
            ),
            widths=(4.4, 2.2),
        ),
    ]
