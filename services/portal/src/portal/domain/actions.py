"""The action plan as the pages show and send it (pure): French labels, rows, the two forms.

What is overdue, the plan's kind (PAPRIPACT or list) and its title are the assessment's
(``GET .../action-plan``: ``overdue`` is computed there with the platform's clock); the portal
dates nothing itself. It only puts each action next to its risk, in French.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from cosar_common.clock import fr_long_date
from portal.domain.forms import FieldSpec, FormErrors, parse_form
from portal.domain.risks import band_label

PAPRIPACT_SENTENCE = (
    "Dès 50 salariés, le plan d'action prend la forme du PAPRIPACT (programme annuel de "
    "prévention des risques professionnels et d'amélioration des conditions de travail) : pour "
    "chaque mesure, ses conditions d'exécution, ses indicateurs de résultat, son coût estimé, les "
    "ressources mobilisées et son échéance (article L4121-3-1 du code du travail)."
)
LIST_SENTENCE = (
    "Moins de 50 salariés : le document unique tient la liste des actions de prévention, "
    "chacune avec son responsable et son échéance (article L4121-3-1 du code du travail)."
)

# ActionStatus of the assessment, in French, in the order an action goes through them.
STATUS_LABELS: dict[str, str] = {
    "planned": "Prévue",
    "in_progress": "En cours",
    "done": "Terminée",
    "abandoned": "Abandonnée",
}
OPEN_STATUSES = frozenset({"planned", "in_progress"})
# MeasureKind, from the most to the least effective (seed 003), each said in a sentence.
MEASURE_KINDS: dict[str, tuple[str, str]] = {
    "intrinsic": (
        "Prévention intrinsèque",
        "Supprimer le danger à la source (changer de produit, de machine, de procédé).",
    ),
    "collective": (
        "Protection collective",
        "Protéger tous les salariés exposés (capotage, aspiration, garde-corps).",
    ),
    "individual": (
        "Protection individuelle",
        "Équiper chaque salarié (équipements de protection individuelle : bouchons, gants…).",
    ),
    "instructions": (
        "Consignes et formation",
        "Informer, former, donner des consignes : la mesure la moins efficace seule.",
    ),
}

ACTION_FORM: tuple[FieldSpec, ...] = (
    FieldSpec("risk_id", "Risque concerné", kind="choice"),
    FieldSpec(
        "measure_kind", "Type de mesure", kind="choice", required=True, choices=tuple(MEASURE_KINDS)
    ),
    FieldSpec("title", "Action", required=True, max_length=300),
    FieldSpec(
        "description", "Conditions d'exécution (facultatif)", kind="textarea", max_length=5000
    ),
    FieldSpec("responsible", "Responsable (facultatif)", max_length=200),
    FieldSpec("deadline", "Échéance (facultatif)", kind="date"),
    FieldSpec("cost_eur", "Coût estimé en euros (facultatif)", kind="decimal"),
    FieldSpec("resources", "Ressources mobilisées (facultatif)", kind="textarea", max_length=5000),
    FieldSpec(
        "result_indicator", "Indicateur de résultat (facultatif)", kind="textarea", max_length=2000
    ),
)
# Editing an action: what ``ActionUpdate`` changes (its risk and measure kind stay as created;
# an empty deadline or cost keeps the one it has).
EDIT_FORM: tuple[FieldSpec, ...] = tuple(
    spec for spec in ACTION_FORM if spec.name not in ("risk_id", "measure_kind")
)
STATUS_FORM: tuple[FieldSpec, ...] = (
    FieldSpec("status", "Statut", kind="choice", required=True, choices=tuple(STATUS_LABELS)),
    FieldSpec("status_reason", "Motif (obligatoire pour un abandon)", max_length=2000),
)
COST_MAX = Decimal(1_000_000_000)
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class RiskRef:
    """The risk an action answers, as a person names it, and where to re-rate it."""

    id: str
    hazard: str
    unit_id: str
    unit_name: str
    priority: str
    needs_rerating: bool

    @property
    def label(self) -> str:
        return f"{self.hazard} — {self.unit_name}"


@dataclass(frozen=True)
class ActionRow:
    id: str
    title: str
    measure_kind: str
    description: str
    responsible: str
    deadline: str | None  # ISO, as the API sends it (the page formats it)
    cost: str
    resources: str
    result_indicator: str
    status: str
    status_label: str
    status_reason: str
    done_on: str | None
    overdue: bool
    risk: RiskRef | None
    had_risk: bool  # linked to a risk that is no longer in the open DUERP (archived)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def asks_rerating(self) -> bool:
        """Done, and its risk waits to be re-rated (the measure changed the situation)."""
        return self.status == "done" and self.risk is not None and self.risk.needs_rerating


@dataclass(frozen=True)
class ActionPlan:
    papripact: bool
    title: str
    sentence: str
    open: list[ActionRow]
    closed: list[ActionRow]
    overdue_count: int
    total_cost: str
    to_rerate: list[RiskRef]

    @property
    def rows(self) -> list[ActionRow]:
        return [*self.open, *self.closed]


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(str(status), "Statut inconnu")


def fr_euros(value: Any) -> str:
    """« 1 250,50 € » from the API's decimal text; « 0 € » for nothing spent."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    whole, _, cents = f"{amount.quantize(Decimal('0.01')):,.2f}".partition(".")
    text = whole.replace(",", "\u202f") + ("" if cents == "00" else f",{cents}")
    return f"{text} €"


