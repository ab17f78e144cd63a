"""The hash chain of finalised report revisions, year by year (no database: pure checks)."""

from __future__ import annotations

import uuid

import pytest

from cosar_common.integrity import build_link
from reporting.reports.models import Report
from reporting.reports.service import FINALISED, verify_chains

pytestmark = pytest.mark.unit

ESTABLISHMENT = uuid.uuid4()


def _revisions(year: int, count: int, *, draft_after: bool = False) -> list[Report]:
    reports, previous = [], None
    for revision in range(1, count + 1):
        link = build_link(revision, {"year": year, "revision": revision}, previous)
        reports.append(
            Report(
                establishment_id=ESTABLISHMENT,
                year=year,
                revision=revision,
                status=FINALISED,
                input={},
                content=link.content,
                content_hash=link.stored_hash,
                previous_hash=previous,
            )
        )
        previous = link.stored_hash
    if draft_after:
        reports.append(
            Report(establishment_id=ESTABLISHMENT, year=year, revision=count + 1, input={})
        )
    return reports


def test_each_year_is_its_own_chain_and_drafts_are_left_out():
    chains = verify_chains([*_revisions(2024, 3, draft_after=True), *_revisions(2023, 1)])
    assert [(c.year, c.chain.valid, c.chain.length) for c in chains] == [
        (2023, True, 1),
        (2024, True, 3),
    ]
    assert chains[1].head == _revisions(2024, 3)[-1].content_hash


def test_a_year_with_only_a_draft_has_an_empty_valid_chain():
    (chain,) = verify_chains(
        [Report(establishment_id=ESTABLISHMENT, year=2025, revision=1, input={})]
    )
    assert (chain.head, chain.chain.valid, chain.chain.length) == (None, True, 0)


def test_a_changed_revision_breaks_the_chain_from_it():
    reports = _revisions(2024, 3)
    reports[1].content = reports[1].content.replace(b"2024", b"2025")  # type: ignore[union-attr]
    (chain,) = verify_chains(reports)
    assert not chain.chain.valid
    assert chain.chain.first_broken == 2
    assert chain.chain.reason is not None
