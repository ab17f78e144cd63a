"""Publishing the same DUERP again is recognised from its content, not from its envelope."""

from datetime import UTC, datetime

import pytest

from assessment.domain.republication import content_hash, stored_content_hash, unchanged_since
from cosar_common.integrity import build_link

from .sample_snapshot import PREVIOUS_HASH, sample_snapshot, sample_work_units

pytestmark = pytest.mark.unit


def stored(number: int = 3, previous_hash: str | None = PREVIOUS_HASH) -> bytes:
    """Version 3 of the sample as ``versions.service.seal`` stores it."""
    return build_link(number, sample_snapshot(), previous_hash).content


def test_first_publication_is_never_unchanged() -> None:
    assert not unchanged_since(None, sample_snapshot())


def test_same_content_a_year_later_by_someone_else_is_unchanged() -> None:
    again = sample_snapshot(
        number=4,
        published_at=datetime(2027, 11, 24, 8, tzinfo=UTC),
        published_by="Paul Durand",
        previous_hash="f" * 64,
        assessed_year=2027,
    )
    assert unchanged_since(stored(), again)


def test_a_changed_risk_is_a_change() -> None:
    units = sample_work_units()
    risk = units[2].risks[0].model_copy(update={"situations": "Clients agressifs le soir"})
    units[2] = units[2].model_copy(update={"risks": [risk, *units[2].risks[1:]]})
    assert not unchanged_since(stored(), sample_snapshot(number=4, work_units=units))


def test_a_removed_action_or_a_new_headcount_is_a_change() -> None:
    snap = sample_snapshot()
    assert not unchanged_since(stored(), snap.model_copy(update={"actions": snap.actions[1:]}))
    company = snap.company.model_copy(update={"headcount": 13})
    assert not unchanged_since(stored(), snap.model_copy(update={"company": company}))


def test_the_stored_bytes_and_the_model_hash_alike() -> None:
    assert stored_content_hash(stored()) == content_hash(sample_snapshot())
    assert stored_content_hash(stored(1, None)) == stored_content_hash(stored(7, "a" * 64))
