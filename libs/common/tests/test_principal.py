import uuid

import pytest

from cosar_common.auth.principal import Principal, Role

pytestmark = pytest.mark.unit

COMPANY = uuid.UUID("1d495e5b-841a-5b20-aef1-d7fc4f68bb29")


def test_employer_claims_give_tenant_roles_and_companies():
    principal = Principal.from_claims(
        {
            "sub": "u1",
            "preferred_username": "employer1@sst-13-marseille",
            "realm_access": {"roles": ["employer", "offline_access", "uma_authorization"]},
            "tenant_id": "sst-13-marseille",
            "company_ids": [str(COMPANY)],
        }
    )
    assert principal.roles == frozenset({Role.EMPLOYER})
    assert principal.tenant_id == "sst-13-marseille"
    assert principal.company_ids == frozenset({COMPANY})
    assert principal.is_company_scoped
    assert principal.may_see_company(COMPANY)
    assert not principal.may_see_company(uuid.uuid4())


def test_unknown_roles_are_ignored_not_trusted():
    principal = Principal.from_claims({"sub": "x", "realm_access": {"roles": ["superuser"]}})
    assert principal.roles == frozenset()


def test_ambiguous_multivalued_tenant_is_dropped():
    principal = Principal.from_claims({"sub": "x", "tenant_id": ["a", "b"]})
    assert principal.tenant_id is None


def test_malformed_company_ids_are_skipped():
    principal = Principal.from_claims({"sub": "x", "company_ids": ["not-a-uuid", str(COMPANY)]})
    assert principal.company_ids == frozenset({COMPANY})


def test_sst_staff_is_not_company_scoped():
    principal = Principal(
        subject="s", roles=frozenset({Role.SST_PREVENTER}), tenant_id="sst-06-nice"
    )
    assert not principal.is_company_scoped
    assert principal.may_see_company(uuid.uuid4())


def test_the_actor_is_the_login_name_or_else_the_subject():
    person = Principal(subject="0b5e-uuid", username="sst-preventer@sst-13-marseille")
    service = Principal(subject="service-account-assessment")
    assert person.actor == "sst-preventer@sst-13-marseille"
    assert service.actor == "service-account-assessment"


def test_display_name_is_the_name_claim_else_given_and_family_names_else_the_login():
    claims = {"sub": "u1", "preferred_username": "employer1@sst-13-marseille"}
    named = Principal.from_claims({**claims, "name": "Jean  Castel", "given_name": "J"})
    assert (named.display_name, named.actor) == ("Jean Castel", "employer1@sst-13-marseille")
    parts = Principal.from_claims({**claims, "given_name": "Jean", "family_name": "Castel"})
    assert parts.display_name == "Jean Castel"
    only_login = Principal.from_claims({**claims, "name": "  "})
    assert only_login.name is None
    assert only_login.display_name == "employer1@sst-13-marseille"
    service = Principal.from_claims({"sub": "svc-1"})
    assert service.display_name == "svc-1"
