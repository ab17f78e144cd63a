"""The risks of a work unit as the pages show and send them (pure).

Everything scored comes from the assessment's answers: the criteria, their levels and the bands
are the rating method the DUERP returns (``duerp.method``), the scores and priorities are each
risk's ``rating``. Nothing here multiplies or bands a score: the portal only finds labels and
shapes forms (docs/domain.md § Rating for the rules themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.domain.forms import FieldSpec

HAZARD_SYSTEM = "dangers"  # the regional thesaurus' hazards (cosar_common.vocabulary.DANGERS)
HAZARD_LEVEL = 2  # level 1 holds the six families; a risk names a hazard of level 2
HAZARD_RESULTS = 20
DEFAULT_METHOD = "gravite-probabilite-maitrise"

# What each level means in the platform's default method, in the words of seed 003 (the
# webinar) and docs/domain.md; the method itself only names the levels.
LEVEL_MEANINGS: dict[tuple[str, str], dict[str, str]] = {
    (DEFAULT_METHOD, "probability"): {
        "1": "Ne s'est jamais produit dans l'entreprise.",
        "2": "Pourrait se produire, occasionnellement.",
        "3": "Se produira sans doute : la situation dangereuse se répète souvent ou dure.",
        "4": "S'est déjà produit dans l'entreprise, ou a de très fortes chances de se produire.",
    },
    (DEFAULT_METHOD, "gravity"): {
        "1": "Pas d'arrêt de travail.",
        "2": "Arrêt de travail de moins de 3 mois.",
        "3": "Arrêt de travail de plus de 3 mois.",
        "4": "Décès ou incapacité permanente de travail.",
    },
}
CRITERION_QUESTIONS: dict[str, str] = {
    "probability": "Quelle est la probabilité qu'un incident survienne ? Plus la situation "
    "dangereuse se répète dans le temps et en durée, plus elle est probable.",
    "frequency": "À quelle fréquence les salariés sont-ils exposés ?",
    "gravity": "Quelle serait la gravité du dommage pour la personne ?",
    "severity": "Quelle serait la gravité du dommage pour la personne ?",
}
# Seed 003: the kind of the strongest existing measure sets the control level.
CONTROL_MEANINGS: dict[str, str] = {
    "none": "Des consignes seulement, ou rien en place : tout repose sur le comportement de "
    "chacun.",
    "partial": "Des équipements de protection individuelle : le dommage est limité, pas le risque.",
    "controlled": "Une protection collective adaptée à la tâche.",
    "well_controlled": "Le danger est supprimé à la source (prévention intrinsèque).",
}
CONTROL_LABEL = "Maîtrise par les mesures existantes"
# Only if a method ever lacks a band for a priority the service returns.
PRIORITY_FALLBACK = {
    "low": "Faible",
    "moderate": "Modérée",
    "important": "Importante",
    "major": "Majeure",
}

Options = dict[str, tuple[str, str]]  # value → (label, sentence), as the radios macro takes


@dataclass(frozen=True)
class Criterion:
    """One criterion of the method as a radio group: its field, question and options."""

    spec: FieldSpec
    question: str
    options: Options


@dataclass(frozen=True)
class HazardChoice:
    code: str
    display: str


@dataclass(frozen=True)
class RiskRow:
    """A risk line of the unit's table, every figure as the assessment returned it."""

    id: str
    hazard: str
    levels: tuple[tuple[str, str], ...]  # (criterion label, « 2 — Possible »)
    control: str
    raw_score: str
    residual_score: str
    priority: str
    deadline_months: int | None
    needs_rerating: bool
    situations: str


def criteria(method: Mapping[str, Any]) -> list[Criterion]:
    """The method's criteria (probability, gravity…) with their levels explained in French."""
    out = []
    for criterion in method.get("criteria") or ():
        key, levels = str(criterion["key"]), dict(criterion.get("levels") or {})
        meanings = LEVEL_MEANINGS.get((str(method.get("key")), key), {})
        ordered = sorted(levels, key=_as_number)
        spec = FieldSpec(
            key,
            str(criterion["label"]),
            kind="choice",
            required=True,
            choices=tuple(ordered),
            api_names=(f"rating.{key}",),
        )
        options = {v: (f"{v} — {levels[v]}", meanings.get(v, "")) for v in ordered}
        out.append(Criterion(spec, CRITERION_QUESTIONS.get(key, ""), options))
    return out


def control_options(method: Mapping[str, Any]) -> Options:
    """The control levels of a weighted method, from the least to the best controlled."""
    weighting = method.get("weighting") or {}
    labels = method.get("weighting_labels") or {}
    ordered = sorted(weighting, key=lambda level: -_as_number(str(weighting[level])))
    return {
        level: (str(labels.get(level, level)), CONTROL_MEANINGS.get(level, "")) for level in ordered
    }


def control_spec(method: Mapping[str, Any]) -> FieldSpec | None:
    options = control_options(method)
    if not options:
        return None
    return FieldSpec(
        "control_level",
        CONTROL_LABEL,
        kind="choice",
        choices=tuple(options),
        api_names=("control_level", "rating.control_level"),
    )


