import pytest

from cosar_common.db.rls import company_scope_sql, tenant_rls_sql

pytestmark = pytest.mark.unit


def test_tenant_policy_forces_rls_and_reads_the_transaction_setting():
    statements = tenant_rls_sql("company")
    assert "FORCE ROW LEVEL SECURITY" in statements[1]
    policy = statements[2]
    assert "current_setting('app.tenant_id', true)" in policy
    assert "NULLIF" in policy  # no setting → NULL → no row
    assert "WITH CHECK" in policy  # nobody writes a row into another tenant


def test_company_scope_is_restrictive():
    (policy,) = company_scope_sql("company", "id")
    assert "AS RESTRICTIVE" in policy
    assert "app.company_ids" in policy
    # Who is company-bound comes from the permissions table, not from role names in SQL.
    assert "app.company_scoped" in policy
    assert "employer" not in policy
    assert "sst-" not in policy
