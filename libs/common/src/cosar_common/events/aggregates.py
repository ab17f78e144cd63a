"""What every aggregate event shares: pseudonyms and code patterns (and the size bands of
:mod:`cosar_common.vocabulary`).

Payloads that leave a tenant carry codes, counts and keyed pseudonyms only; these types make
that the shape of the contract (``extra="forbid"``, patterns that fit no name or SIRET).
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import BaseModel, ConfigDict

# A pseudonym is a hex HMAC-SHA256: nothing else fits the pattern (no name, no SIRET).
Pseudonym = str
PSEUDONYM_PATTERN = r"^[0-9a-f]{64}$"
# Codes of the regional thesaurus (NAF, dangers, pénibilité, PCS, prevention actions).
CODE_PATTERN = r"^[A-Za-z0-9._-]{1,40}$"


class Aggregate(BaseModel):
    """Base of the parts of an aggregate payload: frozen, no field outside the contract."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def pseudonym(key: bytes, value: object) -> Pseudonym:
    """The keyed hash (HMAC-SHA256, hex) that stands for ``value`` outside its tenant.

    ``key`` is a per-tenant secret kept in the producing service's database: the same company
    always gets the same pseudonym, and nobody without the key can link it back.
    """
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