def _rating_specs(method: Mapping[str, Any]) -> list[FieldSpec]:
    control = control_spec(method)
    return [c.spec for c in criteria(method)] + ([control] if control else [])


def risk_form(method: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    """Adding a risk: the hazard, the rating of the method in force, the situations."""
    return (
        FieldSpec("hazard_code", "Danger", required=True, max_length=40),
        *_rating_specs(method),
        FieldSpec(
            "situations", "Situations dangereuses (facultatif)", kind="textarea", max_length=5000
        ),
        FieldSpec("damages", "Dommages possibles (facultatif)", kind="textarea", max_length=5000),
    )


def rerate_form(method: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    """Re-rating a risk: the same rating controls, and why it changes (kept in its history)."""
    return (
        *_rating_specs(method),
        FieldSpec(
            "reason", "Motif de la nouvelle cotation (facultatif)", kind="textarea", max_length=2000
        ),
    )


def rating_payload(method: Mapping[str, Any], parsed: Mapping[str, Any]) -> dict[str, Any]:
    """A checked form as the API's body: levels under ``rating`` as numbers; no control level
    chosen is no ``control_level`` (the service derives it from the measures)."""
    keys = [c.spec.name for c in criteria(method)]  # in the method's order
    payload = {k: v for k, v in parsed.items() if k not in keys and k != "control_level"}
    payload["rating"] = {k: int(parsed[k]) for k in keys if k in parsed}
    if parsed.get("control_level"):
        payload["control_level"] = parsed["control_level"]
    return payload


def rating_values(risk: Mapping[str, Any]) -> dict[str, str]:
    """A risk's current rating as form values, to re-rate it from where it stands."""
    rating = risk.get("rating") or {}
    values = {str(k): str(v) for k, v in (rating.get("inputs") or {}).items()}
    if rating.get("control_level"):
        values["control_level"] = str(rating["control_level"])
    return values


def band_label(method: Mapping[str, Any], priority: str | None) -> str:
    """The French name the method gives a priority (« Modérée »), as its bands say."""
    for band in method.get("bands") or ():
        if band.get("priority") == priority:
            return str(band.get("label") or "")
    return PRIORITY_FALLBACK.get(str(priority), str(priority or ""))


def fr_score(value: Any) -> str:
    """A score as the service wrote it, with a French decimal comma (« 2,10 »)."""
    return "" if value is None else str(value).replace(".", ",")


def risk_rows(method: Mapping[str, Any], unit: Mapping[str, Any]) -> list[RiskRow]:
    labels = {str(c["key"]): c for c in method.get("criteria") or ()}
    controls = method.get("weighting_labels") or {}
    rows = []
    for risk in unit.get("risks") or ():
        rating = risk.get("rating") or {}
        levels = []
        for key, value in (rating.get("inputs") or {}).items():
            criterion = labels.get(str(key), {"label": key, "levels": {}})
            name = (criterion.get("levels") or {}).get(str(value), "")
            levels.append((str(criterion["label"]), f"{value} — {name}" if name else str(value)))
        level = rating.get("control_level")
        rows.append(
            RiskRow(
                id=str(risk["id"]),
                hazard=str((risk.get("hazard") or {}).get("display") or ""),
                levels=tuple(levels),
                control=str(controls.get(level, level or "")),
                raw_score=fr_score(rating.get("raw_score")),
                residual_score=fr_score(rating.get("residual_score")),
                priority=band_label(method, rating.get("priority")),
                deadline_months=rating.get("deadline_months"),
                needs_rerating=bool(risk.get("needs_rerating")),
                situations=str(risk.get("situations") or ""),
            )
        )
    return rows


def find_unit(duerp: Mapping[str, Any], unit_id: str) -> dict[str, Any] | None:
    """The open work unit of that id (archived ones are no longer in the DUERP)."""
    return next((dict(u) for u in duerp.get("work_units") or () if str(u["id"]) == unit_id), None)


def find_risk(unit: Mapping[str, Any], risk_id: str) -> dict[str, Any] | None:
    return next((dict(r) for r in unit.get("risks") or () if str(r["id"]) == risk_id), None)


def hazard_choices(page: Mapping[str, Any]) -> list[HazardChoice]:
    """The thesaurus' search answer as hazards one may choose: active ones, best first."""
    return [
        HazardChoice(str(hit["code"]), str(hit["display"]))
        for hit in page.get("items") or ()
        if hit.get("system") == HAZARD_SYSTEM and hit.get("status", "active") == "active"
    ]


def hazard_search_params(text: str) -> dict[str, Any]:
    return {
        "q": text,
        "system": HAZARD_SYSTEM,
        "level": HAZARD_LEVEL,
        "active": "true",
        "limit": HAZARD_RESULTS,
    }


def _as_number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("inf")


def summary_of(method: Mapping[str, Any], risk: Mapping[str, Any] | None) -> str:
    """« criticité brute 6, résiduelle 6 : priorité Modérée », from the API's rating."""
    if risk is None:
        return ""
    rating = risk.get("rating") or {}
    raw, residual = fr_score(rating.get("raw_score")), fr_score(rating.get("residual_score"))
    priority = band_label(method, rating.get("priority"))
    return f"criticité brute {raw}, résiduelle {residual} : priorité {priority}"
