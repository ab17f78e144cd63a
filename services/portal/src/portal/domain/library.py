"""The sector library as a work unit's page shows and sends it (pure).

The entries are the assessment's (``GET /companies/{id}/duerp/suggestions``: the published
typical hazards of the company's NAF division). Adding one to a unit is a risk like any other
(``POST …/work-units/{id}/risks``): the entry's hazard, situations, damages and existing
measures, with the rating the person chooses — the library proposes hazards, it never rates
them, and the service requires a rating. No control level is sent: the service derives it from
the entry's measures (docs/domain.md § Rating).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from portal.domain.forms import FieldSpec
from portal.domain.risks import criteria, rating_payload

# The measure kinds of the assessment (``MeasureKind``), from the most to the least effective,
# named as seed 003 names them.
MEASURE_KINDS: dict[str, str] = {
    "intrinsic": "Prévention intrinsèque",
    "collective": "Protection collective",
    "individual": "Protection individuelle",
    "instructions": "Consignes",
}


@dataclass(frozen=True)
class LibraryItem:
    """One typical hazard of the sector, and whether the unit already has a risk for it."""

    id: str
    hazard_code: str
    hazard: str
    situations: str
    damages: str
    measures: tuple[tuple[str, str], ...]  # (French kind, description)
    present: bool


def unit_hazards(unit: Mapping[str, Any]) -> set[str]:
    """Hazard codes of the unit's open risks."""
    return {
        str((risk.get("hazard") or {}).get("code") or "") for risk in unit.get("risks") or ()
    } - {""}


def library_items(
    entries: Sequence[Mapping[str, Any]], unit: Mapping[str, Any]
) -> list[LibraryItem]:
    """The sector's entries in the service's order, each marked present or not in the unit."""
    present = unit_hazards(unit)
    return [
        LibraryItem(
            id=str(entry["id"]),
            hazard_code=str(entry["hazard_code"]),
            hazard=str(entry.get("hazard_display") or entry["hazard_code"]),
            situations=str(entry.get("situations") or ""),
            damages=str(entry.get("damages") or ""),
            measures=tuple(
                (
                    MEASURE_KINDS.get(str(m.get("kind")), str(m.get("kind") or "")),
                    str(m.get("description") or ""),
                )
                for m in entry.get("measures") or ()
            ),
            present=str(entry["hazard_code"]) in present,
        )
        for entry in entries
    ]


def find_entry(entries: Sequence[Mapping[str, Any]], entry_id: str) -> dict[str, Any] | None:
    return next((dict(e) for e in entries if str(e.get("id")) == entry_id), None)


def library_form(method: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
    """What the person chooses to add an entry: the levels of the method in force."""
    return tuple(c.spec for c in criteria(method))


def library_risk_payload(
    entry: Mapping[str, Any], method: Mapping[str, Any], parsed: Mapping[str, Any]
) -> dict[str, Any]:
    """The API's ``RiskCreate`` body: the entry's content, the chosen rating."""
    payload = rating_payload(method, parsed)
    payload.update(
        hazard_code=str(entry["hazard_code"]),
        situations=str(entry.get("situations") or ""),
        damages=str(entry.get("damages") or ""),
        measures=[
            {"kind": str(m["kind"]), "description": str(m.get("description") or "")}
            for m in entry.get("measures") or ()
        ],
    )
    return payload
