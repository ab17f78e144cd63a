"""Integer inputs are bounded before they reach an int4 column (issue 13)."""

from decimal import Decimal

import pytest

from assessment.app import create_app
from assessment.domain.rating import MAX_DEADLINE_MONTHS, RatingError, validate_bands
from assessment.domain.snapshot import MethodBand, Priority
from cosar_common.api.params import INT4_MAX, unbounded_integers

pytestmark = pytest.mark.unit


def test_every_integer_parameter_and_body_field_is_bounded():
    assert unbounded_integers(create_app().openapi()) == []


def test_version_numbers_carry_their_bounds_in_the_openapi():
    paths = create_app().openapi()["paths"]
    for path in (
        "/companies/{company_id}/duerp/versions/{number}",
        "/companies/{company_id}/duerp/versions/{number}/export.{fmt}",
        "/companies/{company_id}/fiche/versions/{number}",
    ):
        (number,) = (p for p in paths[path]["get"]["parameters"] if p["name"] == "number")
        assert number["schema"]["minimum"] == 1
        assert number["schema"]["maximum"] == INT4_MAX
    diff = paths["/companies/{company_id}/duerp/versions/diff"]["get"]["parameters"]
    assert {p["name"]: p["schema"]["maximum"] for p in diff if p["in"] == "query"} == {
        "from": INT4_MAX,
        "to": INT4_MAX,
    }


def _bands(months: int) -> list[MethodBand]:
    return [
        MethodBand(min_score=Decimal(0), max_score=Decimal(4), priority=Priority.LOW, label="a"),
        MethodBand(
            min_score=Decimal(4), priority=Priority.MAJOR, label="b", deadline_months=months
        ),
    ]


def test_a_band_deadline_is_at_most_ten_years():
    assert validate_bands(_bands(MAX_DEADLINE_MONTHS))
    with pytest.raises(RatingError) as refused:
        validate_bands(_bands(MAX_DEADLINE_MONTHS + 1))
    assert "au plus 120 mois" in str(refused.value)
