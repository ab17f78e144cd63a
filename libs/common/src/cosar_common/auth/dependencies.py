"""FastAPI dependencies: the verified principal of a request and the permission a route needs.

Use them as ``Annotated`` aliases in endpoints::

    DuerpWriter = Annotated[Principal, Depends(require(Permission.DUERP_WRITE))]

    @router.patch("/companies/{company_id}")
    async def update_company(principal: DuerpWriter): ...

Which roles hold a permission is said once, in ``cosar_common.auth.permissions.ROLES``.
401 when the token is missing or bad, 403 when no role of the caller has the permission, 404
(raised by the repositories) for another tenant's object.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cosar_common.auth.jwks import TokenVerifier
from cosar_common.auth.permissions import TENANT_ROLES, Permission
from cosar_common.auth.principal import Principal
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


@functools.cache
def require(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets through only principals granted ``permission``; 403 otherwise.

    One dependency per permission (cached), so FastAPI runs it once per request."""

    async def _check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.may(permission):
            raise Forbidden()
        return principal

    _check.__name__ = "require_" + permission.name.lower()
    return _check


PrincipalDep = Annotated[Principal, Depends(get_principal)]
