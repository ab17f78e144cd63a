"""Reading the regional thesaurus: ``$lookup`` over HTTP with the calling service's own token
(client credentials), cached.

The one synchronous call allowed between services (docs/architecture.md § Synchronous calls
between services) reads reference data, with a service token, a timeout and a cache. Every code
a service stores goes through :func:`require_code`: an unknown code or a deprecated one is
refused with a French message that names the replacement.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Protocol

import httpx
from fastapi import Depends, Request

from cosar_common import vocabulary
from cosar_common.auth.service_token import ServiceTokenProvider
from cosar_common.errors import RuleViolation, ServiceUnavailable
from cosar_common.runtime import Runtime


@dataclass(frozen=True)
class DatedProperty:
    value: Any
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class ConceptInfo:
    system: str
    code: str
    display: str
    deprecated: bool = False
    replaced_by: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    properties: dict[str, list[DatedProperty]] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        values = self.properties.get(name)
        return values[0].value if values else None


class ThesaurusClient(Protocol):
    async def lookup(self, system: str, code: str, *, on: date | None = None) -> ConceptInfo | None:
        """The concept in the latest published version (properties in force ``on``), or None."""
        ...


def _part_value(part: dict[str, Any]) -> Any:
    for key, value in part.items():
        if key.startswith("value"):
            return value
    return None


def parse_lookup(system: str, code: str, body: dict[str, Any]) -> ConceptInfo:
    """A FHIR ``$lookup`` Parameters answer as a :class:`ConceptInfo`."""
    display = ""
    properties: dict[str, list[DatedProperty]] = {}
    for parameter in body.get("parameter", []):
        if parameter.get("name") == "display":
            display = str(_part_value(parameter))
        if parameter.get("name") != "property":
            continue
        name, value, valid_from, valid_to = "", None, None, None
        for part in parameter.get("part", []):
            if part.get("name") == "code":
                name = str(_part_value(part))
            elif part.get("name") == "value":
                value = _part_value(part)
            elif part.get("name") == "subproperty":
                sub = {p.get("name"): _part_value(p) for p in part.get("part", [])}
                day = date.fromisoformat(str(sub.get("value"))) if sub.get("value") else None
                if sub.get("code") == "valid-from":
                    valid_from = day
                elif sub.get("code") == "valid-to":
                    valid_to = day
        properties.setdefault(name, []).append(DatedProperty(value, valid_from, valid_to))
    return ConceptInfo(
        system=system,
        code=code,
        display=display,
        deprecated=any(p.value is True for p in properties.get("inactive", [])),
        replaced_by=tuple(str(p.value) for p in properties.get("replaced-by", [])),
        parents=tuple(str(p.value) for p in properties.get("parent", [])),
        properties=properties,
    )


class HttpThesaurusClient:
    """``ThesaurusClient`` on the thesaurus service's FHIR API, with a TTL cache."""

    def __init__(
        self,
        *,
        base_url: str,
        http: httpx.AsyncClient,
        tokens: ServiceTokenProvider,
        ttl_s: float = 600.0,
        timeout_s: float = 3.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._http = http
        self._tokens = tokens
        self._ttl = ttl_s
        self._timeout = timeout_s
        self._cache: dict[tuple[str, str, date | None], tuple[float, ConceptInfo | None]] = {}

    def invalidate(self, system: str) -> None:
        """Forget what was cached of ``system`` (a new version of it was published)."""
        for key in [k for k in self._cache if k[0] == system]:
            del self._cache[key]

    async def lookup(self, system: str, code: str, *, on: date | None = None) -> ConceptInfo | None:
        key = (system, code, on)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        params = {"system": system, "code": code}
        if on is not None:
            params["date"] = on.isoformat()
        try:
            response = await self._http.get(
                f"{self._base}/fhir/CodeSystem/$lookup",
                params=params,
                headers=await self._tokens.headers(),
                timeout=self._timeout,
            )
        except (httpx.HTTPError, OSError) as exc:
            raise _unavailable() from exc
        if response.status_code == 404:
            found: ConceptInfo | None = None
        elif response.status_code == 200:
            found = parse_lookup(system, code, response.json())
        else:
            raise _unavailable()
        self._cache[key] = (time.monotonic() + self._ttl, found)
        return found


def connect_thesaurus(runtime: Runtime) -> None:
    """Startup hook: ``runtime.extensions["thesaurus"]``, this service's thesaurus client."""
    settings = runtime.settings
    tokens = ServiceTokenProvider(
        server_url=settings.keycloak_url,
        realm=settings.keycloak_realm,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
    )
    runtime.extensions["thesaurus"] = HttpThesaurusClient(
        base_url=settings.thesaurus_url,
        http=runtime.http,
        tokens=tokens,
        ttl_s=settings.thesaurus_cache_ttl_s,
        timeout_s=settings.thesaurus_timeout_s,
    )


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "Le thésaurus régional ne répond pas : réessayez dans un instant.",
        code="thesaurus_unavailable",
    )


async def require_code(
    client: ThesaurusClient, system: str, code: str, *, field: str
) -> ConceptInfo:
    """The concept if ``code`` is an active code of ``system``; a 422 in French otherwise."""
    concept = await client.lookup(system, code)
    label = vocabulary.LABELS.get(system, system)
    if concept is None:
        raise RuleViolation(
            f"Le code « {code} » n'existe pas dans la nomenclature {label}.",
            code="unknown_code",
            errors=[{"field": field, "message": f"Code inconnu : {code}."}],
        )
    if concept.deprecated:
        replacement = ", ".join(concept.replaced_by) or "aucun"
        raise RuleViolation(
            f"Le code « {code} » de la nomenclature {label} est obsolète "
            f"(remplacement : {replacement}).",
            code="deprecated_code",
            errors=[{"field": field, "message": f"Code obsolète ; remplacement : {replacement}."}],
        )
    return concept


def decimal_or_none(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except ArithmeticError:
        return None


async def get_thesaurus(request: Request) -> ThesaurusClient:
    """The service's thesaurus client (set by :func:`connect_thesaurus` at startup)."""
    client: ThesaurusClient = request.app.state.runtime.extensions["thesaurus"]
    return client


ThesaurusDep = Annotated[ThesaurusClient, Depends(get_thesaurus)]
