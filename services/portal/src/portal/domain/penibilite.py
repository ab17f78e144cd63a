"""The pénibilité factors of a work unit as the page shows and sends them (pure).

Nothing here decides a rule. The ten factors, which of them have a C2P threshold, the company's
proportion above it, and whether an exposure is above its threshold (prorated over the year
when the law changed within it) are the assessment's answer (``penibilite_annex`` and each unit's
``penibilite``, docs/domain.md § Pénibilité and the C2P thresholds). The thresholds' texts and
their dates of force are the regional thesaurus' (``c2p-seuils``, dated properties); the groups
are the parents of the factors in ``penibilite-facteurs``. The portal only picks the values in
force during the year shown and puts them in French.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.domain.forms import FieldSpec, FormErrors

NO_C2P_THRESHOLD = (
    "Pas de seuil C2P depuis 2017 : ce facteur s'évalue tout de même dans le document unique, "
    "mais une exposition n'ouvre pas de droits au compte professionnel de prévention."
)
PRORATED = (
    "Le seuil a changé en cours d'année : pour {year}, la durée retenue est calculée au prorata "
    "des jours de chaque valeur, par le service du document unique, dès que le facteur est évalué."
)
UNGROUPED = "Facteurs de pénibilité"
YES_NO: dict[str, tuple[str, str]] = {"oui": ("Oui", ""), "non": ("Non", "")}
MAX_DURATION = Decimal(100_000)


@dataclass(frozen=True)
class DurationInForce:
    """A minimum yearly duration of a threshold line and the days it is in force."""

    text: str  # « 100 nuits par an »
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class ThresholdLine:
    """A line of D4163-2 (noise and repetitive work have two) as in force during the year."""

    code: str
    label: str
    intensity: str
    durations: tuple[DurationInForce, ...]
    unit: str

    @property
    def changed_in_year(self) -> bool:
        return len(self.durations) > 1


@dataclass(frozen=True)
class ExposureRow:
    """An assessment recorded in the unit, every judgement as the assessment made it."""

    threshold_code: str
    intensity: str
    intensity_reached: bool
    yearly_duration: str
    duration_unit: str
    threshold_value: str
    estimated: bool
    exposed_headcount: int
    above_threshold: bool


@dataclass(frozen=True)
class FactorRow:
    code: str
    display: str
    has_c2p_threshold: bool
    lines: tuple[ThresholdLine, ...]
    exposures: tuple[ExposureRow, ...]
    exposed_above_threshold: int
    proportion: str  # « 25,00 % » of the company's headcount

    def line(self, code: str | None) -> ThresholdLine | None:
        return next((line for line in self.lines if line.code == code), None)

    def exposure(self, threshold_code: str | None) -> ExposureRow | None:
        """The assessment of that line (or, without one, the factor's first)."""
        if threshold_code:
            return next((e for e in self.exposures if e.threshold_code == threshold_code), None)
        return self.exposures[0] if self.exposures else None


@dataclass(frozen=True)
class FactorGroup:
    code: str
    label: str
    factors: tuple[FactorRow, ...]


def latest_published(versions: Sequence[Mapping[str, Any]]) -> str | None:
    """The version a reader is given: the last one published (retired ones are not)."""
    published = [v for v in versions if v.get("status") == "published"]
    if not published:
        return None
    return str(max(published, key=lambda v: str(v.get("published_at") or ""))["version"])


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _in_year(prop: Mapping[str, Any], year: int) -> bool:
    start, end = _day(prop.get("valid_from")), _day(prop.get("valid_to"))
    first, last = date(year, 1, 1), date(year, 12, 31)
    return (start is None or start <= last) and (end is None or end >= first)


def _values(concept: Mapping[str, Any], name: str, year: int) -> list[Mapping[str, Any]]:
    return [
        p for p in concept.get("properties") or () if p.get("code") == name and _in_year(p, year)
    ]


def threshold_lines(
    thresholds: Sequence[Mapping[str, Any]], factor_code: str, year: int
) -> tuple[ThresholdLine, ...]:
    """The factor's threshold lines with their values in force during ``year``."""
    lines = []
    for concept in sorted(thresholds, key=lambda c: str(c.get("code"))):
        factor = next(
            (p.get("value") for p in concept.get("properties") or () if p.get("code") == "factor"),
            None,
        )
        if factor != factor_code:
            continue
        durations = sorted(
            {
                DurationInForce(
                    str(p.get("value")), _day(p.get("valid_from")), _day(p.get("valid_to"))
                )
                for p in _values(concept, "duree_minimale", year)
            },
            key=lambda d: d.valid_from or date.min,
        )
        if not durations:
            continue  # no value in force that year
        intensity = _values(concept, "intensite_minimale", year)
        intensities = dict.fromkeys(str(p.get("value")) for p in intensity)
        units = [str(p.get("value")) for p in _values(concept, "duree_unite", year)]
        lines.append(
            ThresholdLine(
                code=str(concept["code"]),
                label=str(concept.get("display") or concept["code"]),
                intensity=" ; ".join(intensities),
                durations=tuple(durations),
                unit=units[-1] if units else "",
            )
        )
    return tuple(lines)


def fr_number(value: Any) -> str:
    """« 12,5 » from the service's « 12.5 » (« 110 » stays « 110 »)."""
    if value is None or value == "":
        return ""
    text = str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fr_percent(proportion: Any) -> str:
    """« 25,00 % » from the service's proportion « 0.2500 »."""
    try:
        value = Decimal(str(proportion)) * 100
    except InvalidOperation:
        return ""
    return f"{value:.2f}".replace(".", ",") + " %"


def _exposure(raw: Mapping[str, Any]) -> ExposureRow:
    return ExposureRow(
        threshold_code=str(raw.get("threshold_code") or ""),
        intensity=str(raw.get("intensity") or ""),
        intensity_reached=bool(raw.get("intensity_reached")),
        yearly_duration=fr_number(raw.get("yearly_duration")),
        duration_unit=str(raw.get("duration_unit") or ""),
        threshold_value=fr_number(raw.get("threshold_value")),
        estimated=bool(raw.get("estimated")),
        exposed_headcount=int(raw.get("exposed_headcount") or 0),
        above_threshold=bool(raw.get("above_threshold")),
    )


def factor_groups(
    annex: Sequence[Mapping[str, Any]],
    unit: Mapping[str, Any],
    *,
    factors: Sequence[Mapping[str, Any]],
    thresholds: Sequence[Mapping[str, Any]],
    year: int,
) -> list[FactorGroup]:
    """The ten factors in the assessment's order, in the thesaurus' groups (one group if the
    thesaurus could not be read), with the unit's assessments and the thresholds of ``year``."""
    concepts = {str(c.get("code")): c for c in factors}
    groups: dict[str, list[FactorRow]] = {}
    for line in annex:
        factor = line.get("factor") or {}
        code = str(factor.get("code"))
        parents = (concepts.get(code) or {}).get("parents") or [""]
        has_threshold = bool(line.get("has_c2p_threshold"))
        row = FactorRow(
            code=code,
            display=str(factor.get("display") or code),
            has_c2p_threshold=has_threshold,
            lines=threshold_lines(thresholds, code, year) if has_threshold else (),
            exposures=tuple(
                _exposure(e)
                for e in unit.get("penibilite") or ()
                if str((e.get("factor") or {}).get("code")) == code
            ),
            exposed_above_threshold=int(line.get("exposed_above_threshold") or 0),
            proportion=fr_percent(line.get("proportion", 0)),
        )
        groups.setdefault(str(parents[0]), []).append(row)
    return [
        FactorGroup(
            code=group,
            label=str((concepts.get(group) or {}).get("display") or UNGROUPED),
            factors=tuple(rows),
        )
        for group, rows in groups.items()
    ]


def find_factor(groups: Sequence[FactorGroup], code: str) -> FactorRow | None:
    return next((f for g in groups for f in g.factors if f.code == code), None)


def line_options(row: FactorRow) -> dict[str, tuple[str, str]]:
    return {
        line.code: (line.intensity or line.label, ", ".join(d.text for d in line.durations))
        for line in row.lines
    }


def factor_form(row: FactorRow) -> tuple[FieldSpec, ...]:
    """The assessment of one factor, as ``PUT …/work-units/{id}/penibilite`` takes it."""
    unit = row.lines[0].unit if row.lines else ""
    specs: list[FieldSpec] = []
    if len(row.lines) > 1:
        specs.append(
            FieldSpec(
                "threshold_code",
                "Situation évaluée",
                kind="choice",
                required=True,
                choices=tuple(line.code for line in row.lines),
            )
        )
    specs.append(
        FieldSpec(
            "exposed_headcount",
            "Nombre de salariés de l'unité exposés",
            kind="int",
            required=True,
            minimum=0,
            maximum=1_000_000,
        )
    )
    specs.append(
        FieldSpec(
            "intensity", "Exposition constatée (facultatif)", kind="textarea", max_length=2000
        )
    )
    if row.has_c2p_threshold:
        specs.append(
            FieldSpec(
                "intensity_reached",
                "L'intensité minimale du seuil est-elle atteinte ?",
                kind="choice",
                required=True,
                choices=tuple(YES_NO),
            )
        )
    specs.append(
        FieldSpec(
            "yearly_duration",
            f"Durée d'exposition sur l'année{f' ({unit})' if unit else ''} (facultatif)",
            max_length=20,
        )
    )
    specs.append(
        FieldSpec(
            "estimated",
            "Cette durée est-elle une estimation ?",
            kind="choice",
            choices=tuple(YES_NO),
        )
    )
    return tuple(specs)


def parse_duration(text: str) -> tuple[Decimal | None, str | None]:
    """« 12,5 » → 12.5; the French reason when it is not a duration the service takes."""
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if not cleaned:
        return None, None
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None, "Un nombre est attendu (par exemple 110 ou 12,5)."
    if not value.is_finite() or value < 0:
        return None, "La durée ne peut pas être négative."
    if value > MAX_DURATION:
        return None, "La durée doit être au plus 100 000."
    return value, None


def penibilite_payload(
    row: FactorRow, parsed: Mapping[str, Any]
) -> tuple[dict[str, Any], FormErrors]:
    """A checked form as the API's ``PenibiliteIn``; a single threshold line is the service's
    default (the factor's own code), two lines need the one chosen."""
    errors = FormErrors()
    duration, problem = parse_duration(str(parsed.get("yearly_duration") or ""))
    if problem:
        errors.add("yearly_duration", problem)
    payload: dict[str, Any] = {
        "factor_code": row.code,
        "intensity": str(parsed.get("intensity") or ""),
        "intensity_reached": parsed.get("intensity_reached") == "oui",
        "yearly_duration": None if duration is None else str(duration),
        "estimated": parsed.get("estimated") == "oui",
        "exposed_headcount": int(parsed.get("exposed_headcount") or 0),
    }
    if parsed.get("threshold_code"):
        payload["threshold_code"] = str(parsed["threshold_code"])
    return payload, errors


def exposure_values(exposure: ExposureRow | None) -> dict[str, str]:
    """A recorded assessment as form values, to change it from where it stands."""
    if exposure is None:
        return {}
    values = {
        "exposed_headcount": str(exposure.exposed_headcount),
        "intensity": exposure.intensity,
        "intensity_reached": "oui" if exposure.intensity_reached else "non",
        "yearly_duration": exposure.yearly_duration,
        "estimated": "oui" if exposure.estimated else "non",
    }
    if exposure.threshold_code:
        values["threshold_code"] = exposure.threshold_code
    return values
