"""How users write codes: ``62.01Z``, ``6201Z``, ``62.01 z`` are the same NAF code."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[.\s_-]+")


def normalise_code(code: str) -> str:
    """Upper case without dots, spaces, dashes or underscores (``62.01Z`` → ``6201Z``).

    Must stay identical to the SQL of migration 0002 (``norm_code`` backfill).
    """
    return _SEPARATORS.sub("", code).upper()
