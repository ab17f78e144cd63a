"""Rating a risk: criteria, control-level weighting, priority bands (docs/domain.md § Rating).

A method is plain data plus the arithmetic: the product of its criteria gives the raw score,
the control level of the existing measures weights it into the residual score, and the bands map
scores onto the platform's common priority scale. Scores are ``Decimal`` so a residual score of
6 × 0.35 is exactly 2.10 in forty years' time too.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from assessment.domain.snapshot import (
    MeasureControl,
    MeasureKind,
    MethodBand,
    MethodCriterion,
    Priority,
    RatingMethodSnapshot,
    RatingMethodView,
    RatingSnapshot,
)

DEFAULT_METHOD = "gravite-probabilite-maitrise"

_PRIORITY_RANK = {p: rank for rank, p in enumerate(Priority)}


class RatingError(ValueError):
    """A rating input or a method's configuration is refused.

    ``code`` is stable English for programs, ``field`` the input key at fault, ``message`` the
    French sentence shown to users.
    """

    def __init__(self, code: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def _scale_text(levels: Iterable[int]) -> str:
    """« comprise entre 1 et 4 » for a contiguous scale, « égale à 1, 3, 7 ou 9 » otherwise."""
    values = sorted(levels)
    if values == list(range(values[0], values[-1] + 1)):
        return f"comprise entre {values[0]} et {values[-1]}"
    return "égale à " + ", ".join(str(v) for v in values[:-1]) + f" ou {values[-1]}"


@dataclass(frozen=True)
class RatingMethod:
    """A rating method: what is asked, how it is multiplied, how scores become priorities.

    Criterion labels are feminine French nouns (probabilité, gravité, fréquence): the error
    messages put « La » in front of them.
    """

    key: str
    label: str
    formula: str
    criteria: tuple[MethodCriterion, ...]
    weighting: Mapping[str, Decimal]
    weighting_labels: Mapping[str, str]
    bands: tuple[MethodBand, ...]

    def rate(self, inputs: Mapping[str, int], control_level: str | None) -> RatingSnapshot:
        """Rate one risk; ``RatingError`` if an input is missing, unknown or off the scale.

        Methods without weighting ignore ``control_level`` and record ``None``: the service may
        pass the level derived from the measures whatever the method, and the snapshot still
        says only what was used.
        """
        values = self._checked_inputs(inputs)
        raw = Decimal(1)
        for value in values.values():
            raw *= value
        level, weight = self._checked_control_level(control_level)
        residual = raw * weight
        band = self.priority_of(residual)
        return RatingSnapshot(
            method=self.key,
            inputs=values,
            control_level=level,
            raw_score=raw,
            residual_score=residual,
            raw_priority=self.priority_of(raw).priority,
            priority=band.priority,
            deadline_months=band.deadline_months,
        )

    def _checked_inputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        for key in inputs.keys() - {c.key for c in self.criteria}:
            message = f"Le critère « {key} » n'existe pas dans la méthode « {self.label} »."
            raise RatingError("unknown_criterion", key, message)
        for criterion in self.criteria:
            name = f"La {criterion.label[0].lower()}{criterion.label[1:]}"
            if criterion.key not in inputs:
                raise RatingError(
                    "missing_criterion", criterion.key, f"{name} doit être renseignée."
                )
            value, scale = inputs[criterion.key], [int(level) for level in criterion.levels]
            if isinstance(value, bool) or not isinstance(value, int) or value not in scale:
                message = f"{name} doit être {_scale_text(scale)}."
                raise RatingError("rating_out_of_scale", criterion.key, message)
        return {criterion.key: inputs[criterion.key] for criterion in self.criteria}

    def _checked_control_level(self, control_level: str | None) -> tuple[str | None, Decimal]:
        if not self.weighting:
            return None, Decimal(1)
        if control_level is None:
            message = "Le niveau de maîtrise des mesures existantes doit être renseigné."
            raise RatingError("missing_control_level", "control_level", message)
        if control_level not in self.weighting:
            message = f"Niveau de maîtrise inconnu : « {control_level} »."
            raise RatingError("unknown_control_level", "control_level", message)
        return control_level, self.weighting[control_level]

    def priority_of(self, score: Decimal) -> MethodBand:
        """The band whose half-open interval [min_score, max_score) holds ``score``."""
        for band in self.bands:
            above_min = band.min_score is None or score >= band.min_score
            below_max = band.max_score is None or score < band.max_score
            if above_min and below_max:
                return band
        raise RatingError(
            "score_out_of_bands", "score", f"Le score {score} n'entre dans aucune tranche."
        )

    def snapshot(self) -> RatingMethodSnapshot:
        """The method as stored with every published version."""
        return RatingMethodSnapshot(
            key=self.key,
            label=self.label,
            formula=self.formula,
            criteria=list(self.criteria),
            weighting=dict(self.weighting),
            weighting_labels=dict(self.weighting_labels),
            bands=list(self.bands),
        )

    def view(self) -> RatingMethodView:
        """The method as the API shows it to writers: its snapshot and its deduction of the
        control level from the measures (none without weighting)."""
        deduction = (
            [
                MeasureControl(measure_kind=kind, control_level=_CONTROL_BY_MEASURE[kind])
                for kind in MeasureKind
            ]
            if self.weighting
            else []
        )
        return RatingMethodView(**self.snapshot().model_dump(), measure_control=deduction)

    def with_bands(self, bands: Sequence[MethodBand]) -> RatingMethod:
        """The same method with a tenant's bands, once checked by ``validate_bands``."""
        return replace(self, bands=validate_bands(bands))


