"""A small HTTP client of the assessment API for the cross-service tests.

It follows the DUERP's optimistic lock the way the portal will: it sends the ``lock_version``
it last saw in ``If-Match`` and keeps the ``ETag`` each change answers with.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from stdnum import luhn


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def random_siret() -> str:
    siren = str(uuid.uuid4().int)[:8]
    siren += luhn.calc_check_digit(siren)
    siret = siren + str(uuid.uuid4().int)[:4]
    return siret + luhn.calc_check_digit(siret)


async def create_company(url: str, token: str, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Boulangerie d'essai",
        "siret": random_siret(),
        "naf_code": "10.71C",
        "headcount": 12,
        "address": "1 quai du Port, 13002 Marseille",
        **fields,
    }
    async with httpx.AsyncClient(base_url=url, headers=auth(token), timeout=20) as http:
        response = await http.post("/companies", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


class DuerpClient:
    """Calls on one company's DUERP as one user, keeping the lock version up to date."""

    def __init__(self, url: str, token: str, company_id: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, headers=auth(token), timeout=30)
        self.base = f"/companies/{company_id}"
        self.lock: int | None = None

    async def __aenter__(self) -> DuerpClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    def _track(self, response: httpx.Response) -> httpx.Response:
        etag = response.headers.get("ETag")
        if etag:
            self.lock = int(etag.strip('"'))
        return response

    async def read(self) -> dict[str, Any]:
        response = self._track(await self.http.get(f"{self.base}/duerp"))
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def change(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self.lock is None:
            await self.read()
        headers = {"If-Match": str(self.lock)}
        response = await self.http.request(method, f"{self.base}{path}", headers=headers, **kwargs)
        return self._track(response)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.change(method, path, **kwargs)
        assert response.status_code in (200, 201, 204), response.text
        return response.json() if response.content else None

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(f"{self.base}{path}", **kwargs)

    async def add_unit(self, **fields: Any) -> str:
        body = {"kind": "trade", "name": "Fournil", "headcount": 4, **fields}
        return str((await self.ok("POST", "/duerp/work-units", json=body))["id"])

    async def add_risk(self, unit_id: str, **fields: Any) -> str:
        body = {
            "hazard_code": "PHY.BRUIT",
            "situations": "Pétrin et laminoir en marche",
            "damages": "Surdité",
            "rating": {"probability": 2, "gravity": 3},
            "control_level": "none",
            **fields,
        }
        return str((await self.ok("POST", f"/duerp/work-units/{unit_id}/risks", json=body))["id"])

    async def set_penibilite(self, unit_id: str, **fields: Any) -> Any:
        """A pénibilité exposure of the unit (night work, 3a, by default), above the threshold."""
        body = {"factor_code": "3a", "intensity_reached": True, **fields}
        return await self.ok("PUT", f"/duerp/work-units/{unit_id}/penibilite", json=body)
