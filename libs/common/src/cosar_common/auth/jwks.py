"""Access-token verification against the realm's signing keys (JWKS).

Keys are cached and refreshed when a token names an unknown ``kid`` (key rotation), at most once
per ``min_refresh_interval_s`` so that a flood of forged tokens cannot hammer Keycloak.

A client sends the same access token with every request until it expires: the verifier
remembers the claims of the tokens it verified (for a minute at most, never past their
expiry), so the RSA check runs once per token and not once per request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import httpx
import jwt
from jwt import PyJWK

from cosar_common.errors import NotAuthenticated, ServiceUnavailable

ALGORITHMS = ["RS256"]

# One answer for every forged or damaged token, whatever the check that refused it: telling
# the caller which check failed (the algorithm, the key, the issuer…) would help an attacker
# adjust the next forgery. The reason goes to the service's log. An expired token keeps its
# own code: a genuine client needs it to know it should refresh.
INVALID = "Jeton invalide."

log = logging.getLogger(__name__)


def _refused(reason: str) -> NotAuthenticated:
    log.info("access token refused: %s", reason)
    return NotAuthenticated(INVALID, code="invalid_token")


class JwksCache:
    """The realm's public keys, fetched lazily and refreshed on an unknown key id."""

    def __init__(
        self,
        jwks_url: str,
        *,
        http: httpx.AsyncClient,
        min_refresh_interval_s: float = 10.0,
    ) -> None:
        self._url = jwks_url
        self._http = http
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0
        self._min_interval = min_refresh_interval_s
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        try:
            response = await self._http.get(self._url)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise ServiceUnavailable("Fournisseur d'identité injoignable.") from exc
        keys: dict[str, PyJWK] = {}
        for jwk in response.json().get("keys", []):
            if jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") not in ALGORITHMS:
                continue
            keys[jwk["kid"]] = PyJWK(jwk)
        self._keys = keys
        self._fetched_at = time.monotonic()

    async def key_for(self, kid: str) -> PyJWK:
        key = self._keys.get(kid)
        if key is not None:
            return key
        async with self._lock:
            key = self._keys.get(kid)
            if key is None and time.monotonic() - self._fetched_at >= self._min_interval:
                await self._refresh()
                key = self._keys.get(kid)
        if key is None:
            raise _refused("signed by a key the realm does not publish")
        return key


class TokenVerifier:
    """Checks signature, issuer, audience and expiry; returns the verified claims.

    Verified tokens are remembered (``cache_size`` of them, ``cache_ttl_s`` at most): a
    token seen again is accepted without a new signature check while it has not expired.
    Only verified tokens enter the cache, keyed by the whole token, so nothing unverified can
    be answered from it; a signing key withdrawn from the realm stops being honoured for
    cached tokens within ``cache_ttl_s``.
    """

    def __init__(
        self,
        *,
        jwks: JwksCache,
        issuer: str,
        audience: str,
        leeway_s: int = 5,
        cache_size: int = 1024,
        cache_ttl_s: float = 60.0,
    ) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_s
        self._cache_size = cache_size
        self._cache_ttl = cache_ttl_s
        # token -> (claims, wall-clock time until which they may be served from here)
        self._verified: dict[str, tuple[Mapping[str, Any], float]] = {}

    async def verify(self, token: str) -> Mapping[str, Any]:
        cached = self._verified.get(token)
        if cached is not None:
            claims, valid_until = cached
            if time.time() < valid_until:
                return claims
            del self._verified[token]
        claims = await self._verify(token)
        self._remember(token, claims)
        return claims

    def _remember(self, token: str, claims: Mapping[str, Any]) -> None:
        if self._cache_size <= 0:
            return
        # ``exp`` is required and numeric once verified; the leeway applies as in jwt.decode.
        valid_until = min(float(claims["exp"]) + self._leeway, time.time() + self._cache_ttl)
        while len(self._verified) >= self._cache_size:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = (MappingProxyType(dict(claims)), valid_until)

    async def _verify(self, token: str) -> Mapping[str, Any]:
        return await verify_signed(
            token,
            jwks=self._jwks,
            issuer=self._issuer,
            audience=self._audience,
            leeway=self._leeway,
            require=ACCESS_TOKEN_CLAIMS,
        )


ACCESS_TOKEN_CLAIMS = ("exp", "iat", "iss", "aud", "sub")


async def verify_signed(
    token: str,
    *,
    jwks: JwksCache,
    issuer: str,
    audience: str,
    leeway: int = 5,
    require: tuple[str, ...] = ACCESS_TOKEN_CLAIMS,
) -> dict[str, Any]:
    """A realm-signed JWT's claims: allowed algorithm, key of the realm, issuer, audience, the
    ``require``d claims, and ``exp`` whenever present. Access tokens require all of
    :data:`ACCESS_TOKEN_CLAIMS`; other tokens of the realm (a back-channel logout token has no
    ``exp`` to require) name theirs."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise _refused("unreadable header") from exc
    if header.get("alg") not in ALGORITHMS or not header.get("kid"):
        raise _refused(f"algorithm {header.get('alg')!r} or no key id")
    key = await jwks.key_for(str(header["kid"]))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=ALGORITHMS,
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": list(require)},
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("Jeton expiré.", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise _refused(type(exc).__name__) from exc
    return claims
