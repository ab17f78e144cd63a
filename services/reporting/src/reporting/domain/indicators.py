"""Part II of the annual report (seed 004): what is entered to compute the main indicators.

Only inputs live here: hours worked are entered as days present or declared hours, accidents
one line each. Rates are never entered, they are computed (``domain.rates``), also for the two
previous years, whose base figures are entered or taken from earlier reports.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from pydantic import ValidationInfo, field_validator, model_validator

from reporting.domain.validation import InputModel, Issue, raise_issues, seed_field
from reporting.domain.vocabulary import AccidentKind, DiseaseRegime, HoursMethod, MaterialElement


class HoursWorkedInput(InputModel):
    """II.2.1 note 4: days present at the workplace per population, or hours the establishment
    counts itself (``method="declared"``)."""

    method: HoursMethod = seed_field(
        "II.2.1", "Mode de décompte des heures travaillées", HoursMethod.DAYS_PRESENT
    )
    practitioner_days: int | None = seed_field(
        "II.2.1", "Journées de présence des praticiens hospitaliers", None, ge=0
    )
    other_staff_days: int | None = seed_field(
        "II.2.1", "Journées de présence des autres personnels", None, ge=0
    )
    declared_hours: Decimal | None = seed_field(
        "II.2.1", "Heures travaillées décomptées par l'établissement", None, ge=0
    )

    @model_validator(mode="after")
    def _inputs_of_the_method(self) -> HoursWorkedInput:
        days = self.method is HoursMethod.DAYS_PRESENT
        wanted = {
            "practitioner_days": (days, "Journées de présence des praticiens hospitaliers"),
            "other_staff_days": (days, "Journées de présence des autres personnels"),
            "declared_hours": (not days, "Heures travaillées décomptées par l'établissement"),
        }
        issues: list[Issue] = []
        for name, (needed, title) in wanted.items():
            value = getattr(self, name)
            if needed and value is None:
                message = f"« {title} » : à renseigner pour le décompte « {self.method.label} »."
                issues.append(Issue((name,), message))
            elif not needed and value is not None:
                message = (
                    f"« {title} » : ne s'applique pas au décompte « {self.method.label} » ; "
                    "laisser vide ou changer de mode de décompte."
                )
                issues.append(Issue((name,), message, value))
        raise_issues(self, issues)
        return self


class AccidentLine(InputModel):
    """II.2.1: one line of the accident register. No name: the report needs none."""

    reference: str | None = seed_field(
        "II.2.1", "Référence de l'accident dans le registre", None, max_length=50
    )
    date: dt.date = seed_field("II.2.1", "Date de l'accident")
    kind: AccidentKind = seed_field("II.2.1", "Nature de l'accident (travail ou trajet)")
    with_time_off: bool = seed_field("II.2.1", "Avec arrêt de travail")
    days_lost: int = seed_field("II.2.1", "Nombre de journées perdues", 0, ge=0)
    permanent_incapacity_rate: Decimal | None = seed_field(
        "II.2.1",
        "Taux d'incapacité permanente reconnu (%)",
        None,
        ge=0,
        le=100,
    )
    fatal: bool = seed_field("II.2.1", "Accident mortel", False)
    external_company_victim: bool = seed_field(
        "II.2.1", "Victime appartenant à une entreprise extérieure (note 5)", False
    )
    material_element: MaterialElement | None = seed_field(
        "II.2.1", "Élément matériel (note 6)", None
    )

    @field_validator("days_lost")
    @classmethod
    def _days_lost_need_time_off(cls, value: int, info: ValidationInfo) -> int:
        if value > 0 and info.data.get("with_time_off") is False:
            raise ValueError(
                f"« Nombre de journées perdues » : {value} journée(s) perdue(s) pour un accident "
                "sans arrêt de travail ; cocher « Avec arrêt de travail » ou mettre 0."
            )
        return value

    @property
    def has_permanent_incapacity(self) -> bool:
        """A permanent incapacity (partial or total) was recognised: a rate above zero."""
        return self.permanent_incapacity_rate is not None and self.permanent_incapacity_rate > 0


class OccupationalDiseaseCases(InputModel):
    """II.2.2: cases of one table of occupational diseases (code kept as entered; the service
    checks it against the thesaurus)."""

    regime: DiseaseRegime = seed_field("II.2.2", "Régime du tableau", DiseaseRegime.GENERAL)
    table: str = seed_field(
        "II.2.2", "Numéro du tableau de maladies professionnelles", min_length=1, max_length=20
    )
    label: str | None = seed_field("II.2.2", "Nature de la maladie", None, max_length=300)
    cases: int = seed_field("II.2.2", "Nombre de cas", ge=0)


class ServiceDiseaseCases(InputModel):
    """II.2.2: cases of one kind of disease attributable to service."""

    nature: str = seed_field(
        "II.2.2", "Nature de la maladie imputable au service", min_length=1, max_length=300
    )
    cases: int = seed_field("II.2.2", "Nombre de cas", ge=0)


class IndirectCost(InputModel):
    """II.2.3 note 8: indirect cost of accidents and diseases, with the method used."""

    amount: Decimal = seed_field("II.2.3", "Coût indirect estimé (euros)", ge=0)
    method: str = seed_field(
        "II.2.3", "Méthode d'évaluation retenue", min_length=1, max_length=2000
    )


class WorkOrganisation(InputModel):
    """II.2.4 Organisation du travail."""

    alternating_shift_agents: int = seed_field(
        "II.2.4", "Nombre d'agents occupant des horaires alternants (travail posté)", 0, ge=0
    )
    night_agents: int = seed_field(
        "II.2.4", "Nombre d'agents occupant des horaires de nuit (note 9)", 0, ge=0
    )
    two_consecutive_rest_days_agents: int = seed_field(
        "II.2.4",
        "Nombre d'agents ayant bénéficié toute l'année de deux jours de repos hebdomadaires "
        "consécutifs",
        0,
        ge=0,
    )


class PriorYearInput(InputModel):
    """II: base figures of one of the two previous years, as stated in the report.

    Left empty when not available (the seed's transitional clause); rates are recomputed.
    """

    year: int = seed_field("II", "Année")
    hours_worked: Decimal | None = seed_field("II.2.1", "Nombre d'heures travaillées", None)
    headcount: int | None = seed_field("I.1.2.1", "Effectif au 31 décembre", None)
    work_accidents_with_time_off: int | None = seed_field(
        "II.2.1", "Nombre d'accidents de travail avec arrêt de travail", None
    )
    days_lost: int | None = seed_field("II.2.1", "Nombre de journées perdues", None)
    permanent_incapacities: int | None = seed_field(
        "II.2.1", "Nombre d'incapacités permanentes reconnues", None
    )
    fatal_work_accidents: int | None = seed_field(
        "II.2.1", "Nombre d'accidents mortels de travail", None
    )
    fatal_commute_accidents: int | None = seed_field(
        "II.2.1", "Nombre d'accidents mortels de trajet", None
    )
    commute_accidents_with_time_off: int | None = seed_field(
        "II.2.1", "Nombre d'accidents de trajet avec arrêt de travail", None
    )
    external_victims: int | None = seed_field(
        "II.2.1", "Nombre d'accidents de victimes d'entreprises extérieures", None
    )


class IndicatorsPart(InputModel):
    """Part II « Principaux indicateurs »."""

    hours_worked: HoursWorkedInput = seed_field("II.2.1", "Heures travaillées (note 4)")
    accidents: list[AccidentLine] = seed_field(
        "II.2.1", "Registre des accidents", default_factory=list
    )
    incapacities_from_earlier_accidents: int = seed_field(
        "II.2.1",
        "Incapacités permanentes reconnues dans l'année pour des accidents d'années antérieures",
        0,
        ge=0,
    )
    occupational_diseases: list[OccupationalDiseaseCases] = seed_field(
        "II.2.2", "Maladies professionnelles par tableau", default_factory=list
    )
    service_diseases: list[ServiceDiseaseCases] = seed_field(
        "II.2.2", "Maladies imputables au service", default_factory=list
    )
    process_declarations: int = seed_field(
        "II.2.2",
        "Nombre de déclarations de procédés de travail susceptibles de provoquer des maladies "
        "professionnelles (note 7)",
        0,
        ge=0,
    )
    indirect_cost: IndirectCost | None = seed_field("II.2.3", "Coût indirect", None)
    work_organisation: WorkOrganisation = seed_field(
        "II.2.4", "Organisation du travail", default_factory=WorkOrganisation
    )
    comment: str | None = seed_field("II", "Commentaire des indicateurs", None, max_length=20000)
    previous_years: list[PriorYearInput] = seed_field(
        "II", "Données des deux années précédentes", default_factory=list, max_length=2
    )

    @model_validator(mode="after")
    def _one_line_per_table(self) -> IndicatorsPart:
        seen = Counter((line.regime, line.table.upper()) for line in self.occupational_diseases)
        issues: list[Issue] = []
        reported: set[Any] = set()
        for index, line in enumerate(self.occupational_diseases):
            key = (line.regime, line.table.upper())
            if seen[key] > 1 and key not in reported:
                reported.add(key)
                issues.append(
                    Issue(
                        ("occupational_diseases", index, "table"),
                        f"Le tableau {line.table} du {line.regime.label.lower()} figure "
                        f"{seen[key]} fois ; regrouper ses cas sur une seule ligne.",
                        line.table,
                    )
                )
        raise_issues(self, issues)
        return self
