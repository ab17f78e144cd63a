"""Part I of the annual report (seed 004): the establishment, its committees and staff.

The report covers one establishment and one year. When an establishment has several
committees, the seed asks for the figures of each committee where they can be isolated and
a total for the establishment for I.1.2.1 and II; this model carries the establishment's
totals (the committees and the sector each covers are listed, their figures are not split).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from pydantic import model_validator

from reporting.domain.validation import InputModel, Issue, raise_issues, seed_field
from reporting.domain.vocabulary import CATEGORIES_BY_SECTOR, Sector, StaffCategory


class Identity(InputModel):
    """I.1.1 Identification: name and address of the establishment."""

    name: str = seed_field("I.1.1", "Nom de l'établissement", min_length=1, max_length=200)
    address: str = seed_field("I.1.1", "Adresse de l'établissement", min_length=1, max_length=500)
    siret: str | None = seed_field("I.1.1", "SIRET de l'établissement", None, pattern=r"^\d{14}$")
    naf_code: str | None = seed_field(
        "I.1.1", "Code NAF de l'activité", None, pattern=r"^\d{2}\.?\d{2}[A-Z]$"
    )
    sector: Sector = seed_field("I.1.2.1", "Secteur (catégories de personnel applicables)")


class Committee(InputModel):
    """I.1.1: one health-and-safety committee and the activity sector it covers."""

    name: str = seed_field("I.1.1", "Nom du comité", min_length=1, max_length=200)
    activity_sector: str | None = seed_field(
        "I.1.1",
        "Nature du secteur d'activité couvert par le comité",
        None,
        max_length=500,
    )


class Mission(InputModel):
    """I.1.1 « Nombre de missions et nature de ces missions »."""

    nature: str = seed_field("I.1.1", "Nature de la mission", min_length=1, max_length=500)
    count: int = seed_field("I.1.1", "Nombre de missions", 1, ge=0)


class HeadcountLine(InputModel):
    """I.1.2.1: agents paid on 31 December in one category (note 1), medical staff included."""

    category: StaffCategory = seed_field("I.1.2.1", "Catégorie de personnel")
    men: int = seed_field("I.1.2.1", "Hommes", ge=0)
    women: int = seed_field("I.1.2.1", "Femmes", ge=0)
    total: int | None = seed_field("I.1.2.1", "Total", None, ge=0)
    foreigners: int = seed_field("I.1.2.1", "Dont étrangers", 0, ge=0)

    @property
    def headcount(self) -> int:
        """Men plus women: the line's total whether or not it was entered."""
        return self.men + self.women

    @model_validator(mode="after")
    def _adds_up(self) -> HeadcountLine:
        label = self.category.label
        issues: list[Issue] = []
        if self.total is not None and self.total != self.headcount:
            issues.append(
                Issue(
                    ("total",),
                    f"Effectif « {label} » : le total saisi ({self.total}) ne correspond pas "
                    f"à hommes + femmes ({self.men} + {self.women} = {self.headcount}).",
                    self.total,
                )
            )
        if self.foreigners > self.headcount:
            issues.append(
                Issue(
                    ("foreigners",),
                    f"Effectif « {label} » : le nombre d'étrangers ({self.foreigners}) dépasse "
                    f"l'effectif de la catégorie ({self.headcount}).",
                    self.foreigners,
                )
            )
        raise_issues(self, issues)
        return self


