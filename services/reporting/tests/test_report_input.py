import pytest

from reporting.domain.report import ReportInput, parse_report_input
from reporting.domain.validation import ReportInputError
from reporting.domain.vocabulary import (
    CATEGORIES_BY_SECTOR,
    MaterialElement,
    Sector,
    StaffCategory,
)

from .sample_report import accident, sample_headcount, sample_report, sample_report_data

pytestmark = pytest.mark.unit


def refused(data: dict) -> dict[str, str]:
    """Field path → French message of every issue raised by ``data``."""
    with pytest.raises(ReportInputError) as caught:
        parse_report_input(data)
    return {issue.field: issue.message for issue in caught.value.issues}


def test_sample_report_is_valid_and_keeps_every_part():
    report = sample_report()

    assert isinstance(report, ReportInput)
    assert report.establishment.headcount.headcount == 400
    assert len(report.indicators.accidents) == 19
    assert report.indicators.accidents[0].material_element is MaterialElement.LIFTING
    assert str(report.establishment.subcontracting.occasional_external_hours) == "1240.5"
    assert report.means_and_actions.training.bodies == ["ANFH", "INRS"]


def test_seed_numbering_is_kept_in_field_descriptions():
    fields = ReportInput.model_json_schema()["$defs"]["AccidentLine"]["properties"]
    assert fields["days_lost"]["description"] == "II.2.1 — Nombre de journées perdues"
    assert fields["days_lost"]["title"] == "Nombre de journées perdues"


def test_days_lost_without_time_off_are_refused_at_the_field():
    errors = refused(sample_report_data(accidents=[accident(with_time_off=False, days_lost=3)]))

    message = errors["indicators.accidents.0.days_lost"]
    assert "journées perdues" in message
    assert "sans arrêt de travail" in message


def test_accident_dated_outside_the_report_year_is_refused():
    data = sample_report_data(accidents=[accident(), accident(year=2023, month=12, day=31)])

    assert refused(data) == {
        "indicators.accidents.1.date": "« Date de l'accident n° 2 » : le 31/12/2023 n'est pas "
        "dans l'année du rapport (2024)."
    }


def test_other_dates_of_the_year_are_checked_too():
    data = sample_report_data()
    data["means_and_actions"]["committee"]["extraordinary_meetings"][0]["date"] = "2025-01-03"
    data["significant_facts"]["facts"][0]["date"] = "2023-03-11"

    errors = refused(data)

    assert set(errors) == {
        "means_and_actions.committee.extraordinary_meetings.0.date",
        "significant_facts.facts.0.date",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-1, "la valeur ne peut pas être négative (valeur reçue : -1)"),
        (2.5, "un nombre entier est attendu (valeur reçue : 2,5)"),
        ("2,5", "un nombre entier est attendu (valeur reçue : « 2,5 »)"),
        ("beaucoup", "un nombre est attendu (valeur reçue : « beaucoup »)"),
        (True, "un nombre est attendu"),
    ],
)
def test_counts_must_be_whole_and_not_negative(value, expected):
    data = sample_report_data()
    data["establishment"]["movements"]["recruited"] = value

    message = refused(data)["establishment.movements.recruited"]

    assert message.startswith("« Nombre d'agents recrutés dans l'année » : ")
    assert expected in message


def test_whole_numbers_written_as_text_or_as_float_are_counts():
    data = sample_report_data()
    data["establishment"]["movements"].update(recruited="38", departures=33.0)

    movements = parse_report_input(data).establishment.movements

    assert (movements.recruited, movements.departures) == (38, 33)


def test_negative_hours_are_refused():
    data = sample_report_data(hours_worked={"method": "declared", "declared_hours": "-5"})

    message = refused(data)["indicators.hours_worked.declared_hours"]

    assert "ne peut pas être négative" in message


def test_headcount_line_total_must_be_men_plus_women():
    headcount = sample_headcount()
    headcount["lines"][4]["total"] = 231

    message = refused(sample_report_data(headcount=headcount))[
        "establishment.headcount.lines.4.total"
    ]

    assert message == (
        "Effectif « Personnel soignant et éducatif » : le total saisi (231) ne correspond pas "
        "à hommes + femmes (38 + 192 = 230)."
    )


def test_headcount_totals_row_must_add_up():
    headcount = sample_headcount()
    headcount.update(total=401, total_foreigners=11)

    errors = refused(sample_report_data(headcount=headcount))

    assert errors["establishment.headcount.total"] == (
        "« Effectif total » : le total saisi (401) ne correspond pas à la somme des "
        "catégories (400)."
    )
    assert "(12)" in errors["establishment.headcount.total_foreigners"]


def test_totals_are_optional():
    report = sample_report(headcount=sample_headcount(with_totals=False))
    assert report.establishment.headcount.headcount == 400


def test_more_foreigners_than_agents_is_refused():
    headcount = sample_headcount()
    headcount["lines"][2]["foreigners"] = 10

    errors = refused(sample_report_data(headcount=headcount))

    message = errors["establishment.headcount.lines.2.foreigners"]
    assert "dépasse l'effectif de la catégorie (9)" in message


