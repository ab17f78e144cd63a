"""Service-to-service tokens (client credentials), cached until shortly before expiry."""

from __future__ import annotations

import asyncio
import time

from keycloak import KeycloakOpenID


class ServiceTokenProvider:
    """Gets this service's own access token from Keycloak and reuses it while it is fresh.

    Used only for the synchronous reference-data reads allowed between services (e.g. a
    thesaurus lookup; docs/architecture.md § Synchronous calls between services); events never
    carry tokens.
    """

    def __init__(
        self,
        *,
        server_url: str,
        realm: str,
        client_id: str,
        client_secret: str,
        refresh_margin_s: float = 30.0,
        timeout_s: float = 5.0,
    ) -> None:
        self._oidc = KeycloakOpenID(
            server_url=server_url.rstrip("/") + "/",
            realm_name=realm,
            client_id=client_id,
            client_secret_key=client_secret,
            timeout=int(max(1, timeout_s)),
        )
        self._margin = refresh_margin_s
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        if self._token is not None and time.monotonic() < self._expires_at - self._margin:
            return self._token
        async with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at - self._margin:
                response = await self._oidc.a_token(grant_type="client_credentials")
                self._token = str(response["access_token"])
                self._expires_at = time.monotonic() + float(response.get("expires_in", 60))
        assert self._token is not None
        return self._token

    async def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token()}"}
