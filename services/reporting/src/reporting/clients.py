"""Reading a member company from the assessment service, as the caller.

The reporting service keeps no company register of its own: registering an establishment reads
the company (name, SIRET, NAF) and its events pseudonym from the assessment service with the
caller's own bearer token, so the assessment's rules decide what the caller may see: another
tenant's or another employer's company is a 404 there, hence here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx

from cosar_common.errors import NotFound, ServiceUnavailable


@dataclass(frozen=True)
class CompanyInfo:
    id: uuid.UUID
    name: str
    siret: str
    naf_code: str
    headcount: int
    pseudonym: str


class AssessmentClient:
    def __init__(self, *, base_url: str, http: httpx.AsyncClient, timeout_s: float) -> None:
        self._base = base_url.rstrip("/")
        self._http = http
        self._timeout = timeout_s

    async def _get(self, path: str, token: str) -> dict[str, object]:
        try:
            response = await self._http.get(
                f"{self._base}{path}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=self._timeout,
            )
        except (httpx.HTTPError, OSError) as exc:
            raise _unavailable() from exc
        if response.status_code in (403, 404):
            raise NotFound("Entreprise introuvable.", code="company_not_found")
        if response.status_code != 200:
            raise _unavailable()
        body: dict[str, object] = response.json()
        return body

    async def company(self, company_id: uuid.UUID, *, token: str) -> CompanyInfo:
        company = await self._get(f"/companies/{company_id}", token)
        named = await self._get(f"/companies/{company_id}/pseudonym", token)
        return CompanyInfo(
            id=company_id,
            name=str(company["name"]),
            siret=str(company["siret"]),
            naf_code=str(company["naf_code"]),
            headcount=int(str(company["headcount"])),
            pseudonym=str(named["pseudonym"]),
        )


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "Le service des entreprises ne répond pas : réessayez dans un instant.",
        code="assessment_unavailable",
    )
