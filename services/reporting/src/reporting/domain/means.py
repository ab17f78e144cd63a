"""Parts III and IV of the annual report (seed 004): significant facts, means and actions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from pydantic import model_validator

from reporting.domain.validation import InputModel, Issue, raise_issues, seed_field
from reporting.domain.vocabulary import (
    ActionState,
    MeetingReason,
    SignificantFactKind,
    SpendingKind,
)


class SignificantFact(InputModel):
    """III: one fact of the year significant for the priorities of the programme."""

    kind: SignificantFactKind = seed_field("III", "Nature du fait")
    date: dt.date | None = seed_field("III", "Date du fait", None)
    unit: str | None = seed_field("III", "Unité concernée", None, max_length=200)
    summary: str = seed_field("III", "Description", min_length=1, max_length=5000)
    lessons: str | None = seed_field(
        "III", "Enseignements à en tirer ou conséquences", None, max_length=5000
    )


class SignificantFactsPart(InputModel):
    """Part III « Faits saillants »: a structured list and a free text."""

    facts: list[SignificantFact] = seed_field("III", "Faits saillants", default_factory=list)
    text: str | None = seed_field("III", "Présentation des faits saillants", None, max_length=50000)


class SpecialisedStaff(InputModel):
    """IV.4.1 a): staff dedicated to safety and working conditions (when it exists)."""

    function: str = seed_field("IV.4.1", "Fonction", min_length=1, max_length=200)
    count: int = seed_field("IV.4.1", "Nombre d'agents", ge=0)
    full_time_equivalent: Decimal | None = seed_field(
        "IV.4.1", "Équivalent temps plein", None, ge=0
    )


class PreventionSpending(InputModel):
    """IV.4.1 a) note 10: a sum by kind, with the previous year's sum for the % change."""

    kind: SpendingKind = seed_field("IV.4.1", "Nature des sommes")
    amount: Decimal = seed_field("IV.4.1", "Montant de l'année (euros)", ge=0)
    previous_year_amount: Decimal | None = seed_field(
        "IV.4.1", "Montant de l'année précédente (euros)", None, ge=0
    )


class AdministrationMeans(InputModel):
    """IV.4.1 « L'administration »."""

    specialised_staff: list[SpecialisedStaff] = seed_field(
        "IV.4.1", "Personnel spécialisé", default_factory=list
    )
    spending: list[PreventionSpending] = seed_field(
        "IV.4.1", "Sommes consacrées à la prévention", default_factory=list
    )
    other_means: str | None = seed_field(
        "IV.4.1",
        "Actions intégrant la sécurité dans la conception et le choix des bâtiments, "
        "installations, machines",
        None,
        max_length=20000,
    )

    @model_validator(mode="after")
    def _one_sum_per_kind(self) -> AdministrationMeans:
        counts = Counter(line.kind for line in self.spending)
        raise_issues(
            self,
            [
                Issue(
                    ("spending", index, "kind"),
                    f"« {line.kind.label} » figure {counts[line.kind]} fois ; une seule ligne "
                    "par nature de sommes.",
                    line.kind.value,
                )
                for index, line in enumerate(self.spending)
                if counts[line.kind] > 1
                and index == next(i for i, s in enumerate(self.spending) if s.kind is line.kind)
            ],
        )
        return self


class ExtraordinaryMeeting(InputModel):
    """IV.4.2: one extraordinary meeting of the committee and why it was held."""

    date: dt.date | None = seed_field("IV.4.2", "Date de la réunion", None)
    reason: MeetingReason = seed_field("IV.4.2", "Motif de la réunion extraordinaire")
    detail: str | None = seed_field("IV.4.2", "Précisions", None, max_length=2000)


