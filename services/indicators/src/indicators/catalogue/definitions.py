"""The indicators, defined in the DHIS2 manner: numerator / denominator × factor, with the
disaggregations each allows. Every definition is shown to users with its figures.

Numerator and denominator name measures of a release (``indicators.domain.release.measures``);
a name ending with ":" is a family of measures by code (``hazard:`` per hazard, ``c2p:`` per
pénibilité factor). The breakdowns and filters are exactly what a release's cubes hold."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Breakdown(StrEnum):
    NAF_SECTION = "naf_section"
    NAF_DIVISION = "naf_division"
    SIZE_BAND = "size_band"
    HAZARD = "hazard"
    FACTOR = "factor"


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    label: str
    definition: str
    numerator: str
    denominator: str | None
    factor: float
    unit: str
    breakdowns: tuple[Breakdown, ...]
    filters: tuple[str, ...]
    persons: bool = False  # the numerator counts persons: fewer than 11 is secret
    min_denominator: float = 0.0
    source: str = "duerp"


NAF = (Breakdown.NAF_SECTION, Breakdown.NAF_DIVISION)
CATALOGUE: dict[str, IndicatorDefinition] = {
    d.code: d
    for d in (
        IndicatorDefinition(
            code="duerp-coverage",
            label="Couverture des DUERP",
            definition=(
                "Entreprises adhérentes dont le DUERP a une version publiée de moins de 12 mois "
                "/ entreprises adhérentes connues du service × 100"
            ),
            numerator="covered",
            denominator="members",
            factor=100.0,
            unit="%",
            breakdowns=(*NAF, Breakdown.SIZE_BAND),
            filters=("naf", "size_band"),
            source="members",
        ),
        IndicatorDefinition(
            code="exposure-prevalence",
            label="Prévalence des expositions",
            definition=(
                "Salariés exposés au danger (ou à la famille de dangers) / salariés des "
                "entreprises ayant publié leur DUERP × 100"
            ),
            numerator="exposed",
            denominator="employees",
            factor=100.0,
            unit="% des salariés",
            breakdowns=(*NAF, Breakdown.SIZE_BAND),
            filters=("naf", "size_band", "hazard_family"),
            persons=True,
        ),
        IndicatorDefinition(
            code="frequent-hazards",
            label="Dangers les plus fréquents par secteur",
            definition="Entreprises dont le DUERP comporte le danger (les dix premiers)",
            numerator="hazard:",
            denominator=None,
            factor=1.0,
            unit="entreprises",
            breakdowns=(Breakdown.HAZARD,),
            filters=("naf",),
        ),
        IndicatorDefinition(
            code="serious-work-units",
            label="Unités de travail à risque résiduel majeur ou important",
            definition=(
                "Unités de travail ayant au moins un risque résiduel majeur ou important "
                "/ unités de travail évaluées × 100"
            ),
            numerator="serious_units",
            denominator="work_units",
            factor=100.0,
            unit="%",
            breakdowns=(*NAF, Breakdown.SIZE_BAND),
            filters=("naf", "size_band"),
        ),
        IndicatorDefinition(
            code="c2p-exposed",
            label="Salariés exposés au-delà des seuils C2P",
            definition="Salariés exposés au-delà du seuil du facteur de pénibilité (D4163-2)",
            numerator="c2p:",
            denominator=None,
            factor=1.0,
            unit="salariés",
            breakdowns=(Breakdown.FACTOR, Breakdown.NAF_SECTION),
            filters=("naf", "factor"),
            persons=True,
        ),
        IndicatorDefinition(
            code="tf",
            label="Taux de fréquence (TF)",
            definition="Σ accidents du travail avec arrêt × 1 000 000 / Σ heures travaillées",
            numerator="accidents",
            denominator="hours",
            factor=1_000_000.0,
            unit="accidents par million d'heures travaillées",
            breakdowns=(*NAF, Breakdown.SIZE_BAND),
            filters=("naf", "size_band"),
            min_denominator=100_000.0,
            source="reports",
        ),
        IndicatorDefinition(
            code="tg",
            label="Taux de gravité (TG)",
            definition="Σ journées perdues × 1 000 / Σ heures travaillées (échelle CNAM, × 10³)",
            numerator="days_lost",
            denominator="hours",
            factor=1_000.0,
            unit="journées perdues pour 1 000 heures travaillées",
            breakdowns=(*NAF, Breakdown.SIZE_BAND),
            filters=("naf", "size_band"),
            min_denominator=100_000.0,
            source="reports",
        ),
        IndicatorDefinition(
            code="if",
            label="Indice de fréquence (IF)",
            definition="Σ accidents du travail avec arrêt × 1 000 / Σ salariés",
            numerator="accidents",
            denominator="agents",
            factor=1_000.0,
            unit="accidents pour 1 000 salariés",
            breakdowns=(*NAF, Breakdown.SIZE_BAND),
            filters=("naf", "size_band"),
            min_denominator=1_000.0,
            source="reports",
        ),
        IndicatorDefinition(
            code="actions-on-time",
            label="Actions de prévention réalisées dans les délais",
            definition=(
                "Actions échues réalisées à leur échéance / actions échues (hors abandonnées) × 100"
            ),
            numerator="actions_on_time",
            denominator="actions_due",
            factor=100.0,
            unit="%",
            breakdowns=(*NAF, Breakdown.SIZE_BAND),
            filters=("naf", "size_band"),
        ),
    )
}
