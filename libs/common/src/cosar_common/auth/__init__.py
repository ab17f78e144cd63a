"""Authentication and authorisation: verified Keycloak tokens → typed principal → route roles."""

from cosar_common.auth.dependencies import PrincipalDep, allow, get_principal
from cosar_common.auth.jwks import JwksCache, TokenVerifier
from cosar_common.auth.principal import Principal, Role
from cosar_common.auth.service_token import ServiceTokenProvider

__all__ = [
    "JwksCache",
    "Principal",
    "PrincipalDep",
    "Role",
    "ServiceTokenProvider",
    "TokenVerifier",
    "allow",
    "get_principal",
]
