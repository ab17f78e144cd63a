"""Who reaches the fiche d'entreprise: 404 for a company the caller may not see, then 403."""

import uuid

import pytest
from fastapi.testclient import TestClient

from assessment.api.dependencies import company_in_path
from assessment.app import create_app
from cosar_common.auth import Principal
from cosar_common.auth.dependencies import get_principal
from cosar_common.auth.permissions import Role
from cosar_common.errors import Forbidden, NotFound

pytestmark = pytest.mark.unit

OWN, NEIGHBOUR = uuid.uuid4(), uuid.uuid4()


def _client(principal: Principal) -> TestClient:
    app = create_app()

    async def visible_company(company_id: uuid.UUID) -> object:
        # What companies.get does: the token's companies only, 404 for any other.
        if not principal.may_see_company(company_id) or company_id not in (OWN, NEIGHBOUR):
            raise NotFound()
        return object()

    app.dependency_overrides[get_principal] = lambda: principal
    app.dependency_overrides[company_in_path] = visible_company
    return TestClient(app)


EMPLOYER = Principal(
    subject="e", roles=frozenset({Role.EMPLOYER}), tenant_id="t", company_ids=frozenset({OWN})
)
FICHE_READS = ["", "/versions", "/versions/verify", "/versions/1"]


@pytest.mark.parametrize("path", FICHE_READS)
def test_an_employer_gets_404_for_a_company_it_may_not_see(path: str):
    for company in (NEIGHBOUR, uuid.uuid4()):
        response = _client(EMPLOYER).get(f"/companies/{company}/fiche{path}")
        assert response.status_code == 404, (company, path)
        assert response.json()["code"] == "not_found"


def test_an_employer_gets_403_for_its_own_company_fiche_draft():
    response = _client(EMPLOYER).get(f"/companies/{OWN}/fiche")
    assert response.status_code == 403
    assert response.json()["message"].startswith("La fiche d'entreprise en cours est réservée")


async def test_the_employer_and_the_cse_read_the_published_fiche_nobody_else_of_the_region():
    """R4624-46: the fiche is transmitted to the employer; R4624-48: presented to the CSE."""
    from assessment.api.dependencies import fiche_reader_company

    company = object()
    for role in (Role.EMPLOYER, Role.EMPLOYEE_REPRESENTATIVE, Role.SST_PREVENTER):
        reader = Principal(subject="r", roles=frozenset({role}), tenant_id="t")
        assert await fiche_reader_company(company, reader) is company  # type: ignore[arg-type]
    for role in (Role.REGIONAL_ANALYST, Role.PLATFORM_ADMIN, Role.THESAURUS_EDITOR):
        outsider = Principal(subject="o", roles=frozenset({role}))
        with pytest.raises(Forbidden):
            await fiche_reader_company(company, outsider)  # type: ignore[arg-type]


def test_an_employer_may_not_write_or_publish_its_own_fiche_either():
    client = _client(EMPLOYER)
    put = client.put(f"/companies/{OWN}/fiche", json={}, headers={"If-Match": "1"})
    post = client.post(f"/companies/{OWN}/fiche/versions", headers={"If-Match": "1"})
    other = client.post(f"/companies/{NEIGHBOUR}/fiche/versions", headers={"If-Match": "1"})
    assert (put.status_code, post.status_code, other.status_code) == (403, 403, 404)


async def test_spsti_staff_gets_the_company():
    from assessment.api.dependencies import fiche_company

    company = object()
    for role in (Role.SST_PREVENTER, Role.SST_PHYSICIAN, Role.SST_ADMIN):
        staff = Principal(subject="s", roles=frozenset({role}), tenant_id="t")
        assert await fiche_company(company, staff) is company  # type: ignore[arg-type]
