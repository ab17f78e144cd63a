"""The risks of a work unit as the pages show and send them (pure).

Everything saved and scored comes from the assessment's answers: the criteria, their levels and
the bands are the rating method the DUERP returns (``duerp.method``), the scores and priorities
are each risk's ``rating``. The one exception is :func:`preview`, the estimate shown while a
person changes a rating, before saving: it applies that same method (the service's data) to the
form's values; the score saved is always the service's (docs/domain.md § Rating for the rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cosar_common.vocabulary import DANGERS
from portal.domain.forms import FieldSpec, FormErrors

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
        if hit.get("system") == DANGERS and hit.get("status", "active") == "active"
    ]


def hazard_search_params(text: str) -> dict[str, Any]:
    return {
        "q": text,
        "system": DANGERS,
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


# --- editing a risk: its description, its existing measures, its rating ---------------------

# Seed 003: the kinds of existing measures, from the most to the least effective (the order of
# the assessment's ``MeasureKind``), with what each means.
MEASURE_KINDS: dict[str, tuple[str, str]] = {
    "intrinsic": ("Prévention intrinsèque", "Le danger est supprimé à la source."),
    "collective": ("Protection collective", "Capotage, aspiration, garde-corps…"),
    "individual": ("Protection individuelle (EPI)", "Casque antibruit, gants, lunettes…"),
    "instructions": (
        "Consignes",
        "Affichage, information : tout repose sur le comportement de chacun.",
    ),
}
DEDUCED, CHOSEN = "déduit des mesures", "choisi"
DEDUCE_OPTION = (
    "Déduire des mesures existantes",
    "Le niveau suit la plus efficace des mesures ci-dessus (aucune mesure : aucune maîtrise).",
)
MEASURES_FIELD = "measures"  # the fieldset of the measure rows, and the API's list
MEASURES_SHOWN = "measures_form"  # hidden: the form holds the measures (send the list)
MEASURE_ROWS_BLANK = 2  # empty rows offered after the recorded measures, no JavaScript needed
MEASURE_ROWS_MAX = 50
MEASURE_TEXT_MAX = 2000


@dataclass(frozen=True)
class MeasureRow:
    """One row of the measures' fieldset: ``measure_kind_<n>`` and ``measure_text_<n>``."""

    number: int
    kind: str
    text: str

    @property
    def kind_field(self) -> str:
        return f"measure_kind_{self.number}"

    @property
    def text_field(self) -> str:
        return f"measure_text_{self.number}"


@dataclass(frozen=True)
class RatingPreview:
    """Scores to show next to the rating form: the service's (saved) or the estimate."""

    estimated: bool  # computed from the form before saving, not yet the service's
    complete: bool  # every criterion has a level (else only the control level is shown)
    control: str  # the level's label, « Maîtrisé »
    control_source: str  # DEDUCED, CHOSEN, or "" for a method without weighting
    raw_score: str
    residual_score: str
    priority: str  # the common scale's key (low…major), for its colour
    priority_label: str
    deadline_months: int | None


