"""Row-level-security helpers for Alembic migrations.

Application code filters by tenant; PostgreSQL enforces it again underneath (defence in depth):
a forgotten ``WHERE tenant_id = ...`` returns nothing instead of another tenant's rows. The
service connects as a role that neither owns the tables nor has BYPASSRLS, and ``FORCE`` makes
the policy apply even to the owner.
"""

from __future__ import annotations

from typing import Protocol

# Empty setting → NULL → no row matches: a transaction without a tenant context sees nothing.
CURRENT_TENANT = "NULLIF(current_setting('app.tenant_id', true), '')"
_ROLES = "string_to_array(current_setting('app.roles', true), ',')"
_COMPANIES = "string_to_array(NULLIF(current_setting('app.company_ids', true), ''), ',')"


class _Op(Protocol):
    def execute(self, sqltext: str) -> object: ...


def tenant_rls_sql(table: str, column: str = "tenant_id") -> list[str]:
    """Statements that enable RLS on ``table`` with a tenant isolation policy."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING ({column} = {CURRENT_TENANT}) WITH CHECK ({column} = {CURRENT_TENANT})",
    ]


def company_scope_sql(table: str, column: str) -> list[str]:
    """A restrictive policy: employer and CSE tokens reach only the companies they carry.

    SPSTI staff (any sst-* role) keep the whole tenant; everyone else is unaffected (their
    access is already bounded by the tenant policy and the application's role checks). Fails
    closed: a transaction that did not set ``app.roles`` sees no row.
    """
    return [
        f"CREATE POLICY company_scope ON {table} AS RESTRICTIVE USING ("
        f"NOT ({_ROLES} && ARRAY['employer', 'employee-representative']) "
        f"OR ({_ROLES} && ARRAY['sst-admin', 'sst-preventer', 'sst-physician']) "
        f"OR {column}::text = ANY(COALESCE({_COMPANIES}, ARRAY[]::text[])))"
    ]


def shared_or_tenant_rls_sql(
    table: str, *, shared_writers: tuple[str, ...], column: str = "tenant_id"
) -> list[str]:
    """Rows without a tenant are shared (everyone reads them; only ``shared_writers`` roles
    write them); rows with a tenant are that tenant's alone, as with ``tenant_rls_sql``."""
    writers = ", ".join(f"'{role}'" for role in shared_writers)
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY shared_or_tenant ON {table} "
        f"USING ({column} IS NULL OR {column} = {CURRENT_TENANT}) "
        f"WITH CHECK (({column} IS NULL AND {_ROLES} && ARRAY[{writers}]) "
        f"OR {column} = {CURRENT_TENANT})",
    ]


def enable_tenant_rls(op: _Op, table: str, column: str = "tenant_id") -> None:
    for statement in tenant_rls_sql(table, column):
        op.execute(statement)


def enable_company_scope(op: _Op, table: str, column: str) -> None:
    for statement in company_scope_sql(table, column):
        op.execute(statement)
