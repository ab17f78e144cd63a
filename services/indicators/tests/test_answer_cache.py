"""Answers kept per release: never handed to a reader they were not built for."""

import uuid

import pytest

from indicators.api.schemas import IndicatorResult
from indicators.api.service import Answers, answer_key
from indicators.catalogue.definitions import Breakdown
from indicators.releases.serve import Query

pytestmark = pytest.mark.unit

RELEASE = uuid.uuid4()


def _query(scope: str, **filters: str) -> Query:
    return Query(code="duerp-coverage", scope=scope, breakdown=Breakdown.NAF_SECTION, **filters)


def test_a_tenant_answer_is_kept_for_that_tenant_only():
    mine = answer_key(RELEASE, _query("tenant"), "sst-13-marseille", 3)
    theirs = answer_key(RELEASE, _query("tenant"), "sst-06-nice", 3)
    assert mine != theirs
    assert mine == answer_key(RELEASE, _query("tenant"), "sst-13-marseille", 3)


def test_a_region_answer_is_the_same_for_every_reader_and_release_bound():
    assert answer_key(RELEASE, _query("region"), None, 3) == answer_key(
        RELEASE, _query("region"), "sst-06-nice", 3
    )
    assert answer_key(RELEASE, _query("region"), None, 3) != answer_key(
        uuid.uuid4(), _query("region"), None, 3
    )
    assert answer_key(RELEASE, _query("region", naf="F"), None, 3) != answer_key(
        RELEASE, _query("region"), None, 3
    )


def test_the_least_recently_used_answer_goes_first():
    kept = Answers(size=2)
    results = [IndicatorResult.model_construct(scope=str(i)) for i in range(3)]
    kept.put(("a",), results[0])
    kept.put(("b",), results[1])
    assert kept.get(("a",)) is results[0]
    kept.put(("c",), results[2])
    assert kept.get(("b",)) is None
    assert kept.get(("a",)) is results[0]
    assert kept.get(("c",)) is results[2]
