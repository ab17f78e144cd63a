import dataclasses
import hashlib
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel

from cosar_common.integrity import (
    StoredLink,
    build_link,
    canonical_json,
    digest,
    verify_chain,
)

pytestmark = pytest.mark.unit


class Doc(BaseModel):
    number: int
    score: Decimal
    name: str
    published_at: datetime
    id: uuid.UUID
    previous_hash: str | None = None


def make_chain(length: int) -> list[StoredLink]:
    links: list[StoredLink] = []
    for number in range(1, length + 1):
        previous = links[-1].stored_hash if links else None
        document = {"number": number, "score": Decimal("2.10"), "name": f"v{number}"}
        links.append(build_link(number, document, previous))
    return links


def test_canonical_json_sorts_keys_without_spaces_and_keeps_accents():
    raw = canonical_json({"b": 1, "a": "Équipe", "c": [1, 2]})

    assert raw == '{"a":"Équipe","b":1,"c":[1,2]}'.encode()


def test_decimals_serialise_as_their_exact_string():
    assert canonical_json({"score": Decimal("2.10")}) == b'{"score":"2.10"}'


def test_model_and_its_plain_dump_give_the_same_bytes():
    doc = Doc(
        number=1,
        score=Decimal("4.20"),
        name="Dépôt",
        published_at=datetime(2024, 3, 1, 9, 30, tzinfo=UTC),
        id=uuid.UUID(int=7),
    )

    assert canonical_json(doc) == canonical_json(doc.model_dump())
    assert b'"published_at":"2024-03-01T09:30:00Z"' in canonical_json(doc)
    assert b'"score":"4.20"' in canonical_json(doc)


def test_digest_is_sha256_hex():
    assert digest(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(digest(b"")) == 64


def test_build_link_writes_the_previous_hash_into_the_content():
    link = build_link(2, {"number": 2}, "f" * 64)

    assert json.loads(link.content)["previous_hash"] == "f" * 64
    assert link.stored_hash == digest(link.content)


def test_valid_chain_of_three():
    report = verify_chain(make_chain(3))

    assert report.valid is True
    assert report.length == 3
    assert report.first_broken is None
    assert report.reason is None


def test_order_of_the_given_links_does_not_matter():
    links = make_chain(3)

    assert verify_chain([links[2], links[0], links[1]]).valid is True


def test_empty_chain_is_valid():
    report = verify_chain([])

    assert report.valid is True
    assert report.length == 0


def test_tampered_content_of_version_2_is_named():
    links = make_chain(3)
    forged = links[1].content.replace(b'"2.10"', b'"0.20"')
    links[1] = dataclasses.replace(links[1], content=forged)

    report = verify_chain(links)

    assert report.valid is False
    assert report.first_broken == 2
    assert report.reason is not None
    assert "empreinte" in report.reason


def test_rehashed_forgery_breaks_the_next_link():
    links = make_chain(3)
    forged = build_link(2, {"number": 2, "score": "0.20", "name": "v2"}, links[0].stored_hash)
    links[1] = forged

    report = verify_chain(links)

    assert report.first_broken == 3


def test_removed_version_is_reported_under_its_number():
    links = make_chain(4)
    del links[2]

    report = verify_chain(links)

    assert report.valid is False
    assert report.first_broken == 3
    assert report.reason == "La version 3 manque dans la chaîne."


def test_removed_and_renumbered_version_is_broken():
    links = make_chain(3)
    relinked = dataclasses.replace(links[2], number=2)

    report = verify_chain([links[0], relinked])

    assert report.first_broken == 2
    assert report.reason == "La version 2 n'est pas chaînée à la version 1."


def test_relinked_version_is_caught_by_the_hash_inside_its_content():
    links = make_chain(3)
    # Version 2 deleted; version 3 renumbered 2 and its column pointed at version 1.
    relinked = dataclasses.replace(links[2], number=2, previous_hash=links[0].stored_hash)

    report = verify_chain([links[0], relinked])

    assert report.first_broken == 2
    assert report.reason is not None
    assert "inscrite" in report.reason


def test_column_differs_from_the_hash_inside_the_content():
    links = make_chain(2)
    other = build_link(1, {"number": 1, "name": "autre"}, None)
    # Same column as the real chain, but the content names another predecessor.
    content_pointing_elsewhere = build_link(2, {"number": 2}, other.stored_hash).content
    links[1] = StoredLink(
        2, links[0].stored_hash, content_pointing_elsewhere, digest(content_pointing_elsewhere)
    )

    report = verify_chain(links)

    assert report.first_broken == 2
    assert report.reason is not None
    assert "inscrite" in report.reason


def test_first_version_must_not_point_anywhere():
    first = build_link(1, {"number": 1}, "a" * 64)

    report = verify_chain([first])

    assert report.first_broken == 1


def test_duplicate_number_is_broken():
    links = make_chain(2)

    report = verify_chain([links[0], links[1], links[1]])

    assert report.valid is False
    assert report.first_broken == 2


def test_content_without_previous_hash_is_broken():
    content = canonical_json({"number": 1})

    report = verify_chain([StoredLink(1, None, content, digest(content))])

    assert report.first_broken == 1


def test_expected_head_catches_a_full_rewrite():
    genuine = make_chain(2)
    rewritten = [
        genuine[0],
        build_link(2, {"number": 2, "name": "réécrit"}, genuine[0].stored_hash),
    ]

    assert verify_chain(rewritten).valid is True
    report = verify_chain(rewritten, expected_head=genuine[1].stored_hash)
    assert report.valid is False
    assert report.first_broken == 2
    assert verify_chain(genuine, expected_head=genuine[1].stored_hash).valid is True
