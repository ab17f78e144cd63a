"""Who is calling: the typed principal built from a verified access token."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from cosar_common.auth.permissions import (
    COMPANY_ROLES,
    SST_STAFF_ROLES,
    TENANT_ROLES,
    Permission,
    Role,
    roles_with,
)

__all__ = ["COMPANY_ROLES", "SST_STAFF_ROLES", "TENANT_ROLES", "Principal", "Role"]


_KNOWN_ROLES = frozenset(r.value for r in Role)


class Principal(BaseModel):
    """An authenticated caller. Immutable; built only from a verified token (or by tests)."""

    model_config = ConfigDict(frozen=True)

    subject: str
    username: str | None = None
    name: str | None = None
    client_id: str | None = None
    roles: frozenset[Role] = frozenset()
    tenant_id: str | None = None
    company_ids: frozenset[uuid.UUID] = frozenset()

    def has_any(self, roles: frozenset[Role] | set[Role]) -> bool:
        return bool(self.roles & roles)

    def may(self, permission: Permission) -> bool:
        """True when one of the caller's roles is granted ``permission`` (see ``ROLES``)."""
        return self.has_any(roles_with(permission))

    @property
    def actor(self) -> str:
        """Who acted, as recorded beside a change (created_by, published_by…): the login
        name, or the token's subject for callers without one (service accounts)."""
        return self.username or self.subject

    @property
    def display_name(self) -> str:
        """Who acted, as a document prints it: the person's full name from the token (its
        ``name`` claim, else given and family names), else :attr:`actor`. Stored beside the
        login, never instead of it: the login stays the audit identity."""
        return self.name or self.actor

    @property
    def is_service(self) -> bool:
        return Role.SERVICE_ACCOUNT in self.roles

    @property
    def is_sst_staff(self) -> bool:
        return self.has_any(SST_STAFF_ROLES)

    @property
    def is_company_scoped(self) -> bool:
        """True when the caller may only touch the companies of its token (employer, CSE)."""
        return self.has_any(COMPANY_ROLES) and not self.is_sst_staff

    def may_see_company(self, company_id: uuid.UUID) -> bool:
        """Company-level check, on top of the tenant isolation done by the database."""
        return not self.is_company_scoped or company_id in self.company_ids

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        """Build a principal from verified claims; unknown roles are ignored, not trusted."""
        raw_roles = claims.get("realm_access", {}).get("roles", [])
        roles = frozenset(Role(r) for r in raw_roles if r in _KNOWN_ROLES)
        tenant_id = claims.get("tenant_id") or None
        if isinstance(tenant_id, list):  # a multivalued mapper misconfiguration: refuse ambiguity
            tenant_id = tenant_id[0] if len(tenant_id) == 1 else None
        raw_companies = claims.get("company_ids") or []
        if isinstance(raw_companies, str):
            raw_companies = [raw_companies]
        companies = set()
        for value in raw_companies:
            try:
                companies.add(uuid.UUID(str(value)))
            except ValueError:
                continue
        return cls(
            subject=str(claims["sub"]),
            username=claims.get("preferred_username"),
            name=_full_name(claims),
            client_id=claims.get("azp"),
            roles=roles,
            tenant_id=tenant_id,
            company_ids=frozenset(companies),
        )


def _full_name(claims: Mapping[str, Any]) -> str | None:
    """The person's full name from the profile scope's claims (``name``, else ``given_name``
    and ``family_name``); None when the token carries neither (service accounts)."""
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return " ".join(name.split())
    parts = [claims.get("given_name"), claims.get("family_name")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return joined or None
