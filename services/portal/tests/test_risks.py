"""Risks as the pages show and send them: labels from the API's method, never a score computed."""

from __future__ import annotations

import pytest
from portal.domain.forms import api_errors_to_form, parse_form
from portal.domain.risks import (
    band_label,
    control_options,
    criteria,
    hazard_choices,
    rating_payload,
    rating_values,
    rerate_form,
    risk_form,
    risk_rows,
    summary_of,
)

from .samples import METHOD, OIRA, RISK

pytestmark = pytest.mark.unit


def test_the_levels_come_from_the_method_with_their_meaning_in_french() -> None:
    probability, gravity = criteria(METHOD)
    assert probability.spec.label == "Probabilité"
    assert probability.spec.choices == ("1", "2", "3", "4")
    assert probability.options["1"] == (
        "1 — Improbable",
        "Ne s'est jamais produit dans l'entreprise.",
    )
    assert gravity.options["2"] == ("2 — Sérieux", "Arrêt de travail de moins de 3 mois.")
    assert gravity.options["4"][1] == "Décès ou incapacité permanente de travail."
    assert "probabilité" in probability.question


def test_another_method_gets_its_own_levels_in_numeric_order_without_invented_meanings() -> None:
    frequency, severity = criteria(OIRA)
    assert severity.spec.choices == ("1", "10")
    assert severity.options["10"] == ("10 — Très grave", "")
    assert frequency.spec.name == "frequency"
    assert control_options(OIRA) == {}
    assert [spec.name for spec in risk_form(OIRA)] == [
        "hazard_code",
        "frequency",
        "severity",
        "situations",
        "damages",
    ]


def test_control_levels_go_from_none_to_well_controlled() -> None:
    options = control_options(METHOD)
    assert list(options) == ["none", "partial", "controlled", "well_controlled"]
    assert options["controlled"][0] == "Maîtrisé"
    assert "collective" in options["controlled"][1]


def test_a_risk_form_becomes_the_api_body_with_levels_as_numbers() -> None:
    raw = {
        "hazard_code": "PHY.BRUIT",
        "probability": "2",
        "gravity": "3",
        "control_level": "",
        "situations": " Pétrin ",
        "damages": "",
    }
    parsed, errors = parse_form(risk_form(METHOD), raw)
    assert not errors
    assert rating_payload(METHOD, parsed) == {
        "hazard_code": "PHY.BRUIT",
        "rating": {"probability": 2, "gravity": 3},
        "situations": "Pétrin",
        "damages": "",
    }
    parsed, _ = parse_form(rerate_form(METHOD), {**raw, "control_level": "partial"})
    assert rating_payload(METHOD, parsed) == {
        "rating": {"probability": 2, "gravity": 3},
        "control_level": "partial",
        "reason": "",
    }


def test_a_level_off_the_scale_or_missing_is_refused_before_the_call() -> None:
    _, errors = parse_form(risk_form(METHOD), {"hazard_code": "PHY.BRUIT", "probability": "5"})
    assert errors.fields["probability"] == ["Choisissez une des valeurs proposées."]
    assert errors.fields["gravity"] == ["Ce champ est obligatoire."]


def test_the_services_rating_errors_land_on_their_radio_groups() -> None:
    body = {
        "code": "rating_out_of_scale",
        "message": "La gravité doit être comprise entre 1 et 4.",
        "errors": [
            {
                "field": "body.rating.gravity",
                "message": "La gravité doit être comprise entre 1 et 4.",
            },
            {"field": "body.rating.control_level", "message": "Niveau de maîtrise inconnu."},
            {"field": "body.hazard_code", "message": "Code inconnu : XYZ."},
            {"field": "body.rating", "message": "Critères manquants."},
        ],
    }
    errors = api_errors_to_form(body, risk_form(METHOD))
    assert errors.fields == {
        "gravity": ["La gravité doit être comprise entre 1 et 4."],
        "control_level": ["Niveau de maîtrise inconnu."],
        "hazard_code": ["Code inconnu : XYZ."],
    }
    assert errors.general == ["Critères manquants."]


def test_a_risk_row_shows_the_api_scores_and_the_methods_band_names() -> None:
    [row] = risk_rows(METHOD, {"risks": [RISK]})
    assert row.hazard == "Bruit"
    assert row.levels == (("Probabilité", "3 — Probable"), ("Gravité", "3 — Grave"))
    assert row.control == "Maîtrisé"
    assert (row.raw_score, row.residual_score) == ("9", "3,15")
    assert row.priority == "Faible"  # the API's priority of the residual score, not 9's band
    assert row.needs_rerating
    assert summary_of(METHOD, RISK) == "criticité brute 9, résiduelle 3,15 : priorité Faible"


def test_re_rating_starts_from_the_current_rating() -> None:
    assert rating_values(RISK) == {
        "probability": "3",
        "gravity": "3",
        "control_level": "controlled",
    }


def test_a_priority_is_named_by_the_method_in_force() -> None:
    assert band_label(OIRA, "major") == "Élevée"
    assert band_label(METHOD, "moderate") == "Modérée"
    assert band_label({"bands": []}, "important") == "Importante"


def test_only_active_hazards_of_the_hazard_system_can_be_chosen() -> None:
    page = {
        "items": [
            {"system": "dangers", "code": "PHY.BRUIT", "display": "Bruit", "status": "active"},
            {"system": "dangers", "code": "OLD", "display": "Ancien", "status": "deprecated"},
            {"system": "naf-rev2", "code": "10.71C", "display": "Boulangerie", "status": "active"},
        ]
    }
    assert [(h.code, h.display) for h in hazard_choices(page)] == [("PHY.BRUIT", "Bruit")]
