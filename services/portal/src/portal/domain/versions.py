"""The published versions of a DUERP as the pages say them (pure).

Everything comes from the assessment's versions API (``assessment.api.versions``): the list
(``VersionSummary`` with its ``consultation``), the chain report of ``/verify``
(``cosar_common.integrity.ChainReport``) and the diff of two versions
(``assessment.domain.diff.SnapshotDiff``). Nothing here recomputes a hash or compares
snapshots: the portal only puts the service's answers into French sentences.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cosar_common import clock
from cosar_common.auth.permissions import Permission, roles_with
from portal.domain.forms import FieldSpec, FormErrors, parse_form
from portal.domain.risks import PRIORITY_FALLBACK, fr_score

# The export formats of the assessment (``assessment.exports.EXPORTERS``), as a link says them.
DOCUMENT_FORMATS: dict[str, str] = {
    "pdf": "PDF",
    "xlsx": "tableur Excel (XLSX)",
    "ods": "tableur OpenDocument (ODS)",
}
# ``CseConsultationIn.opinion``.
OPINIONS: dict[str, str] = {
    "favourable": "avis favorable",
    "unfavourable": "avis défavorable",
    "reserved": "avis assorti de réserves",
}
CHAIN_VERIFIED = "Chaîne d'empreintes vérifiée : aucune version n'a été modifiée"
CHAIN_EMPTY = "Aucune version publiée : il n'y a pas encore de chaîne d'empreintes à vérifier."
# What the people who may write the DUERP hold; the others are only shown the versions.
PUBLISHERS = frozenset(role.value for role in roles_with(Permission.DUERP_WRITE))
# Who may record the CSE's consultation: the employee representative (and the employer for
# the CSE, as the assessment allows).
CSE_RECORDERS = frozenset(role.value for role in roles_with(Permission.CSE_OPINION_RECORD))
# The radio buttons of the CSE form: value → (label, hint).
OPINION_CHOICES: dict[str, tuple[str, str]] = {
    "favourable": ("Avis favorable", ""),
    "reserved": ("Avis assorti de réserves", "Détaillez les réserves dans les propositions."),
    "unfavourable": ("Avis défavorable", ""),
}
# ``CseConsultationIn``.
CSE_FORM: tuple[FieldSpec, ...] = (
    FieldSpec("consulted_on", "Date de la consultation du CSE", required=True, max_length=10),
    FieldSpec(
        "opinion", "Avis du CSE", kind="choice", required=True, choices=tuple(OPINION_CHOICES)
    ),
    FieldSpec(
        "proposals",
        "Propositions du CSE (facultatif)",
        kind="textarea",
        max_length=20_000,
    ),
)

# Field names of the diff's ``changes`` (work units, risks, actions) in French.
FIELD_LABELS: dict[str, str] = {
    "name": "nom",
    "kind": "type",
    "description": "description",
    "headcount": "effectif",
    "jobs": "métiers",
    "penibilite": "facteurs de pénibilité",
    "hazard": "danger",
    "situations": "situations dangereuses",
    "damages": "dommages possibles",
    "measures": "mesures existantes",
    "exposed_headcount": "effectif exposé",
    "work_unit": "unité de travail",
    "risk_id": "risque concerné",
    "measure_kind": "type de mesure",
    "title": "intitulé",
    "responsible": "responsable",
    "deadline": "échéance",
    "cost_eur": "coût (€)",
    "resources": "moyens",
    "result_indicator": "indicateur de résultat",
    "status": "état",
    "status_reason": "motif de l'état",
    "done_on": "réalisée le",
}
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def may_publish(roles: Collection[str]) -> bool:
    """Whether the person's roles let them publish (the assessment decides in the end)."""
    return bool(PUBLISHERS & set(roles))


def may_record_consultation(roles: Collection[str]) -> bool:
    """Whether the person's roles let them record the CSE's opinion (the assessment decides)."""
    return bool(CSE_RECORDERS & set(roles))


