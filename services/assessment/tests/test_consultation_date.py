from datetime import date

import pytest

from assessment.domain.consultation import consultation_date_error

pytestmark = pytest.mark.unit

PUBLISHED, TODAY = date(2026, 3, 2), date(2026, 12, 7)


@pytest.mark.parametrize("day", [PUBLISHED, date(2026, 6, 1), TODAY])
def test_from_the_publication_day_to_today_is_accepted(day: date):
    assert consultation_date_error(day, published_on=PUBLISHED, today=TODAY) is None


def test_a_date_before_the_version_was_published_is_refused_in_french():
    # The fuzzer's case: 2000-01-01 on a version published in 2026.
    refused = consultation_date_error(date(2000, 1, 1), published_on=PUBLISHED, today=TODAY)
    assert refused == (
        "La consultation ne peut pas être antérieure à la publication de la version (02/03/2026)."
    )
    assert consultation_date_error(date(2026, 3, 1), published_on=PUBLISHED, today=TODAY)


def test_a_date_in_the_future_is_refused_as_the_portal_does():
    refused = consultation_date_error(date(2026, 12, 8), published_on=PUBLISHED, today=TODAY)
    assert refused == "La consultation ne peut pas être datée dans le futur."
