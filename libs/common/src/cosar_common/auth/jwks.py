"""Access-token verification against the realm's signing keys (JWKS).

Keys are cached and refreshed when a token names an unknown ``kid`` (key rotation), at most once
per ``min_refresh_interval_s`` so that a flood of forged tokens cannot hammer Keycloak.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import httpx
import jwt
from jwt import PyJWK

from cosar_common.errors import NotAuthenticated, ServiceUnavailable

ALGORITHMS = ["RS256"]


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
            raise NotAuthenticated("Jeton signé par une clé inconnue.", code="invalid_token")
        return key


class TokenVerifier:
    """Checks signature, issuer, audience and expiry; returns the verified claims."""

    def __init__(self, *, jwks: JwksCache, issuer: str, audience: str, leeway_s: int = 5) -> None:
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_s

    async def verify(self, token: str) -> Mapping[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise NotAuthenticated("Jeton illisible.", code="invalid_token") from exc
        if header.get("alg") not in ALGORITHMS or not header.get("kid"):
            raise NotAuthenticated("Algorithme de signature refusé.", code="invalid_token")
        key = await self._jwks.key_for(str(header["kid"]))
        try:
            return jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise NotAuthenticated("Jeton expiré.", code="token_expired") from exc
        except jwt.PyJWTError as exc:
            raise NotAuthenticated("Jeton invalide.", code="invalid_token") from exc