def edit_form(method: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    """A risk's own page: what it is, who is exposed, its rating, why the rating changes."""
    return (
        FieldSpec("situations", "Situations dangereuses", kind="textarea", max_length=5000),
        FieldSpec("damages", "Dommages possibles", kind="textarea", max_length=5000),
        FieldSpec(
            "exposed_headcount",
            "Nombre de salariés exposés (facultatif)",
            kind="int",
            minimum=0,
            maximum=1_000_000,
        ),
        *rerate_form(method),
    )


def measure_rows(values: Mapping[str, Any]) -> list[MeasureRow]:
    """The rows to show: those the values hold (filled or not), then blank ones to add more."""
    numbers = sorted(
        {
            int(key.rsplit("_", 1)[1])
            for key in values
            if key.startswith(("measure_kind_", "measure_text_"))
            and key.rsplit("_", 1)[1].isdigit()
            and int(key.rsplit("_", 1)[1]) < MEASURE_ROWS_MAX
        }
    )
    filled = [
        MeasureRow(
            n,
            str(values.get(f"measure_kind_{n}") or ""),
            str(values.get(f"measure_text_{n}") or ""),
        )
        for n in numbers
        if values.get(f"measure_kind_{n}") or values.get(f"measure_text_{n}")
    ]
    start = numbers[-1] + 1 if numbers else 0
    blank = [MeasureRow(start + i, "", "") for i in range(MEASURE_ROWS_BLANK)]
    return filled + [row for row in blank if row.number < MEASURE_ROWS_MAX]


def parse_measures(
    raw: Mapping[str, str],
) -> tuple[list[dict[str, str]], FormErrors, list[FieldSpec]]:
    """The measure rows as the API's list (blank rows left out), their errors in French, and
    the specs that put the API's ``measures.<i>.…`` errors back on the row they came from."""
    measures: list[dict[str, str]] = []
    errors = FormErrors()
    specs = [FieldSpec(MEASURES_FIELD, "Mesures de prévention existantes")]
    for row in measure_rows(raw):
        kind, text = row.kind.strip(), row.text.strip()
        if not kind and not text:
            continue
        if kind not in MEASURE_KINDS:
            errors.add(row.kind_field, "Choisissez le type de cette mesure.")
        if not text:
            errors.add(row.text_field, "Décrivez la mesure, ou laissez son type vide.")
        elif len(text) > MEASURE_TEXT_MAX:
            errors.add(row.text_field, f"{MEASURE_TEXT_MAX} caractères au plus.")
        index = len(measures)
        specs += [
            FieldSpec(row.kind_field, "Type", api_names=(f"{MEASURES_FIELD}.{index}.kind",)),
            FieldSpec(
                row.text_field, "Mesure", api_names=(f"{MEASURES_FIELD}.{index}.description",)
            ),
        ]
        measures.append({"kind": kind, "description": text})
    return measures, errors, specs


def edit_payload(
    method: Mapping[str, Any],
    parsed: Mapping[str, Any],
    raw: Mapping[str, str],
    measures: list[dict[str, str]],
) -> dict[str, Any]:
    """The PATCH body: only what the form holds (a field it lacks stays as saved), the rating
    always; no control level chosen lets the service deduce it from the measures sent."""
    payload = rating_payload(method, {k: v for k, v in parsed.items() if k in raw})
    if MEASURES_SHOWN in raw:
        payload[MEASURES_FIELD] = measures
    return payload


def deduced_control_level(method: Mapping[str, Any], kinds: Iterable[str]) -> str | None:
    """The level the measures give, by the method's own deduction (``measure_control`` of the
    assessment's method: the first row whose measure kind is present, else the last row's);
    None for a method that deduces none, or a level it does not weight."""
    steps = method.get("measure_control") or []
    weighting = method.get("weighting") or {}
    if not steps:
        return None
    present = set(kinds)
    level = next(
        (step["control_level"] for step in steps if step["measure_kind"] in present),
        steps[-1]["control_level"],
    )
    return level if level in weighting else None


def edit_values(method: Mapping[str, Any], risk: Mapping[str, Any]) -> dict[str, str]:
    """A risk as the edit form's values; its control level left to « déduire » when it is the
    one its measures give (changing the measures then changes it)."""
    values = rating_values(risk)
    for name in ("situations", "damages"):
        values[name] = str(risk.get(name) or "")
    if risk.get("exposed_headcount") is not None:
        values["exposed_headcount"] = str(risk["exposed_headcount"])
    measures = list(risk.get("measures") or ())
    for n, measure in enumerate(measures):
        values[f"measure_kind_{n}"] = str(measure.get("kind") or "")
        values[f"measure_text_{n}"] = str(measure.get("description") or "")
    deduced = deduced_control_level(method, (str(m.get("kind")) for m in measures))
    if deduced is not None and values.get("control_level") == deduced:
        values["control_level"] = ""
    return values


def edit_control_options(method: Mapping[str, Any]) -> Options:
    """The control levels, after the choice of letting the measures decide."""
    options = control_options(method)
    return {"": DEDUCE_OPTION, **options} if options else {}


def _band(method: Mapping[str, Any], score: Decimal) -> Mapping[str, Any] | None:
    for band in method.get("bands") or ():
        low, high = band.get("min_score"), band.get("max_score")
        if (low is None or score >= Decimal(str(low))) and (
            high is None or score < Decimal(str(high))
        ):
            return dict(band)
    return None


def _source(method: Mapping[str, Any], chosen: str) -> str:
    return "" if not method.get("weighting") else (CHOSEN if chosen else DEDUCED)


def preview(method: Mapping[str, Any], values: Mapping[str, Any]) -> RatingPreview:
    """The scores the form's values would give under ``method`` (the service's own data: its
    criteria, weighting and bands), to show before saving; saving has the service compute them.
    """
    labels = method.get("weighting_labels") or {}
    kinds = [row.kind for row in measure_rows(values) if row.kind and row.text.strip()]
    chosen = str(values.get("control_level") or "")
    level = chosen or deduced_control_level(method, kinds) or ""
    control = str(labels.get(level, level))
    raw = Decimal(1)
    complete = bool(method.get("criteria"))
    for criterion in method.get("criteria") or ():
        value = str(values.get(str(criterion["key"])) or "")
        if value not in (criterion.get("levels") or {}):
            complete = False
            continue
        raw *= int(value)
    weighting = method.get("weighting") or {}
    try:
        weight = Decimal(str(weighting[level])) if weighting else Decimal(1)
    except (KeyError, InvalidOperation):
        complete = False
        weight = Decimal(1)
    residual = raw * weight
    band = _band(method, residual) if complete else None
    return RatingPreview(
        estimated=True,
        complete=complete and band is not None,
        control=control,
        control_source=_source(method, chosen),
        raw_score=fr_score(raw) if complete else "",
        residual_score=fr_score(residual) if complete else "",
        priority=str((band or {}).get("priority") or ""),
        priority_label=str((band or {}).get("label") or ""),
        deadline_months=(band or {}).get("deadline_months"),
    )


def saved_preview(method: Mapping[str, Any], risk: Mapping[str, Any]) -> RatingPreview:
    """The risk's rating as the service saved it, with where its control level came from."""
    rating = risk.get("rating") or {}
    level = rating.get("control_level")
    labels = method.get("weighting_labels") or {}
    kinds = (str(m.get("kind")) for m in risk.get("measures") or ())
    deduced = deduced_control_level(method, kinds)
    chosen = "" if level is None or level == deduced else str(level)
    return RatingPreview(
        estimated=False,
        complete=True,
        control=str(labels.get(level, level or "")),
        control_source=_source(method, chosen),
        raw_score=fr_score(rating.get("raw_score")),
        residual_score=fr_score(rating.get("residual_score")),
        priority=str(rating.get("priority") or ""),
        priority_label=band_label(method, rating.get("priority")),
        deadline_months=rating.get("deadline_months"),
    )


@dataclass(frozen=True)
class HistoryLine:
    """One rating of the risk's history, in words."""

    changed_at: str  # ISO instant, the template dates it in French
    changed_by: str
    levels: str  # « Probabilité 2 · Gravité 3 »
    control: str
    raw_score: str
    residual_score: str
    priority: str
    reason: str


def history_lines(
    method: Mapping[str, Any], changes: Iterable[Mapping[str, Any]]
) -> list[HistoryLine]:
    """``GET /risks/{id}/history`` (oldest first) as table lines, the newest first."""
    labels = {str(c["key"]): str(c["label"]) for c in method.get("criteria") or ()}
    controls = method.get("weighting_labels") or {}
    lines = []
    for change in changes:
        after = change.get("after") or {}
        inputs = after.get("inputs") or {}
        level = after.get("control_level")
        lines.append(
            HistoryLine(
                changed_at=str(change.get("changed_at") or ""),
                changed_by=str(change.get("changed_by") or ""),
                levels=" · ".join(f"{labels.get(str(k), k)} {v}" for k, v in inputs.items()),
                control=str(controls.get(level, level or "")),
                raw_score=fr_score(after.get("raw_score")),
                residual_score=fr_score(after.get("residual_score")),
                priority=band_label(method, after.get("priority")),
                reason=str(change.get("reason") or ""),
            )
        )
    return lines[::-1]
