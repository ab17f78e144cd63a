"""The size bands: one list, in order, and every headcount falls in exactly one of them."""

from __future__ import annotations

import pytest

from cosar_common.vocabulary import SIZE_BANDS, size_band


def test_size_bands_are_the_bands_size_band_gives_in_increasing_order() -> None:
    assert [size_band(n) for n in (0, 1, 9, 10, 49, 50, 249, 250, 10_000)] == [
        "0",
        "1-9",
        "1-9",
        "10-49",
        "10-49",
        "50-249",
        "50-249",
        "250+",
        "250+",
    ]
    assert SIZE_BANDS == ("0", "1-9", "10-49", "50-249", "250+")


@pytest.mark.parametrize("headcount", [-1, 0, 5, 12, 120, 900])
def test_every_headcount_has_a_listed_band(headcount: int) -> None:
    assert size_band(headcount) in SIZE_BANDS


def test_every_label_names_a_code_system_of_the_vocabulary() -> None:
    from cosar_common import vocabulary

    names = {v for k, v in vars(vocabulary).items() if k.isupper() and isinstance(v, str)}
    assert set(vocabulary.LABELS) <= names
