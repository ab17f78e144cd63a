"""Whether a DUERP about to be published says anything its last version did not.

A version's stored hash cannot tell: it covers the envelope of the publication too (its number,
instant, author, the hash of the version before and the year assessed), which differ every
time. What is compared is the hash of the content alone — the canonical JSON of the version
without those envelope keys — so the same document published again is recognised whatever day
it is published. Publishing it again is legitimate (the yearly review found nothing to change)
but must be confirmed: the service refuses it otherwise (``duerp.publication``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from assessment.domain.snapshot import DuerpSnapshot
from cosar_common.integrity import canonical_json, digest

#: Keys of a version that say when, by whom and where in the chain it was published, not what
#: it says: left out of the content hash.
ENVELOPE_KEYS = frozenset(
    {"number", "published_at", "published_by", "previous_hash", "assessed_year"}
)


def content_hash(document: DuerpSnapshot | Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``document`` without its envelope keys."""
    data = document.model_dump(mode="json") if isinstance(document, DuerpSnapshot) else document
    content = {key: value for key, value in data.items() if key not in ENVELOPE_KEYS}
    return digest(canonical_json(content))


def stored_content_hash(stored: bytes) -> str:
    """:func:`content_hash` of a stored version (its canonical JSON, as sealed)."""
    return content_hash(json.loads(stored.decode("utf-8")))


def unchanged_since(previous: bytes | None, snapshot: DuerpSnapshot) -> bool:
    """Whether ``snapshot`` has the same content as the stored version ``previous`` (False
    when there is no previous version: a first publication always says something new)."""
    return previous is not None and stored_content_hash(previous) == content_hash(snapshot)
