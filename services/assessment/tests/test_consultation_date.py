from datetime import date

import pytest

from assessment.domain.consultation import consultation_date_error, earliest_consultation

pytestmark = pytest.mark.unit

PREVIOUS, PUBLISHED, TODAY = date(2025, 9, 15), date(2026, 3, 2), date(2026, 12, 7)


def test_the_draft_of_a_version_goes_to_the_cse_after_the_previous_one_was_published():
    assert earliest_consultation(PUBLISHED, PREVIOUS) == PREVIOUS
    # never more than a year before, even when the previous version is older
    assert earliest_consultation(PUBLISHED, date(2020, 1, 1)) == date(2025, 3, 2)
    # a first version: its draft is a year old at most
    assert earliest_consultation(PUBLISHED, None) == date(2025, 3, 2)
    assert earliest_consultation(date(2028, 2, 29), None) == date(2027, 2, 28)


@pytest.mark.parametrize("day", [PREVIOUS, date(2026, 1, 10), PUBLISHED, TODAY])
def test_from_the_earliest_day_to_today_is_accepted(day: date):
    # Before the publication too: the CSE is often consulted on the draft.
    assert consultation_date_error(day, earliest=PREVIOUS, today=TODAY) is None


def test_a_date_before_the_draft_existed_is_refused_in_french():
    # The fuzzer's case: 2000-01-01 on a version published in 2026.
    refused = consultation_date_error(date(2000, 1, 1), earliest=PREVIOUS, today=TODAY)
    assert refused is not None
    assert refused.startswith("La consultation ne peut pas être antérieure au 15/09/2025")
    assert consultation_date_error(date(2025, 9, 14), earliest=PREVIOUS, today=TODAY)


def test_a_date_in_the_future_is_refused_as_the_portal_does():
    refused = consultation_date_error(date(2026, 12, 8), earliest=PREVIOUS, today=TODAY)
    assert refused == "La consultation ne peut pas être datée dans le futur."
