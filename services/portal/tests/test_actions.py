"""The action plan's pure logic: French labels, the plan split by status, the two forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from portal.domain.actions import (
    STATUS_LABELS,
    action_plan,
    fr_euros,
    overdue_sentence,
    parse_action_form,
    parse_date,
    parse_euros,
    parse_status_form,
    risk_refs,
    status_label,
)

from .samples import METHOD, RISK

pytestmark = pytest.mark.unit

UNIT = {"id": "u1", "name": "Fournil", "risks": [RISK]}
DUERP = {"method": METHOD, "work_units": [UNIT]}


def _action(id_: str, status: str, risk_id: str | None = RISK["id"], **extra: object) -> dict:
    return {
        "id": id_,
        "risk_id": risk_id,
        "measure_kind": "collective",
        "title": id_,
        "status": status,
        **extra,
    }


def test_every_status_is_said_in_french_never_its_code() -> None:
    assert STATUS_LABELS == {
        "planned": "Prévue",
        "in_progress": "En cours",
        "done": "Terminée",
        "abandoned": "Abandonnée",
    }
    assert status_label("unknown") == "Statut inconnu"


def test_the_plan_keeps_the_apis_order_and_overdue_list_and_splits_open_from_closed() -> None:
    plan = action_plan(
        {
            "kind": "list",
            "title": "Liste des actions de prévention",
            "actions": [
                _action("a", "in_progress", deadline="2026-11-30"),
                _action("b", "done", done_on="2026-12-01"),
                _action("c", "planned", risk_id="archived-risk"),
                _action("d", "abandoned", risk_id=None),
            ],
            "overdue": [{"id": "a"}],
            "total_cost_eur": "0",
        },
        DUERP,
    )
    assert not plan.papripact
    assert [r.id for r in plan.open] == ["a", "c"]
    assert [r.id for r in plan.closed] == ["b", "d"]
    assert plan.overdue_count == 1
    assert [r.overdue for r in plan.rows] == [True, False, False, False]
    a, c = plan.open
    assert a.risk is not None
    assert a.risk.label == "Bruit — Fournil"
    assert a.risk.priority == "Faible"
    assert a.measure_kind == "Protection collective"
    assert c.risk is None
    assert c.had_risk
    done = plan.closed[0]
    assert done.asks_rerating  # RISK needs re-rating and its action is done
    assert [r.hazard for r in plan.to_rerate] == ["Bruit"]
    assert not a.asks_rerating


def test_from_50_the_plan_is_the_papripact() -> None:
    plan = action_plan({"kind": "papripact", "title": "PAPRIPACT", "actions": []}, DUERP)
    assert plan.papripact
    assert "conditions d'exécution" in plan.sentence
    assert plan.rows == []


def test_overdue_count_in_a_sentence() -> None:
    assert overdue_sentence(0) == "Aucune action en retard."
    assert overdue_sentence(1).startswith("1 action est en retard")
    assert overdue_sentence(3).startswith("3 actions sont en retard")


def test_amounts_and_dates_read_as_french_people_type_them() -> None:
    assert parse_euros("1 250,50 €") == Decimal("1250.50")
    assert parse_euros("1250.5") == Decimal("1250.5")
    assert parse_euros("beaucoup") is None
    assert parse_euros("NaN") is None
    assert fr_euros("1250.50") == "1\u202f250,50 €"
    assert fr_euros("300") == "300 €"
    assert fr_euros(None) == ""
    assert str(parse_date("01/03/2027")) == "2027-03-01"
    assert str(parse_date("2027-03-01")) == "2027-03-01"
    assert parse_date("31/02/2027") is None


def test_the_add_form_becomes_action_create_without_empty_optional_values() -> None:
    payload, errors = parse_action_form(
        {
            "risk_id": "",
            "measure_kind": "intrinsic",
            "title": " Pétrin silencieux ",
            "deadline": "",
            "cost_eur": "",
        },
        list(risk_refs(DUERP)),
    )
    assert not errors
    assert payload == {
        "measure_kind": "intrinsic",
        "title": "Pétrin silencieux",
        "description": "",
        "responsible": "",
        "resources": "",
        "result_indicator": "",
    }


def test_the_add_form_says_in_french_what_is_wrong_in_form_order() -> None:
    _, errors = parse_action_form(
        {
            "risk_id": "not-a-risk",
            "measure_kind": "magic",
            "title": "",
            "deadline": "demain",
            "cost_eur": "-3",
        },
        list(risk_refs(DUERP)),
    )
    assert list(errors.fields) == ["risk_id", "measure_kind", "title", "deadline", "cost_eur"]
    assert errors.fields["title"] == ["Ce champ est obligatoire."]
    assert errors.fields["deadline"] == ["Date invalide : saisissez-la au format jj/mm/aaaa."]
    assert "entre 0 et 1 milliard" in errors.fields["cost_eur"][0]


def test_a_status_change_and_an_abandon_needs_its_reason() -> None:
    payload, errors = parse_status_form({"status": "done", "status_reason": ""})
    assert not errors
    assert payload == {"status": "done"}
    payload, errors = parse_status_form({"status": "abandoned", "status_reason": " "})
    assert errors.fields == {"status_reason": ["Indiquez pourquoi l'action est abandonnée."]}
    payload, errors = parse_status_form({"status": "abandoned", "status_reason": "Trop cher"})
    assert not errors
    assert payload == {"status": "abandoned", "status_reason": "Trop cher"}
    _, errors = parse_status_form({"status": "finished"})
    assert errors.fields["status"] == ["Choisissez une des valeurs proposées."]
