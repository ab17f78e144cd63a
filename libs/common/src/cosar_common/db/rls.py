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
_COMPANY_SCOPED = "current_setting('app.company_scoped', true)"
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
    """A restrictive policy: a person bound to companies reaches only the companies they carry.

    Who is bound is the permissions table's business, not the database's:
    ``Principal.is_company_scoped`` (a role of scope ``COMPANY``, no SPSTI role) is set by
    :func:`cosar_common.db.tenancy.apply_context` as ``app.company_scoped`` ('on' / 'off'), so
    a new role needs no new policy. Everyone else is unaffected (bounded by the tenant policy
    and the application's permission checks). Fails closed: a transaction that did not set
    ``app.company_scoped`` sees no row.
    """
    return [
        f"CREATE POLICY company_scope ON {table} AS RESTRICTIVE USING ("
        f"{_COMPANY_SCOPED} = 'off' "
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


def restore_company_scope_by_role_names(op: _Op, table: str, column: str) -> None:
    """Downgrade of migration 0003 (assessment, reporting): the policy as 0001/0002 wrote it,
    naming the roles, frozen here as it was."""
    op.execute(f"DROP POLICY IF EXISTS company_scope ON {table}")
    op.execute(
        f"CREATE POLICY company_scope ON {table} AS RESTRICTIVE USING ("
        f"NOT ({_ROLES} && ARRAY['employer', 'employee-representative']) "
        f"OR ({_ROLES} && ARRAY['sst-admin', 'sst-preventer', 'sst-physician']) "
        f"OR {column}::text = ANY(COALESCE({_COMPANIES}, ARRAY[]::text[])))"
    )


def replace_company_scope(op: _Op, table: str, column: str) -> None:
    """A later migration's way to bring an existing table's policy to the current one."""
    op.execute(f"DROP POLICY IF EXISTS company_scope ON {table}")
    enable_company_scope(op, table, column)


def enable_company_scope(op: _Op, table: str, column: str) -> None:
    for statement in company_scope_sql(table, column):
        op.execute(statement)