class Headcount(InputModel):
    """I.1.2.1: headcount on 31 December by category × men / women / of which foreigners.

    The totals row is optional; when it is entered, each total must equal the sum of its column.
    """

    lines: list[HeadcountLine] = seed_field("I.1.2.1", "Effectif par catégorie", min_length=1)
    total_men: int | None = seed_field("I.1.2.1", "Total hommes", None, ge=0)
    total_women: int | None = seed_field("I.1.2.1", "Total femmes", None, ge=0)
    total: int | None = seed_field("I.1.2.1", "Effectif total", None, ge=0)
    total_foreigners: int | None = seed_field("I.1.2.1", "Total dont étrangers", None, ge=0)

    @property
    def men(self) -> int:
        """Men over all categories."""
        return sum(line.men for line in self.lines)

    @property
    def women(self) -> int:
        """Women over all categories."""
        return sum(line.women for line in self.lines)

    @property
    def foreigners(self) -> int:
        """Foreigners over all categories."""
        return sum(line.foreigners for line in self.lines)

    @property
    def headcount(self) -> int:
        """All agents paid on 31 December (note 1): the denominator of IF."""
        return self.men + self.women

    @model_validator(mode="after")
    def _totals_add_up(self) -> Headcount:
        issues: list[Issue] = []
        for category, count in Counter(line.category for line in self.lines).items():
            if count > 1:
                first = next(i for i, line in enumerate(self.lines) if line.category is category)
                issues.append(
                    Issue(
                        ("lines", first, "category"),
                        f"La catégorie « {category.label} » figure {count} fois dans l'effectif.",
                        category.value,
                    )
                )
        columns = (
            ("total_men", "Total hommes", self.total_men, self.men),
            ("total_women", "Total femmes", self.total_women, self.women),
            ("total", "Effectif total", self.total, self.headcount),
            ("total_foreigners", "Total dont étrangers", self.total_foreigners, self.foreigners),
        )
        for name, title, entered, computed in columns:
            if entered is not None and entered != computed:
                issues.append(
                    Issue(
                        (name,),
                        f"« {title} » : le total saisi ({entered}) ne correspond pas à la somme "
                        f"des catégories ({computed}).",
                        entered,
                    )
                )
        raise_issues(self, issues)
        return self


class Movements(InputModel):
    """I.1.2.2 Mouvements de personnel."""

    recruited: int = seed_field("I.1.2.2", "Nombre d'agents recrutés dans l'année", ge=0)
    departures: int = seed_field(
        "I.1.2.2",
        "Nombre de départs dans l'année (pour quelque raison que ce soit)",
        ge=0,
    )


class Subcontracting(InputModel):
    """I.1.2.3 Sous-traitance (note 3: concession contracts and temporary-agency staff)."""

    permanent_subcontractor_days: int = seed_field(
        "I.1.2.3",
        "Nombre de journées travaillées par des entreprises extérieures sous-traitants permanents",
        ge=0,
    )
    occasional_external_hours: Decimal = seed_field(
        "I.1.2.3",
        "Nombre d'heures travaillées par des entreprises extérieures participant occasionnellement",
        ge=0,
    )


class EstablishmentPart(InputModel):
    """Part I « Présentation de l'établissement »."""

    identity: Identity = seed_field("I.1.1", "Identification")
    committees: list[Committee] = seed_field(
        "I.1.1", "Comités d'hygiène, de sécurité et des conditions de travail", min_length=1
    )
    missions: list[Mission] = seed_field("I.1.1", "Missions", default_factory=list)
    headcount: Headcount = seed_field("I.1.2.1", "Effectif")
    movements: Movements = seed_field("I.1.2.2", "Mouvements de personnel")
    subcontracting: Subcontracting = seed_field("I.1.2.3", "Sous-traitance")

    @model_validator(mode="after")
    def _categories_of_the_sector(self) -> EstablishmentPart:
        sector = self.identity.sector
        allowed = CATEGORIES_BY_SECTOR[sector]
        raise_issues(
            self,
            [
                Issue(
                    ("headcount", "lines", index, "category"),
                    f"La catégorie « {line.category.label} » n'appartient pas aux catégories "
                    f"du secteur « {sector.label} » : "
                    + ", ".join(category.label for category in allowed)
                    + ".",
                    line.category.value,
                )
                for index, line in enumerate(self.headcount.lines)
                if line.category not in allowed
            ],
        )
        return self
