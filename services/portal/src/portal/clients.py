"""Calls to the services, always with the person's own access token (never a service token).

What a service answers is turned into what a page needs: a JSON body, or one of the errors
below, which the pages render in French (:mod:`portal.pages.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

# How a page names each service when it does not answer.
SERVICE_LABELS = {
    "assessment": "le service des documents uniques (évaluation des risques)",
    "thesaurus": "le service des référentiels (thésaurus)",
    "reporting": "le service des bilans annuels",
    "indicators": "le service des indicateurs régionaux",
}


class ServiceUnavailable(Exception):
    """The service did not answer, or answered 5xx."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.label = SERVICE_LABELS.get(service, service)


class NotAuthorised(Exception):
    """401: the token is no longer accepted; the person logs in again."""


@dataclass
class ApiError(Exception):
    """A 4xx answer with the service's body (``code``, French ``message``, ``errors``)."""

    status: int
    body: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.body.get("code", ""))

    @property
    def message(self) -> str:
        return str(self.body.get("message") or "La demande a été refusée.")


@dataclass
class Answer:
    status: int
    body: Any
    headers: httpx.Headers


@dataclass(frozen=True)
class Download:
    """A document a service rendered (PDF, XLSX…): the bytes and the service's media type."""

    content: bytes
    media_type: str


class Services:
    """One HTTP client for every service; base URLs from the settings."""

    def __init__(self, http: httpx.AsyncClient, urls: dict[str, str]) -> None:
        self.http = http
        self.urls = urls

    async def _send(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """The service's 2xx answer; every other outcome as one of the errors above."""
        url = self.urls[service] + path
        sent = {"Authorization": f"Bearer {token}", **(headers or {})}
        try:
            response = await self.http.request(method, url, json=json, params=params, headers=sent)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(service, type(exc).__name__) from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(service, f"HTTP {response.status_code}")
        if response.status_code == 401:
            raise NotAuthorised()
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiError(response.status_code, body if isinstance(body, dict) else {})
        return response

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        response = await self._send(
            service, method, path, token=token, json=json, params=params, headers=headers
        )
        body = response.json() if response.content else None
        return Answer(response.status_code, body, response.headers)

    async def get(self, service: str, path: str, *, token: str, **kwargs: Any) -> Any:
        return (await self.call(service, "GET", path, token=token, **kwargs)).body

    async def fetch(self, service: str, path: str, *, token: str) -> Download:
        """A document's bytes as the service answered them (GET), with their media type."""
        response = await self._send(service, "GET", path, token=token)
        media_type = response.headers.get("content-type", "application/octet-stream")
        return Download(response.content, media_type)