class CommitteeActivity(InputModel):
    """IV.4.2 « Le comité » (note 11: or the staff representatives of the technical committee
    in establishments under 50 agents)."""

    held_by_technical_committee: bool = seed_field(
        "IV.4.2", "Activité exercée par le comité technique paritaire (note 11)", False
    )
    secretariat_means: str | None = seed_field(
        "IV.4.2", "Moyens du secrétariat", None, max_length=5000
    )
    ordinary_meetings: int = seed_field("IV.4.2", "Nombre de réunions ordinaires", ge=0)
    extraordinary_meetings: list[ExtraordinaryMeeting] = seed_field(
        "IV.4.2", "Réunions extraordinaires", default_factory=list
    )
    inquiries: int = seed_field("IV.4.2", "Nombre d'enquêtes menées (note 12)", 0, ge=0)
    serious_imminent_danger_procedures: int = seed_field(
        "IV.4.2",
        "Nombre de mises en œuvre de la procédure de danger grave et imminent (note 13)",
        0,
        ge=0,
    )
    expert_appointments: int = seed_field(
        "IV.4.2", "Nombre de recours à un expert (note 14)", 0, ge=0
    )
    trained_representatives: int = seed_field(
        "IV.4.2", "Nombre de représentants du personnel formés (note 15)", 0, ge=0
    )
    consultations: int = seed_field(
        "IV.4.2",
        "Nombre de consultations avant une décision d'aménagement important (note 16)",
        0,
        ge=0,
    )


class ProgrammeAction(InputModel):
    """IV.4.3: one action of the programme, in the programme's order where possible."""

    title: str = seed_field("IV.4.3", "Intitulé de l'action", min_length=1, max_length=500)
    state: ActionState = seed_field("IV.4.3", "État au 31 décembre")
    programme_order: int | None = seed_field(
        "IV.4.3", "Rang dans le programme de l'année", None, ge=1
    )
    added_during_year: bool = seed_field("IV.4.3", "Ajoutée ou substituée en cours d'année", False)
    reason_added: str | None = seed_field(
        "IV.4.3", "Raison de l'ajout (par exemple à la suite d'un accident)", None, max_length=2000
    )
    completed_on: dt.date | None = seed_field("IV.4.3", "Date de réalisation", None)
    source_action: str | None = seed_field(
        "IV.4.3",
        "Action du plan d'action d'origine (référence pseudonyme des événements)",
        None,
        pattern=r"^[0-9a-f]{64}$",
    )

    @model_validator(mode="after")
    def _completion_matches_state(self) -> ProgrammeAction:
        if self.state is ActionState.OPEN and self.completed_on is not None:
            message = (
                f"« Date de réalisation » : l'action « {self.title} » est en cours au "
                "31 décembre ; elle n'a pas de date de réalisation."
            )
            raise_issues(self, [Issue(("completed_on",), message, self.completed_on.isoformat())])
        return self


class Training(InputModel):
    """IV.4.3: training in health, safety and working conditions (committee members aside)."""

    total_trained: int = seed_field("IV.4.3", "Nombre total de personnels formés", 0, ge=0)
    prevention_safety_trained: int = seed_field(
        "IV.4.3", "Effectif formé à la prévention et à la sécurité dans l'année (note 17)", 0, ge=0
    )
    bodies: list[str] = seed_field(
        "IV.4.3", "Organismes de formation ayant assuré les formations", default_factory=list
    )

    @model_validator(mode="after")
    def _part_within_total(self) -> Training:
        if self.prevention_safety_trained > self.total_trained:
            message = (
                "« Effectif formé à la prévention et à la sécurité » "
                f"({self.prevention_safety_trained}) dépasse le nombre total de personnels "
                f"formés ({self.total_trained})."
            )
            raise_issues(
                self,
                [Issue(("prevention_safety_trained",), message, self.prevention_safety_trained)],
            )
        return self


class MeansAndActionsPart(InputModel):
    """Part IV « Moyens et actions »."""

    administration: AdministrationMeans = seed_field(
        "IV.4.1", "L'administration", default_factory=AdministrationMeans
    )
    committee: CommitteeActivity = seed_field("IV.4.2", "Le comité")
    actions: list[ProgrammeAction] = seed_field(
        "IV.4.3", "Actions menées et mise en œuvre du programme", default_factory=list
    )
    training: Training = seed_field("IV.4.3", "Actions de formation", default_factory=Training)
