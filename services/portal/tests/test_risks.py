"""Risks as the pages show and send them: labels from the API's method; the only score the portal
computes is the preview before saving, from the method the API returns."""

from __future__ import annotations

import pytest
from portal.domain.forms import api_errors_to_form, parse_form
from portal.domain.risks import (
    band_label,
    control_options,
    criteria,
    deduced_control_level,
    edit_control_options,
    edit_form,
    edit_payload,
    edit_values,
    hazard_choices,
    history_lines,
    measure_rows,
    parse_measures,
    preview,
    rating_payload,
    rating_values,
    rerate_form,
    risk_form,
    risk_rows,
    saved_preview,
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


# --- editing a risk: measures, the control level's source, the preview, the history ---------

MEASURED = {
    **RISK,
    "damages": "Surdité",
    "exposed_headcount": 3,
    "measures": [
        {"kind": "individual", "description": "Casques antibruit"},
        {"kind": "collective", "description": "Capotage du laminoir"},
    ],
    "rating": {**RISK["rating"], "control_level": "controlled"},  # what the measures give
}


def test_the_edit_form_starts_from_the_risk_with_its_level_left_to_the_measures() -> None:
    values = edit_values(METHOD, MEASURED)
    assert values["control_level"] == ""  # « déduire des mesures »: the collective one sets it
    assert (values["situations"], values["damages"], values["exposed_headcount"]) == (
        "Pétrin et laminoir",
        "Surdité",
        "3",
    )
    assert (values["measure_kind_1"], values["measure_text_1"]) == (
        "collective",
        "Capotage du laminoir",
    )
    rows = measure_rows(values)
    assert [(r.number, r.kind) for r in rows] == [
        (0, "individual"),
        (1, "collective"),
        (2, ""),
        (3, ""),
    ]  # and two blank rows, to add measures without JavaScript
    # RISK has no measure: « Maîtrisé » was chosen, and stays chosen
    assert edit_values(METHOD, RISK)["control_level"] == "controlled"
    assert list(edit_control_options(METHOD))[:2] == ["", "none"]


def test_the_strongest_measure_sets_the_deduced_level() -> None:
    assert deduced_control_level(METHOD, []) == "none"
    assert deduced_control_level(METHOD, ["instructions", "individual"]) == "partial"
    assert deduced_control_level(METHOD, ["collective", "intrinsic"]) == "well_controlled"
    assert deduced_control_level(OIRA, ["intrinsic"]) is None  # no weighting, no level


def test_the_measure_rows_become_the_apis_list_and_their_errors_stay_on_their_row() -> None:
    raw = {
        "measure_kind_0": "collective",
        "measure_text_0": " Capotage ",
        "measure_kind_1": "",
        "measure_text_1": "",  # blank row: left out
        "measure_kind_2": "individual",
        "measure_text_2": "Bouchons d'oreille",
        "measure_kind_3": "",
        "measure_text_3": "Affichage",  # no type
    }
    measures, errors, specs = parse_measures(raw)
    assert measures[:2] == [
        {"kind": "collective", "description": "Capotage"},
        {"kind": "individual", "description": "Bouchons d'oreille"},
    ]
    assert errors.fields == {"measure_kind_3": ["Choisissez le type de cette mesure."]}
    # the service's error on its second measure goes back to row 2 (row 1 was blank)
    body = {"errors": [{"field": "body.measures.1.kind", "message": "Type inconnu."}]}
    assert api_errors_to_form(body, specs).fields == {"measure_kind_2": ["Type inconnu."]}


def test_the_patch_holds_what_the_form_holds_and_no_level_when_deduced() -> None:
    raw = {
        "situations": "Laminoir",
        "damages": "",
        "exposed_headcount": "2",
        "probability": "2",
        "gravity": "3",
        "control_level": "",
        "reason": "Capotage posé",
        "measures_form": "1",
        "measure_kind_0": "collective",
        "measure_text_0": "Capotage",
    }
    parsed, errors = parse_form(edit_form(METHOD), raw)
    assert not errors
    measures, _, _ = parse_measures(raw)
    assert edit_payload(METHOD, parsed, raw, measures) == {
        "situations": "Laminoir",
        "damages": "",
        "exposed_headcount": 2,
        "reason": "Capotage posé",
        "rating": {"probability": 2, "gravity": 3},
        "measures": [{"kind": "collective", "description": "Capotage"}],
    }
    # a form without the description or the measures leaves them as saved
    only = {"probability": "2", "gravity": "3", "control_level": "partial"}
    parsed, _ = parse_form(edit_form(METHOD), only)
    assert edit_payload(METHOD, parsed, only, []) == {
        "rating": {"probability": 2, "gravity": 3},
        "control_level": "partial",
    }
    _, errors = parse_form(edit_form(METHOD), {**raw, "exposed_headcount": "-1"})
    assert errors.fields["exposed_headcount"] == ["La valeur doit être au moins 0."]


def test_the_preview_applies_the_methods_weighting_and_bands_to_the_form() -> None:
    seed = {
        **METHOD,
        "bands": [
            {**b, "deadline_months": m}
            for b, m in zip(METHOD["bands"], (None, 6, 3, 2), strict=True)
        ],
    }
    # the seed's example: P 2, G 3 → 6, moderate, within 6 months; no measure → no control
    estimate = preview(seed, {"probability": "2", "gravity": "3", "control_level": ""})
    assert (estimate.raw_score, estimate.residual_score) == ("6", "6")
    assert (estimate.priority, estimate.priority_label, estimate.deadline_months) == (
        "moderate",
        "Modérée",
        6,
    )
    assert (estimate.control, estimate.control_source) == ("Aucune maîtrise", "déduit des mesures")
    assert estimate.estimated
    assert estimate.complete
    # a collective measure: controlled, 6 × 0.35 = 2,10, low
    measured = {"probability": "2", "gravity": "3", "measure_kind_0": "collective"}
    estimate = preview(seed, {**measured, "measure_text_0": "Capotage"})
    assert (estimate.control, estimate.residual_score, estimate.priority) == (
        "Maîtrisé",
        "2,10",
        "low",
    )
    assert estimate.deadline_months is None
    # chosen: the measures no longer decide
    estimate = preview(seed, {"probability": "4", "gravity": "4", "control_level": "partial"})
    assert (estimate.raw_score, estimate.residual_score, estimate.priority) == (
        "16",
        "8,0",
        "important",
    )
    assert estimate.control_source == "choisi"
    assert not preview(seed, {"probability": "2"}).complete  # no gravity yet


def test_the_saved_rating_says_where_its_control_level_came_from() -> None:
    assert saved_preview(METHOD, MEASURED).control_source == "déduit des mesures"
    saved = saved_preview(METHOD, RISK)
    assert (saved.control_source, saved.control, saved.residual_score) == (
        "choisi",
        "Maîtrisé",
        "3,15",
    )
    assert not saved.estimated


def test_the_rating_history_reads_newest_first_in_french() -> None:
    changes = [
        {
            "changed_by": "employer1@sst-13-marseille",
            "changed_at": "2026-03-02T09:00:00Z",
            "before": None,
            "after": {
                "inputs": {"probability": 2, "gravity": 3},
                "control_level": "none",
                "raw_score": "6",
                "residual_score": "6",
                "priority": "moderate",
            },
            "reason": "Cotation initiale",
        },
        {
            "changed_by": "employer1@sst-13-marseille",
            "changed_at": "2026-06-10T09:00:00Z",
            "before": {},
            "after": {**RISK["rating"]},
            "reason": "",
        },
    ]
    newest, first = history_lines(METHOD, changes)
    assert (newest.levels, newest.control, newest.residual_score, newest.priority) == (
        "Probabilité 3 · Gravité 3",
        "Maîtrisé",
        "3,15",
        "Faible",
    )
    assert (first.priority, first.reason) == ("Modérée", "Cotation initiale")


def test_a_method_without_weighting_previews_its_product_and_no_control_level() -> None:
    estimate = preview(OIRA, {"frequency": "9", "severity": "10", "control_level": ""})
    # (the sample OIRA has unbounded bands: its first band takes every score)
    assert (estimate.raw_score, estimate.control_source, estimate.priority) == ("90", "", "low")
    assert edit_control_options(OIRA) == {}