def _form_date(text: str) -> date | None:
    """« 2026-12-10 » (a date field) or « 10/12/2026 » (typed by hand)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_consultation(raw: Mapping[str, str], *, today: date) -> tuple[dict[str, Any], FormErrors]:
    """The CSE form as ``POST …/cse-consultation`` takes it, or its errors in French (a
    consultation is not dated in the future). A date before the version's draft existed is
    refused by the assessment (``assessment.domain.consultation``), whose 422 on
    ``consulted_on`` lands on the field through ``api_errors_to_form``."""
    payload, errors = parse_form(CSE_FORM, raw)
    if "consulted_on" in payload:
        day = _form_date(payload.pop("consulted_on"))
        if day is None:
            errors.add("consulted_on", "Saisissez une date, par exemple 10/12/2026.")
        elif day > today:
            errors.add("consulted_on", "La consultation ne peut pas être datée dans le futur.")
        else:
            payload["consulted_on"] = day.isoformat()
    return payload, errors


def _instant(value: str | datetime) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _day(value: str | date) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def publisher(published_by: str, *, username: str, name: str, published_by_name: str = "") -> str:
    """Who published: the person's name (``published_by_name``, kept by the API from its
    token; versions published before it was kept have none), « (vous) » for the reader; the
    login (``published_by``) only when no name is known."""
    if published_by and published_by == username and name:
        return f"{name} (vous)"
    return published_by_name or published_by or "(non renseigné)"


@dataclass(frozen=True)
class Consultation:
    on: str  # « 14/02/2025 »
    opinion: str  # « avis favorable »
    proposals: str

    @property
    def sentence(self) -> str:
        return f"Consulté le {self.on} : {self.opinion}"


@dataclass(frozen=True)
class VersionRow:
    number: int
    published_at: str  # « 14/02/2025 à 09:30 », Paris time
    published_on: str  # « 14 février 2025 »
    published_by: str
    hash: str
    consultation: Consultation | None


def consultation_of(data: Mapping[str, Any] | None) -> Consultation | None:
    if not data:
        return None
    opinion = str(data.get("opinion") or "")
    return Consultation(
        on=clock.fr_date(_day(data["consulted_on"])),
        opinion=OPINIONS.get(opinion, opinion),
        proposals=str(data.get("proposals") or ""),
    )


def version_rows(
    versions: Sequence[Mapping[str, Any]], *, username: str = "", name: str = ""
) -> list[VersionRow]:
    """The API's list (oldest first) as table rows, newest first."""
    rows = [
        VersionRow(
            number=int(v["number"]),
            published_at=clock.fr_datetime(_instant(v["published_at"])),
            published_on=clock.fr_long_date(_instant(v["published_at"])),
            published_by=publisher(
                str(v.get("published_by") or ""),
                username=username,
                name=name,
                published_by_name=str(v.get("published_by_name") or ""),
            ),
            hash=str(v.get("hash") or ""),
            consultation=consultation_of(v.get("consultation")),
        )
        for v in versions
    ]
    return sorted(rows, key=lambda row: row.number, reverse=True)


@dataclass(frozen=True)
class ChainStatus:
    valid: bool
    sentence: str
    detail: str = ""


def chain_status(report: Mapping[str, Any]) -> ChainStatus:
    """``GET /versions/verify`` in words: verified, or which version breaks and why."""
    length = int(report.get("length") or 0)
    if report.get("valid"):
        if length == 0:
            return ChainStatus(True, CHAIN_EMPTY)
        checked = "1 version contrôlée" if length == 1 else f"{length} versions contrôlées"
        return ChainStatus(True, CHAIN_VERIFIED, f"{checked}.")
    broken = report.get("first_broken")
    where = f" à partir de la version {broken}" if broken is not None else ""
    reason = str(report.get("reason") or "la vérification a échoué.")
    return ChainStatus(
        False,
        f"Chaîne d'empreintes rompue{where} : {reason}",
        "Une version publiée ne correspond plus à ce qui a été enregistré. Ne la diffusez pas "
        "et prévenez votre service de prévention et de santé au travail.",
    )


def document_filename(company_name: str, number: int, fmt: str) -> str:
    """« Document unique - Boulangerie du Vieux-Port - version 3.pdf » (accents kept)."""
    name = _UNSAFE_IN_FILENAME.sub(" ", company_name).strip(" .") or "entreprise"
    name = re.sub(r"\s+", " ", name)
    return f"Document unique - {name} - version {number}.{fmt}"


@dataclass(frozen=True)
class Comparison:
    """Which two versions to compare, or why the request cannot be answered."""

    old: int | None
    new: int | None
    error: str | None = None

    @property
    def ready(self) -> bool:
        return self.error is None and self.old is not None and self.new is not None


def _number(raw: str | None) -> int | None:
    try:
        return int(raw) if raw is not None and raw.strip() else None
    except ValueError:
        return None