def test_categories_must_belong_to_the_sector():
    errors = refused(sample_report_data(sector="private"))

    assert len(errors) == 7
    message = errors["establishment.headcount.lines.0.category"]
    assert "n'appartient pas aux catégories du secteur « Établissement de droit privé »" in message


def test_private_sector_categories_are_accepted():
    lines = [
        {"category": "cadres", "men": 10, "women": 8},
        {"category": "professions intermédiaires", "men": 20, "women": 25},
        {"category": "employees", "men": 30, "women": 50},
        {"category": "Ouvriers", "men": 70, "women": 12, "foreigners": 9},
    ]
    report = sample_report(sector="private", headcount={"lines": lines, "total": 225})

    categories = [line.category for line in report.establishment.headcount.lines]
    assert tuple(categories) == CATEGORIES_BY_SECTOR[Sector.PRIVATE]
    assert StaffCategory.WORKERS.label == "Ouvriers"


def test_unknown_material_element_lists_the_seed_categories():
    data = sample_report_data(accidents=[accident(material_element="pianos")])

    message = refused(data)["indicators.accidents.0.material_element"]

    assert message.startswith("« Élément matériel (note 6) » : « pianos » n'est pas une valeur")
    assert "Accidents provenant du contact avec des malades agités" in message


def test_material_element_may_be_given_by_its_french_label():
    label = "accidents de CIRCULATION"
    report = sample_report(accidents=[accident(material_element=label)])

    assert report.indicators.accidents[0].material_element is MaterialElement.TRAFFIC


def test_seed_lists_eleven_material_elements():
    assert len(MaterialElement) == 11
    assert MaterialElement.OTHER.label == "Autres"


def test_unknown_field_and_missing_field_are_named_in_french():
    data = sample_report_data()
    data["establishment"]["identity"]["mayor"] = "Jean"
    del data["establishment"]["movements"]["departures"]

    errors = refused(data)

    assert errors["establishment.identity.mayor"] == (
        "« Présentation de l'établissement › Identification › mayor » : "
        "ce champ n'existe pas dans le rapport."
    )
    assert errors["establishment.movements.departures"].endswith("ce champ est obligatoire.")


def test_hours_inputs_must_match_the_method():
    data = sample_report_data(
        hours_worked={"method": "declared", "declared_hours": 1000, "other_staff_days": 10}
    )

    errors = refused(data)

    assert "ne s'applique pas" in errors["indicators.hours_worked.other_staff_days"]


def test_previous_years_must_be_the_two_before():
    data = sample_report_data(previous_years=[{"year": 2021}, {"year": 2023}, {"year": 2023}])

    errors = refused(data)

    assert "indicators.previous_years" in errors
    assert "au plus 2" in errors["indicators.previous_years"]
    ok = sample_report_data(previous_years=[{"year": 2021}])
    assert "2022 ou 2023" in refused(ok)["indicators.previous_years.0.year"]


def test_an_open_action_has_no_completion_date():
    actions = [{"title": "Réfection des sols", "state": "open", "completed_on": "2024-05-02"}]

    errors = refused(sample_report_data(actions=actions))

    assert "est en cours au 31 décembre" in errors["means_and_actions.actions.0.completed_on"]


def test_one_line_per_disease_table_and_per_spending_kind():
    data = sample_report_data(
        spending=[{"kind": "equipment", "amount": 1}, {"kind": "equipment", "amount": 2}]
    )
    data["indicators"]["occupational_diseases"].append({"table": "57", "cases": 1})

    errors = refused(data)

    assert "une seule ligne" in errors["indicators.occupational_diseases.0.table"]
    assert "une seule ligne" in errors["means_and_actions.administration.spending.0.kind"]


def test_error_renders_as_the_platform_error_body():
    data = sample_report_data(accidents=[accident(days_lost=-2), accident(kind="voyage")])

    with pytest.raises(ReportInputError) as caught:
        parse_report_input(data)

    body = caught.value.errors()
    assert [item["field"] for item in body] == [
        "indicators.accidents.0.days_lost",
        "indicators.accidents.1.kind",
    ]
    assert all(set(item) == {"field", "message", "type"} for item in body)
    assert str(caught.value).startswith("Le rapport contient 2 erreurs : ")


def test_a_stored_draft_reads_back_identical():
    report = sample_report()

    stored = report.model_dump(mode="json")

    assert parse_report_input(stored) == report
    assert stored["indicators"]["accidents"][0]["material_element"] == "lifting"


def test_a_category_appears_once_in_the_headcount():
    headcount = sample_headcount(with_totals=False)
    headcount["lines"].append({"category": "interns", "men": 1, "women": 0})

    errors = refused(sample_report_data(headcount=headcount))

    assert errors == {
        "establishment.headcount.lines.1.category": "La catégorie « Personnel médical : "
        "internes » figure 2 fois dans l'effectif."
    }


def test_generic_errors_name_the_line_of_the_register():
    line = accident()
    del line["date"]

    errors = refused(sample_report_data(accidents=[accident(), line]))

    assert errors["indicators.accidents.1.date"] == (
        "« Principaux indicateurs › Registre des accidents n° 2 › Date de l'accident » : "
        "ce champ est obligatoire."
    )
