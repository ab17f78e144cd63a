"""The checks before publishing, from the open DUERP the publish page reads (pure)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from portal.domain.checklist import (
    EMPTY_UNIT,
    MAJOR_LATE,
    NO_MEASURE,
    UNCHANGED,
    add_months,
    publish_checklist,
)

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 7)
MEASURE = [{"kind": "collective", "description": "Capotage du pétrin"}]


def risk(rid: str, display: str, priority: str = "low", **fields: Any) -> dict[str, Any]:
    months = {"major": 2, "important": 3, "moderate": 6}.get(priority)
    return {
        "id": rid,
        "hazard": {"system": "dangers", "code": rid.upper(), "display": display},
        "measures": MEASURE,
        "rating": {"priority": priority, "deadline_months": months},
        **fields,
    }


def action(rid: str, deadline: str | None, status: str = "planned") -> dict[str, Any]:
    return {"risk_id": rid, "title": "Action", "deadline": deadline, "status": status}


def duerp(units: list[dict[str, Any]], actions: list[dict[str, Any]], **fields: Any) -> dict:
    return {"work_units": units, "actions": actions, "last_version": 2, **fields}


def unit(name: str, *risks: dict[str, Any]) -> dict[str, Any]:
    return {"id": name, "name": name, "risks": list(risks)}


def test_a_clean_duerp_has_nothing_to_confirm() -> None:
    doc = duerp([unit("Fournil", risk("r1", "Bruit"))], [])
    assert publish_checklist(doc, TODAY).warnings == ()


def test_a_major_risk_needs_an_open_action_due_within_two_months() -> None:
    soon = risk("soon", "Travail de nuit", "major")
    late = risk("late", "Manutention", "major")
    none = risk("none", "Brûlures", "major")
    undated = risk("undated", "Chutes", "major")
    done = risk("done", "Coupures", "major")
    doc = duerp(
        [unit("Fournil", soon, late, none, undated, done)],
        [
            action("soon", "2027-02-07"),  # exactly two months: in time
            action("late", "2027-02-08"),
            action("late", "2026-12-20", status="abandoned"),  # does not count
            action("undated", None, status="in_progress"),
            action("done", "2026-12-01", status="done"),  # to re-rate, no longer an action
        ],
    )
    [warning] = publish_checklist(doc, TODAY).warnings
    assert warning.key == MAJOR_LATE
    assert warning.title == "4 risques majeurs sans action dans les 2 mois"
    assert warning.items == (
        "Fournil — Manutention : première échéance le 08/02/2027, au-delà de 2 mois",
        "Fournil — Brûlures : aucune action prévue ou en cours",
        "Fournil — Chutes : action prévue sans échéance",
        "Fournil — Coupures : aucune action prévue ou en cours",
    )
    assert warning.field == "confirm_major_late"


def test_a_risk_without_measure_nor_action_and_a_unit_without_risk() -> None:
    bare = risk("bare", "Bruit", measures=[])
    planned = risk("planned", "Poussières", measures=[])
    dropped = risk("dropped", "Vibrations", measures=[])
    doc = duerp(
        [unit("Fournil", bare, planned, dropped), unit("Quai")],
        [action("planned", "2027-05-01"), action("dropped", None, status="abandoned")],
    )
    warnings = {w.key: w for w in publish_checklist(doc, TODAY).warnings}
    assert list(warnings) == [NO_MEASURE, EMPTY_UNIT]
    assert warnings[NO_MEASURE].items == ("Fournil — Bruit", "Fournil — Vibrations")
    assert warnings[NO_MEASURE].title == "2 risques sans mesure existante ni action"
    assert warnings[EMPTY_UNIT].items == ("Quai",)
    assert warnings[EMPTY_UNIT].title == "1 unité de travail sans risque"


def test_nothing_changed_since_the_last_version_is_confirmed_like_the_others() -> None:
    doc = duerp([unit("Fournil", risk("r1", "Bruit"))], [], unchanged_since_last_version=True)
    checklist = publish_checklist(doc, TODAY)
    [warning] = checklist.warnings
    assert (warning.key, warning.title) == (UNCHANGED, "Rien n'a changé depuis la version 2")
    assert checklist.unchanged
    assert [w.key for w in checklist.missing({})] == [UNCHANGED]
    assert checklist.missing({"confirm_unchanged": "oui"}) == []
    assert checklist.confirmed({"confirm_unchanged": "oui"}) == {UNCHANGED}
    first = duerp([unit("Fournil", risk("r1", "Bruit"))], [], last_version=None)
    assert not publish_checklist({**first, "unchanged_since_last_version": True}, TODAY).unchanged


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 7), 2, date(2027, 2, 7)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 5, 15), 12, date(2027, 5, 15)),
    ],
)
def test_months_are_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
