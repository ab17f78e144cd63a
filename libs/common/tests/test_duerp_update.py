from datetime import date, timedelta

from cosar_common.duerp_update import is_up_to_date, oldest_up_to_date, update_due


def test_a_version_is_up_to_date_until_its_anniversary() -> None:
    published = date(2025, 3, 10)
    assert update_due(published) == date(2026, 3, 10)
    assert is_up_to_date(published, date(2026, 3, 10))
    assert not is_up_to_date(published, date(2026, 3, 11))


def test_a_leap_day_version_is_due_on_28_february() -> None:
    assert update_due(date(2028, 2, 29)) == date(2029, 2, 28)
    assert not is_up_to_date(date(2028, 2, 29), date(2029, 3, 1))
    # A year across a leap day is 366 days: the anniversary, not 365 days, decides.
    assert is_up_to_date(date(2027, 3, 1), date(2028, 2, 29))
    assert is_up_to_date(date(2027, 3, 1), date(2028, 3, 1))


def test_never_published_or_published_later_is_not_up_to_date() -> None:
    assert not is_up_to_date(None, date(2026, 1, 1))
    assert not is_up_to_date(date(2026, 1, 2), date(2026, 1, 1))


def test_the_query_bound_agrees_with_the_rule_on_every_day() -> None:
    # Every reference day of four years (one leap year), every publication within 400 days.
    start = date(2026, 1, 1)
    for offset in range(4 * 366):
        on = start + timedelta(days=offset)
        oldest = oldest_up_to_date(on)
        for back in range(400):
            published = on - timedelta(days=back)
            assert is_up_to_date(published, on) == (oldest <= published <= on), (published, on)
