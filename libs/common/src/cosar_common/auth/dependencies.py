"""FastAPI dependencies: the verified principal of a request and the roles a route allows.

Use them as ``Annotated`` aliases in endpoints::

    @router.get("/companies/{company_id}")
    async def get_company(principal: Annotated[Principal, Depends(allow(Role.EMPLOYER, ...))]):

401 when the token is missing or bad, 403 when the role is not allowed, 404 (raised by the
repositories) for another tenant's object.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cosar_common.auth.jwks import TokenVerifier
from cosar_common.auth.principal import TENANT_ROLES, Principal, Role
from cosar_common.errors import Forbidden, NotAuthenticated

_bearer = HTTPBearer(auto_error=False, description="Jeton d'accès Keycloak (realm cosar)")


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from a verified bearer token; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated()
    claims = await _verifier(request).verify(credentials.credentials)
    principal = Principal.from_claims(claims)
    if principal.has_any(TENANT_ROLES) and principal.tenant_id is None:
        # A tenant role without a tenant would see nothing (RLS) but is a misconfigured
        # identity: say so rather than return empty pages.
        raise Forbidden("Votre compte n'est rattaché à aucun service de santé au travail.")
    return principal


def allow(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through only principals holding one of ``roles``."""
    allowed = frozenset(roles)

    async def _check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.has_any(allowed):
            raise Forbidden()
        return principal

    _check.__name__ = "allow_" + "_".join(r.value.replace("-", "_") for r in roles)
    return _check


PrincipalDep = Annotated[Principal, Depends(get_principal)]
