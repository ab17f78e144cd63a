"""Tamper-evident chains of published documents: DUERP versions (R4121-4: kept at least 40
years), fiches d'entreprise, finalised annual reports.

Each version is stored as canonical JSON that names the hash of the version before it; its own
SHA-256 is stored beside it. Changing, removing or relinking a stored version breaks the chain
from that version on. A full rewrite of every later version and hash is only caught against a
head hash kept elsewhere (``expected_head``), e.g. the one given in the publication receipt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic_core import to_jsonable_python

PREVIOUS_HASH_KEY = "previous_hash"


def canonical_json(document: BaseModel | Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8, no NaN.

    Models are dumped as ``model_dump(mode="json")``; plain mappings go through the same
    pydantic serialiser, so a Decimal is its string (``"2.10"``) and a datetime its ISO form in
    both cases: ``canonical_json(model) == canonical_json(model.model_dump())``.
    """
    if isinstance(document, BaseModel):
        data: Any = document.model_dump(mode="json")
    else:
        data = to_jsonable_python(dict(document))
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def digest(canonical: bytes) -> str:
    """SHA-256 of the canonical bytes, lower-case hex."""
    return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True)
class StoredLink:
    """One stored version: its number, the previous-hash column, the canonical JSON as stored
    (which itself holds a ``previous_hash`` key) and the hash stored with it."""

    number: int
    previous_hash: str | None
    content: bytes
    stored_hash: str


def build_link(
    number: int, document: BaseModel | Mapping[str, Any], previous_hash: str | None
) -> StoredLink:
    """Seal ``document`` as version ``number`` chained to ``previous_hash``.

    The ``previous_hash`` key of the document is set to ``previous_hash`` before hashing.
    """
    data: dict[str, Any] = (
        document.model_dump(mode="json") if isinstance(document, BaseModel) else dict(document)
    )
    data[PREVIOUS_HASH_KEY] = previous_hash
    content = canonical_json(data)
    return StoredLink(number, previous_hash, content, digest(content))


class ChainReport(BaseModel):
    """Result of ``verify_chain``; ``reason`` is French, shown to auditors."""

    model_config = ConfigDict(frozen=True)

    valid: bool
    length: int
    first_broken: int | None = None
    reason: str | None = None


def _embedded_previous_hash(content: bytes) -> tuple[bool, Any]:
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False, None
    if not isinstance(data, dict) or PREVIOUS_HASH_KEY not in data:
        return False, None
    return True, data[PREVIOUS_HASH_KEY]


def _first_fault(expected: int, link: StoredLink, previous: StoredLink | None) -> str | None:
    if digest(link.content) != link.stored_hash:
        return f"Le contenu de la version {expected} ne correspond plus à son empreinte."
    expected_previous = previous.stored_hash if previous else None
    if link.previous_hash != expected_previous:
        if previous is None:
            return "La version 1 ne doit pas être chaînée à une version antérieure."
        return f"La version {expected} n'est pas chaînée à la version {previous.number}."
    readable, embedded = _embedded_previous_hash(link.content)
    if not readable:
        return f"La version {expected} ne contient pas l'empreinte de la version précédente."
    if embedded != link.previous_hash:
        return (
            f"L'empreinte précédente inscrite dans la version {expected} ne correspond pas "
            "à celle enregistrée."
        )
    return None


def verify_chain(links: Sequence[StoredLink], *, expected_head: str | None = None) -> ChainReport:
    """Check the stored versions in number order and name the first broken one.

    Rules, for each version: numbers run 1..n without gap or duplicate (a missing version is
    reported under its own number); the content hashes to the stored hash; the previous-hash
    column is the stored hash of the version before (None for version 1); the previous hash
    written inside the content is that same column. With ``expected_head``, the last stored
    hash must also equal it. An empty chain is valid.
    """
    ordered = sorted(links, key=lambda link: link.number)
    previous: StoredLink | None = None
    for expected, link in enumerate(ordered, start=1):
        reason: str | None = None
        broken = expected
        if link.number > expected:
            reason = f"La version {expected} manque dans la chaîne."
        elif link.number < expected:
            broken = link.number
            reason = f"La version {link.number} est en double ou mal numérotée."
        else:
            reason = _first_fault(expected, link, previous)
        if reason is not None:
            return ChainReport(valid=False, length=len(links), first_broken=broken, reason=reason)
        previous = link
    if expected_head is not None and (previous is None or previous.stored_hash != expected_head):
        return ChainReport(
            valid=False,
            length=len(links),
            first_broken=previous.number if previous else None,
            reason="La dernière version ne correspond pas à l'empreinte de référence.",
        )
    return ChainReport(valid=True, length=len(links))