def risk_refs(duerp: Mapping[str, Any]) -> dict[str, RiskRef]:
    """Every risk of the open DUERP by id, with its unit and its priority's French name."""
    method = duerp.get("method") or {}
    refs = {}
    for unit in duerp.get("work_units") or ():
        for risk in unit.get("risks") or ():
            refs[str(risk["id"])] = RiskRef(
                id=str(risk["id"]),
                hazard=str((risk.get("hazard") or {}).get("display") or ""),
                unit_id=str(unit["id"]),
                unit_name=str(unit.get("name") or ""),
                priority=band_label(method, (risk.get("rating") or {}).get("priority")),
                needs_rerating=bool(risk.get("needs_rerating")),
            )
    return refs


def action_row(
    action: Mapping[str, Any], risks: Mapping[str, RiskRef], overdue: frozenset[str]
) -> ActionRow:
    risk_id = action.get("risk_id")
    status = str(action.get("status") or "")
    return ActionRow(
        id=str(action["id"]),
        title=str(action.get("title") or ""),
        measure_kind=MEASURE_KINDS.get(str(action.get("measure_kind")), ("", ""))[0],
        description=str(action.get("description") or ""),
        responsible=str(action.get("responsible") or ""),
        deadline=action.get("deadline"),
        cost=fr_euros(action.get("cost_eur")),
        resources=str(action.get("resources") or ""),
        result_indicator=str(action.get("result_indicator") or ""),
        status=status,
        status_label=status_label(status),
        status_reason=str(action.get("status_reason") or ""),
        done_on=action.get("done_on"),
        overdue=str(action["id"]) in overdue,
        risk=risks.get(str(risk_id)) if risk_id else None,
        had_risk=bool(risk_id) and str(risk_id) not in risks,
    )


def action_plan(plan: Mapping[str, Any], duerp: Mapping[str, Any]) -> ActionPlan:
    """The API's plan (its order: by deadline) split into what is to do and what is closed."""
    risks = risk_refs(duerp)
    overdue = frozenset(str(a["id"]) for a in plan.get("overdue") or ())
    rows = [action_row(a, risks, overdue) for a in plan.get("actions") or ()]
    papripact = plan.get("kind") == "papripact"
    to_rerate = {r.risk.id: r.risk for r in rows if r.asks_rerating and r.risk is not None}
    return ActionPlan(
        papripact=papripact,
        title=str(plan.get("title") or ""),
        sentence=PAPRIPACT_SENTENCE if papripact else LIST_SENTENCE,
        open=[r for r in rows if r.is_open],
        closed=[r for r in rows if not r.is_open],
        overdue_count=len(overdue),
        total_cost=fr_euros(plan.get("total_cost_eur")),
        to_rerate=list(to_rerate.values()),
    )


def find_action(plan: ActionPlan, action_id: str) -> ActionRow | None:
    return next((row for row in plan.rows if row.id == action_id), None)


def overdue_sentence(count: int) -> str:
    if count == 0:
        return "Aucune action en retard."
    if count == 1:
        return "1 action est en retard : son échéance est passée."
    return f"{count} actions sont en retard : leur échéance est passée."


def risk_options(risks: Mapping[str, RiskRef]) -> dict[str, tuple[str, str]]:
    """The risk choices of the add-action form: « Bruit — Fournil », with its priority."""
    return {
        ref.id: (ref.label, f"Priorité {ref.priority}" if ref.priority else "")
        for ref in risks.values()
    }


