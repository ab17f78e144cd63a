"""A demo DUERP for the first demo company, written through the API as its employer would.

Run by ``platform run`` once the services are up, so the demo opens on a document with work
units, rated risks, pénibilité, an action plan and a published version (hence an export and
regional aggregates). Idempotent: a company that already has a version is left alone. Demo
realm only (password grant of ``platform-cli``).
"""

from __future__ import annotations

from typing import Any

import httpx

BAKERY = "1d495e5b-841a-5b20-aef1-d7fc4f68bb29"  # Boulangerie du Vieux-Port (demo-data.json)
EMPLOYER = "employer1@sst-13-marseille"

UNITS: list[dict[str, Any]] = [
    {
        "unit": {"kind": "trade", "name": "Fournil", "headcount": 4, "jobs": ["636c"]},
        "risks": [
            {
                "hazard_code": "CHI.POUSS",
                "situations": "Pesée et versement de la farine",
                "damages": "Asthme du boulanger",
                "rating": {"probability": 3, "gravity": 3},
                "measures": [{"kind": "collective", "description": "Pétrin à couvercle"}],
            },
            {
                "hazard_code": "PHY.THERM",
                "situations": "Enfournement devant le four",
                "damages": "Brûlures, coup de chaleur",
                "rating": {"probability": 3, "gravity": 2},
                "measures": [{"kind": "individual", "description": "Gants anti-chaleur"}],
            },
            {
                "hazard_code": "PSY.NUIT",
                "situations": "Fabrication de 2 h à 6 h",
                "damages": "Troubles du sommeil",
                "rating": {"probability": 4, "gravity": 2},
                "control_level": "none",
            },
        ],
        "penibilite": {
            "factor_code": "3a",
            "intensity": "Fabrication de 2 h à 6 h",
            "intensity_reached": True,
            "yearly_duration": 220,
            "exposed_headcount": 4,
        },
    },
    {
        "unit": {"kind": "trade", "name": "Vente", "headcount": 6, "jobs": ["554a"]},
        "risks": [
            {
                "hazard_code": "PSY.VIOLENCE_EXT",
                "situations": "Encaissement, clients mécontents",
                "damages": "Stress, agression",
                "rating": {"probability": 2, "gravity": 3},
                "control_level": "none",
            },
        ],
    },
    {
        "unit": {"kind": "transverse", "name": "Ensemble du personnel", "headcount": 12},
        "risks": [
            {
                "hazard_code": "PHY.CHUTE_PP",
                "situations": "Sols farineux ou mouillés",
                "damages": "Entorses, fractures",
                "rating": {"probability": 3, "gravity": 2},
                "measures": [{"kind": "instructions", "description": "Nettoyage en fin de poste"}],
            },
        ],
    },
]


def _token(keycloak_url: str, realm: str) -> str:
    response = httpx.post(
        f"{keycloak_url}/realms/{realm}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "platform-cli",
            "username": EMPLOYER,
            "password": "demo",
        },
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def write_demo_duerp(*, assessment_url: str, keycloak_url: str, realm: str) -> bool:
    """Write and publish the bakery's DUERP; False if it already had a version."""
    token = _token(keycloak_url, realm)
    base = f"/companies/{BAKERY}/duerp"
    with httpx.Client(
        base_url=assessment_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        if http.get(f"{base}/versions").raise_for_status().json():
            return False
        lock = http.get(base).raise_for_status().headers["ETag"]

        def change(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
            nonlocal lock
            response = http.request(method, f"{base}{path}", json=body, headers={"If-Match": lock})
            response.raise_for_status()
            lock = response.headers["ETag"]
            return dict(response.json())

        first_risk = None
        for entry in UNITS:
            unit = change("POST", "/work-units", entry["unit"])["id"]
            for risk in entry["risks"]:
                risk_id = change("POST", f"/work-units/{unit}/risks", risk)["id"]
                first_risk = first_risk or risk_id
            if "penibilite" in entry:
                change("PUT", f"/work-units/{unit}/penibilite", entry["penibilite"])
        change(
            "POST",
            "/actions",
            {
                "risk_id": first_risk,
                "measure_kind": "collective",
                "title": "Aspiration à la source sur le pétrin",
                "responsible": "Le gérant",
                "cost_eur": "1800",
                "result_indicator": "Empoussièrement mesuré sous la VLEP",
            },
        )
        change("POST", "/versions", {})
    return True
