"""What every aggregate event shares: pseudonyms, code patterns, size bands.

Payloads that leave a tenant carry codes, counts and keyed pseudonyms only; these types make
that the shape of the contract (``extra="forbid"``, patterns that fit no name or SIRET).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from pydantic import BaseModel, ConfigDict

# A pseudonym is a hex HMAC-SHA256: nothing else fits the pattern (no name, no SIRET).
Pseudonym = str
PSEUDONYM_PATTERN = r"^[0-9a-f]{64}$"
# Codes of the regional thesaurus (NAF, dangers, pénibilité, PCS, prevention actions).
CODE_PATTERN = r"^[A-Za-z0-9._-]{1,40}$"

SizeBand = Literal["0", "1-9", "10-49", "50-249", "250+"]


class Aggregate(BaseModel):
    """Base of the parts of an aggregate payload: frozen, no field outside the contract."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def size_band(headcount: int) -> SizeBand:
    """INSEE-style headcount band; the exact headcount of a small company is not published."""
    if headcount <= 0:
        return "0"
    if headcount < 10:
        return "1-9"
    if headcount < 50:
        return "10-49"
    if headcount < 250:
        return "50-249"
    return "250+"


def pseudonym(key: bytes, value: object) -> Pseudonym:
    """The keyed hash (HMAC-SHA256, hex) that stands for ``value`` outside its tenant.

    ``key`` is a per-tenant secret kept in the producing service's database: the same company
    always gets the same pseudonym, and nobody without the key can link it back.
    """
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