def validate_bands(bands: Sequence[MethodBand]) -> tuple[MethodBand, ...]:
    """Bands must start at 0, follow each other without gap or overlap, end unbounded, and
    never give a lower priority to a higher score; ``RatingError`` ``invalid_bands`` otherwise.
    """

    def refuse(message: str) -> RatingError:
        return RatingError("invalid_bands", "bands", message)

    if not bands:
        raise refuse("Au moins une tranche de priorité est nécessaire.")
    first = bands[0].min_score
    if first is not None and first != 0:
        raise refuse("La première tranche doit commencer à 0.")
    for index, band in enumerate(bands):
        last = index == len(bands) - 1
        if band.max_score is None and not last:
            raise refuse("Seule la dernière tranche peut être sans borne supérieure.")
        if last and band.max_score is not None:
            raise refuse("La dernière tranche doit couvrir tous les scores au-delà.")
        low = band.min_score if band.min_score is not None else Decimal(0)
        if band.max_score is not None and band.max_score <= low:
            raise refuse("Chaque tranche doit avoir un maximum supérieur à son minimum.")
        if index > 0:
            previous = bands[index - 1]
            if band.min_score != previous.max_score:
                raise refuse("Les tranches doivent se suivre sans trou ni chevauchement.")
            if _PRIORITY_RANK[band.priority] < _PRIORITY_RANK[previous.priority]:
                raise refuse("Une tranche plus haute ne peut pas avoir une priorité plus basse.")
        if band.deadline_months is not None and band.deadline_months < 0:
            raise refuse("Le délai d'une tranche ne peut pas être négatif.")
        if band.deadline_months is not None and band.deadline_months > MAX_DEADLINE_MONTHS:
            raise refuse(f"Le délai d'une tranche est d'au plus {MAX_DEADLINE_MONTHS} mois.")
    return tuple(bands)


def _criterion(key: str, label: str, levels: Mapping[int, str]) -> MethodCriterion:
    return MethodCriterion(key=key, label=label, levels={str(v): t for v, t in levels.items()})


def _band(
    low: int, high: int | None, priority: Priority, label: str, months: int | None
) -> MethodBand:
    return MethodBand(
        min_score=Decimal(low),
        max_score=None if high is None else Decimal(high),
        priority=priority,
        label=label,
        deadline_months=months,
    )


_SEED = RatingMethod(
    key=DEFAULT_METHOD,
    label="Gravité × probabilité, pondérées par la maîtrise des mesures existantes",
    formula="Criticité brute = gravité × probabilité ; criticité résiduelle = gravité × "
    "probabilité × pondération du niveau de maîtrise des mesures existantes.",
    criteria=(
        _criterion(
            "probability",
            "Probabilité",
            {1: "Improbable", 2: "Possible", 3: "Probable", 4: "Très probable"},
        ),
        _criterion("gravity", "Gravité", {1: "Bénin", 2: "Sérieux", 3: "Grave", 4: "Très grave"}),
    ),
    weighting={
        "none": Decimal(1),
        "partial": Decimal("0.5"),
        "controlled": Decimal("0.35"),
        "well_controlled": Decimal("0.2"),
    },
    weighting_labels={
        "none": "Aucune maîtrise",
        "partial": "Partiellement maîtrisé",
        "controlled": "Maîtrisé",
        "well_controlled": "Bien maîtrisé",
    },
    bands=(
        _band(0, 4, Priority.LOW, "Faible", None),
        _band(4, 8, Priority.MODERATE, "Modérée", 6),
        _band(8, 12, Priority.IMPORTANT, "Importante", 3),
        _band(12, None, Priority.MAJOR, "Majeure", 2),
    ),
)

