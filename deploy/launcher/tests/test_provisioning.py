import pytest

from cosar_deploy.endpoints import SERVICES
from cosar_deploy.provisioning import (
    cluster_sql,
    create_database_sql,
    database_acl_sql,
    ensure_role_sql,
    in_database_sql,
)

pytestmark = pytest.mark.unit


def test_roles_are_created_idempotently_with_safe_attributes():
    sql = cluster_sql("thesaurus")
    text = "\n".join(sql)
    assert (
        "IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'thesaurus_owner')" in text
    )
    assert "IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'thesaurus_app')" in text
    app_alter = next(s for s in sql if s.startswith('ALTER ROLE "thesaurus_app"'))
    for attribute in (
        "LOGIN",
        "PASSWORD 'thesaurus_app'",
        "NOSUPERUSER",
        "NOBYPASSRLS",
        "NOCREATEDB",
        "NOCREATEROLE",
    ):
        assert attribute in app_alter


def test_database_is_owned_by_the_owner_role():
    assert create_database_sql("assessment").startswith(
        'CREATE DATABASE "assessment" OWNER "assessment_owner"'
    )
    acl = database_acl_sql("assessment")
    assert 'ALTER DATABASE "assessment" OWNER TO "assessment_owner"' in acl
    assert 'REVOKE ALL ON DATABASE "assessment" FROM PUBLIC' in acl
    assert 'GRANT CONNECT, TEMPORARY ON DATABASE "assessment" TO "assessment_app"' in acl


def test_in_database_privileges_and_extensions():
    sql = in_database_sql("reporting")
    assert 'ALTER SCHEMA public OWNER TO "reporting_owner"' in sql
    assert 'GRANT USAGE ON SCHEMA public TO "reporting_app"' in sql
    assert 'CREATE EXTENSION IF NOT EXISTS "unaccent" WITH SCHEMA public' in sql
    assert 'CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH SCHEMA public' in sql
    prefix = 'ALTER DEFAULT PRIVILEGES FOR ROLE "reporting_owner" IN SCHEMA public'
    assert f'{prefix} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "reporting_app"' in sql
    assert f'{prefix} GRANT USAGE, SELECT ON SEQUENCES TO "reporting_app"' in sql
    assert f'{prefix} GRANT EXECUTE ON FUNCTIONS TO "reporting_app"' in sql


def test_app_role_never_receives_ownership_or_create():
    for service in SERVICES:
        statements = cluster_sql(service) + database_acl_sql(service) + in_database_sql(service)
        for statement in statements:
            if f"{service}_app" in statement:
                assert "OWNER" not in statement
                assert "GRANT CREATE" not in statement
                assert "SUPERUSER" not in statement.replace("NOSUPERUSER", "")


@pytest.mark.parametrize("bad", ["x'; DROP ROLE postgres; --", "Robert", "a b", ""])
def test_unsafe_names_are_refused(bad):
    with pytest.raises(ValueError, match="unsafe"):
        ensure_role_sql(bad, "pw", "")