def parse_date(text: str) -> date | None:
    """A date as a date field sends it (2027-03-01), or as typed in French (01/03/2027)."""
    match = _FR_DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_euros(text: str) -> Decimal | None:
    """« 1 250,50 », « 1250.5 € » → Decimal; None if it is not an amount."""
    cleaned = re.sub(r"[\s\u202f\u00a0€]", "", text).replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def parse_action_form(
    raw: Mapping[str, str], risk_ids: Sequence[str]
) -> tuple[dict[str, Any], FormErrors]:
    """The add-action form as ``ActionCreate``'s body, checked, with French errors by field."""
    specs = tuple(
        FieldSpec(s.name, s.label, kind=s.kind, choices=tuple(risk_ids))
        if s.name == "risk_id"
        else s
        for s in ACTION_FORM
    )
    payload, errors = _parse_action_fields(specs, raw)
    if not payload.get("risk_id"):
        payload.pop("risk_id", None)
    return payload, errors


def parse_edit_form(raw: Mapping[str, str]) -> tuple[dict[str, Any], FormErrors]:
    """The edit-action form as ``ActionUpdate``'s body: an emptied text clears it, an empty
    deadline or cost leaves the action's own (the API reads an absent field as unchanged)."""
    return _parse_action_fields(EDIT_FORM, raw)


def edit_values(row: ActionRow) -> dict[str, str]:
    """An action as the edit form's values (the cost as a French amount, without « € »)."""
    return {
        "title": row.title,
        "description": row.description,
        "responsible": row.responsible,
        "deadline": row.deadline or "",
        "cost_eur": row.cost.removesuffix(" €"),
        "resources": row.resources,
        "result_indicator": row.result_indicator,
    }


def action_now(row: ActionRow) -> list[str]:
    """What an action holds now, in French lines, for the conflict block of its edit form."""
    return [
        f"Action : {row.title}",
        f"Responsable : {row.responsible or 'non désigné'}",
        f"Échéance : {_long_date(row.deadline) if row.deadline else 'sans échéance'}",
        f"Coût estimé : {row.cost or 'non estimé'}",
        f"Statut : {row.status_label}",
    ]


def _long_date(iso: str) -> str:
    day = parse_date(iso)
    return fr_long_date(day) if day else iso


def _parse_action_fields(
    specs: Sequence[FieldSpec], raw: Mapping[str, str]
) -> tuple[dict[str, Any], FormErrors]:
    payload, errors = parse_form(specs, raw)
    deadline = payload.pop("deadline", "")
    if deadline:
        day = parse_date(deadline)
        if day is None:
            errors.add("deadline", "Date invalide : saisissez-la au format jj/mm/aaaa.")
        else:
            payload["deadline"] = day.isoformat()
    cost = payload.pop("cost_eur", "")
    if cost:
        amount = parse_euros(cost)
        if amount is None:
            errors.add("cost_eur", "Un montant en euros est attendu (par exemple : 1 250,50).")
        elif amount < 0 or amount > COST_MAX:
            errors.add("cost_eur", "Le montant doit être compris entre 0 et 1 milliard d'euros.")
        else:
            payload["cost_eur"] = str(amount)
    return payload, _in_form_order(errors)


def parse_status_form(raw: Mapping[str, str]) -> tuple[dict[str, Any], FormErrors]:
    """A status change as ``ActionUpdate``'s body; an abandon needs its reason (as the API)."""
    payload, errors = parse_form(STATUS_FORM, raw)
    if payload.get("status") == "abandoned" and not payload.get("status_reason"):
        errors.add("status_reason", "Indiquez pourquoi l'action est abandonnée.")
    if not payload.get("status_reason"):
        payload.pop("status_reason", None)
    return payload, errors


def _in_form_order(errors: FormErrors) -> FormErrors:
    order = [spec.name for spec in ACTION_FORM]
    errors.fields = dict(
        sorted(
            errors.fields.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
    )
    return errors


def status_message(row: ActionRow | None) -> str:
    """What the page says once a status changed (the re-rating invitation is shown apart)."""
    if row is None:
        return "Le statut de l'action a été modifié."
    return f"L'action « {row.title} » est maintenant « {row.status_label} »."


def rerating_sentence(risk: RiskRef) -> str:
    return (
        f"Une action sur le risque « {risk.hazard} » ({risk.unit_name}) est terminée : recotez ce "
        "risque pour que le document unique tienne compte de la mesure prise."
    )