# OiRA's French method (Euphorie): "10–45" is inclusive on integer scores, so 45 is moderate
# and the major band starts at 46.
_OIRA = RatingMethod(
    key="oira-fr",
    label="Méthode française d'OiRA (fréquence × gravité)",
    formula="Risque = fréquence × gravité.",
    criteria=(
        _criterion(
            "frequency",
            "Fréquence",
            {1: "Rare", 3: "Peu souvent", 7: "Souvent", 9: "Très souvent ou régulièrement"},
        ),
        _criterion(
            "severity", "Gravité", {1: "Faible", 5: "Peu grave", 7: "Grave", 10: "Très grave"}
        ),
    ),
    weighting={},
    weighting_labels={},
    bands=(
        _band(0, 10, Priority.LOW, "Faible", None),
        _band(10, 46, Priority.MODERATE, "Moyenne", 6),
        _band(46, None, Priority.MAJOR, "Élevée", 2),
    ),
)

# Kinney: "≤ 15" and "≤ 50" are inclusive upper bounds on integer products, i.e. [0, 16) and
# [16, 51). Deadlines follow OiRA's (the source gives none).
_KINNEY = RatingMethod(
    key="kinney",
    label="Méthode de Kinney (probabilité × fréquence × gravité)",
    formula="Risque = probabilité × fréquence × gravité.",
    criteria=(
        _criterion("probability", "Probabilité", {1: "Faible", 3: "Moyenne", 5: "Forte"}),
        _criterion(
            "frequency", "Fréquence", {1: "Presque jamais", 4: "Régulièrement", 7: "En permanence"}
        ),
        _criterion("severity", "Gravité", {1: "Faible", 5: "Significative", 10: "Élevée"}),
    ),
    weighting={},
    weighting_labels={},
    bands=(
        _band(0, 16, Priority.LOW, "Faible", None),
        _band(16, 51, Priority.MODERATE, "Moyen", 6),
        _band(51, None, Priority.MAJOR, "Élevé", 2),
    ),
)

METHODS: dict[str, RatingMethod] = {m.key: m for m in (_SEED, _OIRA, _KINNEY)}

_CONTROL_BY_MEASURE = {
    MeasureKind.INTRINSIC: "well_controlled",
    MeasureKind.COLLECTIVE: "controlled",
    MeasureKind.INDIVIDUAL: "partial",
    MeasureKind.INSTRUCTIONS: "none",
}


def control_level_from_measures(kinds: Iterable[MeasureKind]) -> str:
    """Default control level of the seed method: the strongest existing measure sets it
    (``MeasureKind`` is declared from the most to the least effective); nothing → ``none``."""
    present = set(kinds)
    strongest = next((kind for kind in MeasureKind if kind in present), MeasureKind.INSTRUCTIONS)
    return _CONTROL_BY_MEASURE[strongest]


def get_method(key: str) -> RatingMethod:
    """The built-in method ``key``; ``RatingError`` ``unknown_method`` otherwise."""
    try:
        return METHODS[key]
    except KeyError:
        raise RatingError(
            "unknown_method", "method", f"Méthode de cotation inconnue : « {key} »."
        ) from None


# An action's default deadline is at most ten years away: the DUERP is reviewed every year, and
# a larger delay would overflow the date arithmetic (and, beyond 2³¹, the int4 column).
MAX_DEADLINE_MONTHS = 120


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_deadline(priority: Priority, from_day: date, method: RatingMethod) -> date | None:
    """When an action for a risk of ``priority`` is due by default; None when the band has no
    deadline. If several bands share the priority, the shortest deadline wins (the strictest).
    """
    bands = [b for b in method.bands if b.priority == priority]
    if not bands:
        raise RatingError(
            "unknown_priority",
            "priority",
            f"La méthode « {method.label} » n'a pas de priorité « {priority.value} ».",
        )
    months = [b.deadline_months for b in bands if b.deadline_months is not None]
    return add_months(from_day, min(months)) if months else None
