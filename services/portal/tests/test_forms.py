"""Form ↔ API mapping: checks before the call, and a service's 422 back onto the fields."""

from __future__ import annotations

import pytest
from portal.domain.forms import WORK_UNIT_FORM, api_errors_to_form, parse_form

pytestmark = pytest.mark.unit


def test_a_valid_work_unit_form_gives_the_api_payload() -> None:
    payload, errors = parse_form(
        WORK_UNIT_FORM,
        {"kind": "trade", "name": " Fournil ", "headcount": "1 200", "description": ""},
    )
    assert not errors
    assert payload == {"kind": "trade", "name": "Fournil", "headcount": 1200, "description": ""}


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"kind": "trade", "headcount": "2"}, "name", "Ce champ est obligatoire."),
        (
            {"kind": "trade", "name": "A", "headcount": "deux"},
            "headcount",
            "Un nombre entier est attendu.",
        ),
        (
            {"kind": "trade", "name": "A", "headcount": "-1"},
            "headcount",
            "La valeur doit être au moins 0.",
        ),
        (
            {"kind": "collective", "name": "A", "headcount": "1"},
            "kind",
            "Choisissez une des valeurs proposées.",
        ),
        ({"kind": "trade", "name": "A" * 201, "headcount": "1"}, "name", "200 caractères au plus."),
    ],
)
def test_bad_input_is_refused_before_the_call_with_a_french_message(
    raw: dict[str, str], field: str, message: str
) -> None:
    payload, errors = parse_form(WORK_UNIT_FORM, raw)
    [given] = errors.fields[field]
    assert message in given
    assert field not in payload


def test_a_service_422_lands_on_the_form_fields_and_the_rest_on_top() -> None:
    body = {
        "code": "validation_error",
        "message": "Données invalides.",
        "errors": [
            {"field": "body.headcount", "message": "Valeur trop grande."},
            {"field": "body.jobs.0", "message": "Code PCS inconnu."},
        ],
    }
    errors = api_errors_to_form(body, WORK_UNIT_FORM)
    assert errors.fields == {"headcount": ["Valeur trop grande."]}
    assert errors.general == ["Code PCS inconnu."]
    assert errors.summary() == [("headcount", "Valeur trop grande.")]


def test_a_rule_violation_without_field_errors_keeps_its_message() -> None:
    errors = api_errors_to_form({"code": "archived", "message": "Unité archivée."}, WORK_UNIT_FORM)
    assert errors.general == ["Unité archivée."]
    assert not errors.fields
