"""Authentication and authorisation: verified Keycloak tokens → typed principal → permissions."""

from cosar_common.auth.dependencies import PrincipalDep, get_principal, require
from cosar_common.auth.jwks import JwksCache, TokenVerifier
from cosar_common.auth.permissions import Permission, Role, permissions_of, roles_with
from cosar_common.auth.principal import Principal
from cosar_common.auth.service_token import ServiceTokenProvider

__all__ = [
    "JwksCache",
    "Permission",
    "Principal",
    "PrincipalDep",
    "Role",
    "ServiceTokenProvider",
    "TokenVerifier",
    "get_principal",
    "permissions_of",
    "require",
    "roles_with",
]
