"""The whole input of one annual report: one establishment, one year, the seed's four parts.

``parse_report_input`` is the entry point for untrusted data (API body, import): it returns a
``ReportInput`` or raises ``ReportInputError`` with every refused field and a French message.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError, model_validator

from reporting.domain.establishment import EstablishmentPart
from reporting.domain.indicators import IndicatorsPart
from reporting.domain.means import MeansAndActionsPart, SignificantFactsPart
from reporting.domain.validation import (
    InputModel,
    Issue,
    Loc,
    ReportInputError,
    raise_issues,
    seed_field,
)

#: The seed's first report covered 1989.
FIRST_REPORT_YEAR = 1989


def _french_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class ReportInput(InputModel):
    """Everything entered for the annual report of one establishment for one year."""

    year: int = seed_field("II", "Année du rapport", ge=FIRST_REPORT_YEAR)
    establishment: EstablishmentPart = seed_field("I", "Présentation de l'établissement")
    indicators: IndicatorsPart = seed_field("II", "Principaux indicateurs")
    significant_facts: SignificantFactsPart = seed_field(
        "III", "Faits saillants", default_factory=SignificantFactsPart
    )
    means_and_actions: MeansAndActionsPart = seed_field("IV", "Moyens et actions")

    @model_validator(mode="after")
    def _within_the_year(self) -> ReportInput:
        raise_issues(self, [*self._dates_outside_the_year(), *self._previous_years_issues()])
        return self

    def _dates_outside_the_year(self) -> list[Issue]:
        year = self.year
        dated: list[tuple[Loc, str, dt.date | None]] = []
        for index, accident in enumerate(self.indicators.accidents):
            reference = f" (réf. {accident.reference})" if accident.reference else ""
            title = f"Date de l'accident n° {index + 1}{reference}"
            dated.append((("indicators", "accidents", index, "date"), title, accident.date))
        for index, fact in enumerate(self.significant_facts.facts):
            loc: Loc = ("significant_facts", "facts", index, "date")
            dated.append((loc, f"Date du fait saillant n° {index + 1}", fact.date))
        committee = self.means_and_actions.committee
        for index, meeting in enumerate(committee.extraordinary_meetings):
            loc = ("means_and_actions", "committee", "extraordinary_meetings", index, "date")
            title = f"Date de la réunion extraordinaire n° {index + 1}"
            dated.append((loc, title, meeting.date))
        for index, action in enumerate(self.means_and_actions.actions):
            loc = ("means_and_actions", "actions", index, "completed_on")
            dated.append(
                (loc, f"Date de réalisation de l'action « {action.title} »", action.completed_on)
            )
        return [
            Issue(
                loc,
                f"« {title} » : le {_french_date(day)} n'est pas dans l'année du rapport ({year}).",
                day.isoformat(),
            )
            for loc, title, day in dated
            if day is not None and day.year != year
        ]

    def _previous_years_issues(self) -> list[Issue]:
        allowed = (self.year - 2, self.year - 1)
        counts = Counter(prior.year for prior in self.indicators.previous_years)
        issues: list[Issue] = []
        for index, prior in enumerate(self.indicators.previous_years):
            loc: Loc = ("indicators", "previous_years", index, "year")
            if prior.year not in allowed:
                message = (
                    f"« Année précédente » : {prior.year} n'est pas l'une des deux années qui "
                    f"précèdent le rapport ({allowed[0]} ou {allowed[1]})."
                )
                issues.append(Issue(loc, message, prior.year))
            elif counts[prior.year] > 1:
                message = f"« Année précédente » : l'année {prior.year} figure plusieurs fois."
                issues.append(Issue(loc, message, prior.year))
        return issues


def parse_report_input(data: Mapping[str, Any]) -> ReportInput:
    """Validate untrusted input; ``ReportInputError`` lists every refused field in French."""
    try:
        return ReportInput.model_validate(data)
    except ValidationError as exc:
        raise ReportInputError.from_validation_error(exc, ReportInput) from None