def comparison(numbers: Collection[int], old: str | None, new: str | None) -> Comparison:
    """The two versions of the compare form (the older first, whatever order was chosen)."""
    a, b = _number(old), _number(new)
    if old is None and new is None:
        return Comparison(None, None)
    if a is None or b is None or a not in numbers or b not in numbers:
        return Comparison(a, b, "Choisissez deux versions publiées.")
    if a == b:
        return Comparison(a, b, "Choisissez deux versions différentes.")
    return Comparison(min(a, b), max(a, b))


def default_pair(numbers: Collection[int]) -> tuple[int | None, int | None]:
    """What the compare form proposes: the version before the last, and the last."""
    ordered = sorted(numbers)
    if len(ordered) < 2:
        return None, None
    return ordered[-2], ordered[-1]


@dataclass(frozen=True)
class DiffSection:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DiffSummary:
    old: int
    new: int
    headline: str
    sections: tuple[DiffSection, ...]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _changes(changes: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for change in changes:
        label = FIELD_LABELS.get(str(change.get("name")), str(change.get("name")))
        before = str(change.get("before") or "") or "(vide)"
        after = str(change.get("after") or "") or "(vide)"
        parts.append(f"{label} : « {before} » → « {after} »")
    return " ; ".join(parts)


def _risk(ref: Mapping[str, Any]) -> str:
    return f"{ref.get('hazard_display') or ref.get('hazard_code')} ({ref.get('work_unit_name')})"


def _priority(value: Any) -> str:
    return PRIORITY_FALLBACK.get(str(value), str(value or ""))


def _rating(rating: Mapping[str, Any]) -> str:
    return (
        f"criticité résiduelle {fr_score(rating.get('residual_score'))}, "
        f"priorité {_priority(rating.get('priority'))}"
    )


def diff_summary(diff: Mapping[str, Any]) -> DiffSummary:
    """``GET /versions/diff`` in words: what was added, removed, re-rated or changed."""
    counts = diff.get("counts") or {}
    old, new = int(diff["old_number"]), int(diff["new_number"])
    sections: list[DiffSection] = []

    def add(title: str, lines: list[str]) -> None:
        if lines:
            sections.append(DiffSection(title, tuple(lines)))

    if diff.get("method_changed"):
        add("Méthode de cotation", ["La méthode de cotation a changé entre les deux versions."])
    add("Unités de travail ajoutées", [str(u["name"]) for u in diff.get("work_units_added") or ()])
    add(
        "Unités de travail retirées",
        [str(u["name"]) for u in diff.get("work_units_removed") or ()],
    )
    add(
        "Unités de travail modifiées",
        [f"{u['name']} — {_changes(u['changes'])}" for u in diff.get("work_units_changed") or ()],
    )
    add("Risques ajoutés", [_risk(r) for r in diff.get("risks_added") or ()])
    add("Risques retirés", [_risk(r) for r in diff.get("risks_removed") or ()])
    add(
        "Risques recotés",
        [
            f"{_risk(r['risk'])} : {_rating(r['before'])} → {_rating(r['after'])}"
            for r in diff.get("risks_rerated") or ()
        ],
    )
    add(
        "Risques modifiés",
        [f"{_risk(r['risk'])} — {_changes(r['changes'])}" for r in diff.get("risks_changed") or ()],
    )
    add("Actions ajoutées", [str(a["title"]) for a in diff.get("actions_added") or ()])
    add("Actions retirées", [str(a["title"]) for a in diff.get("actions_removed") or ()])
    add(
        "Actions modifiées",
        [f"{a['title']} — {_changes(a['changes'])}" for a in diff.get("actions_changed") or ()],
    )
    units = sum(int(counts.get(k) or 0) for k in ("work_units_added", "work_units_removed"))
    units += int(counts.get("work_units_changed") or 0)
    risks = sum(
        int(counts.get(k) or 0)
        for k in ("risks_added", "risks_removed", "risks_rerated", "risks_changed")
    )
    actions = sum(
        int(counts.get(k) or 0) for k in ("actions_added", "actions_removed", "actions_changed")
    )
    if not sections:
        headline = f"Aucune différence entre la version {old} et la version {new}."
    else:
        parts = [
            _plural(units, "changement d'unité", "changements d'unités"),
            _plural(risks, "changement de risque", "changements de risques"),
            _plural(actions, "changement d'action", "changements d'actions"),
        ]
        headline = f"De la version {old} à la version {new} : " + ", ".join(parts) + "."
    return DiffSummary(old, new, headline, tuple(sections))
