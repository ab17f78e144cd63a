"""What a search text asks for: a code in any common writing, words, or a misspelling.

Pure functions (no database): the SQL function ``thesaurus_search`` (migration 0003) receives
their output and never sees the user's text as query syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thesaurus.domain.codes import normalise_code

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
# A prefix (``boulang:*``) on one or two letters would match half of CIM-10.
MIN_PREFIX_WORD = 3
# Trigrams of a shorter text say nothing useful (``ma`` is "similar" to 8,000 labels).
MIN_FUZZY_LENGTH = 4
MAX_CODE_LENGTH = 20

_WORD = re.compile(r"\w+")
_CODE = re.compile(r"^[A-Z0-9]+$")


@dataclass(frozen=True)
class SearchTerms:
    """The input of ``thesaurus_search``, built from what the user typed."""

    text: str
    code: str
    code_prefix: bool
    words: str
    fuzzy: bool


def meaningful_length(q: str) -> int:
    """Letters and digits in ``q`` (spaces and punctuation do not make a query)."""
    return sum(len(w) for w in _WORD.findall(q))


def looks_like_code(q: str) -> bool:
    """``62.01Z``, ``6201z``, ``M54``, ``PHY.BRUIT``: worth a code-prefix search.

    Once normalised a code has only letters and digits; it carries a digit or is typed in
    capitals (``PHY``), which a French word rarely is.
    """
    stripped = q.strip()
    norm = normalise_code(stripped)
    if not norm or len(norm) > MAX_CODE_LENGTH or not _CODE.match(norm):
        return False
    return any(ch.isdigit() for ch in norm) or stripped.upper() == stripped


def tsquery_text(q: str) -> str:
    """A French full-text query requiring every word, as prefixes when long enough.

    Only ``\\w`` runs survive, each quoted: the user's ``&``, ``|``, ``!`` or ``:`` can never
    become tsquery syntax. Folding (case, accents) happens in SQL with the same function as
    the index; stemming by ``to_tsquery('french', ...)``.
    """
    parts = []
    for word in _WORD.findall(q.lower()):
        quoted = "'" + word.replace("'", "''") + "'"
        parts.append(f"{quoted}:*" if len(word) >= MIN_PREFIX_WORD else quoted)
    return " & ".join(parts)


def parse(q: str) -> SearchTerms | None:
    """The search terms of ``q``, or None when ``q`` is too short to search for."""
    text = " ".join(q.split())
    if meaningful_length(text) < MIN_QUERY_LENGTH:
        return None
    return SearchTerms(
        text=text,
        code=normalise_code(text),
        code_prefix=looks_like_code(text),
        words=tsquery_text(text),
        fuzzy=meaningful_length(text) >= MIN_FUZZY_LENGTH,
    )
