"""The role → permission table is complete, feeds the realm files, and guards the routes."""

import importlib.util
import json
import sys
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from cosar_common.auth import Permission, Principal, Role, get_principal, require, roles_with
from cosar_common.auth.permissions import (
    COMPANY_ROLES,
    ROLES,
    SST_STAFF_ROLES,
    TENANT_ROLES,
    Scope,
    permissions_of,
)
from cosar_common.errors import install_error_handlers

pytestmark = pytest.mark.unit

KEYCLOAK = Path(__file__).resolve().parents[3] / "deploy" / "keycloak"


def _generator():
    """deploy/keycloak/generate_realm.py, imported from its file as the command line runs it."""
    spec = importlib.util.spec_from_file_location("generate_realm", KEYCLOAK / "generate_realm.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_realm", module)
    spec.loader.exec_module(module)
    return module


def test_every_role_has_an_entry():
    assert set(ROLES) == set(Role)


def test_every_permission_is_granted_to_some_role():
    assert {p for p in Permission if not roles_with(p)} == set()


def test_permissions_of_is_the_union_of_the_rows():
    both = permissions_of([Role.EMPLOYER, Role.REGIONAL_ANALYST])
    assert Permission.DUERP_WRITE in both
    assert Permission.INDICATORS_READ_REGION in both
    assert permissions_of([Role.SERVICE_ACCOUNT]) == frozenset()


def test_scopes_give_the_token_role_sets():
    staff = {Role.SST_ADMIN, Role.SST_PREVENTER, Role.SST_PHYSICIAN}
    company = {Role.EMPLOYER, Role.EMPLOYEE_REPRESENTATIVE}
    assert staff == SST_STAFF_ROLES
    assert company == COMPANY_ROLES
    assert staff | company == TENANT_ROLES
    assert not Scope.PLATFORM.in_tenant
    assert not Scope.SERVICE.in_tenant


def test_the_realm_generator_writes_the_table_roles():
    generator = _generator()
    tenants = generator.load_tenants()
    expected = [(role.value, entry.description) for role, entry in ROLES.items()]
    for variant in (generator.DEMO, generator.PROD):
        realm_roles = generator.realm(variant, tenants)["roles"]["realm"]
        assert [(r["name"], r["description"]) for r in realm_roles] == expected
    demo_roles = {user.role for user in generator.demo_users(tenants)}
    people = {role.value for role, entry in ROLES.items() if entry.scope is not Scope.SERVICE}
    assert demo_roles == people  # verify_realm.py logs in one demo account per role


@pytest.mark.parametrize("name", ["realm-cosar.json", "realm-cosar-prod.json"])
def test_the_committed_realm_files_are_regenerated(name):
    realm = json.loads((KEYCLOAK / name).read_text(encoding="utf-8"))
    assert [r["name"] for r in realm["roles"]["realm"]] == [role.value for role in ROLES]


def _app(principal: Principal | None) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/releases")
    async def release(
        caller: Annotated[Principal, Depends(require(Permission.INDICATORS_RELEASE))],
    ):
        return {"by": caller.subject}

    if principal is not None:
        app.dependency_overrides[get_principal] = lambda: principal
    return TestClient(app)


def test_require_accepts_a_principal_granted_the_permission():
    admin = Principal(subject="a", roles=frozenset({Role.PLATFORM_ADMIN}))
    response = _app(admin).post("/releases")
    assert response.status_code == 200
    assert response.json() == {"by": "a"}


def test_require_refuses_a_principal_without_it_with_the_usual_403():
    analyst = Principal(subject="r", roles=frozenset({Role.REGIONAL_ANALYST}))
    response = _app(analyst).post("/releases")
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "Vous n'avez pas les droits nécessaires pour cette action.",
    }


def test_require_without_a_token_is_401():
    assert _app(None).post("/releases").status_code == 401


def test_principal_may_follows_the_table():
    cse = Principal(subject="c", roles=frozenset({Role.EMPLOYEE_REPRESENTATIVE}), tenant_id="t")
    assert cse.may(Permission.CSE_OPINION_RECORD)
    assert not cse.may(Permission.DUERP_WRITE)
    assert not Principal(subject="s", roles=frozenset({Role.SERVICE_ACCOUNT})).may(
        Permission.DUERP_READ
    )
