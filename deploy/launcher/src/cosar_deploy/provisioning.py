"""Per-service databases and roles, the same for the local cluster and a testcontainer.

Each service gets a database `<svc>` owned by `<svc>_owner` (runs Alembic), and `<svc>_app`
(what the service connects as) that owns nothing: table owners bypass row-level security unless
FORCE is set, so the app role must never own a table. Every statement is idempotent, so
provisioning runs at each start and repairs drift.

Names and passwords are fixed demo identifiers, validated against a strict pattern and then
inlined (DDL cannot take bind parameters).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from cosar_deploy.endpoints import SERVICES, app_role, owner_role

EXTENSIONS: tuple[str, ...] = ("unaccent", "pg_trgm", "btree_gin")
_SAFE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ident(name: str) -> str:
    """``name`` double-quoted, once checked against the strict pattern (DDL cannot bind it)."""
    if not _SAFE.match(name):
        raise ValueError(f"unsafe SQL identifier: {name!r}")
    return f'"{name}"'


def _literal(value: str) -> str:
    if not _SAFE.match(value):
        raise ValueError("unsafe SQL literal (demo passwords are plain identifiers)")
    return f"'{value}'"


def ensure_role_sql(role: str, password: str, attributes: str) -> list[str]:
    """Create the login role if missing, then (re)apply its password and attributes."""
    return [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = {_literal(role)}) THEN "
        f"CREATE ROLE {ident(role)} LOGIN; "
        "END IF; END $$",
        f"ALTER ROLE {ident(role)} WITH LOGIN PASSWORD {_literal(password)} {attributes}",
    ]


def cluster_sql(service: str) -> list[str]:
    """Statements run on the `postgres` database (roles), before the database exists."""
    owner, app = owner_role(service), app_role(service)
    return [
        *ensure_role_sql(owner, owner, "NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"),
        *ensure_role_sql(app, app, "NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"),
    ]


def create_database_sql(service: str, database: str | None = None) -> str:
    """`CREATE DATABASE` (cannot run in a transaction nor a DO block: run it if missing);
    ``database`` names it otherwise than the service (a restore's staging database)."""
    return (
        f"CREATE DATABASE {ident(database or service)} OWNER {ident(owner_role(service))} "
        "ENCODING 'UTF8' TEMPLATE template0"
    )


def database_acl_sql(service: str) -> list[str]:
    """Ownership and CONNECT rights on the database (run on `postgres`)."""
    db, owner, app = ident(service), ident(owner_role(service)), ident(app_role(service))
    return [
        f"ALTER DATABASE {db} OWNER TO {owner}",
        # Other services' roles have no business in this database.
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {app}",
    ]


def in_database_sql(service: str) -> list[str]:
    """Statements run as superuser inside database `<svc>`: schema, extensions, privileges."""
    owner, app = ident(owner_role(service)), ident(app_role(service))
    grants_for_owner = f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
    return [
        f"ALTER SCHEMA public OWNER TO {owner}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {app}",
        # Extensions need a superuser; their functions then live in public for both roles.
        *(f"CREATE EXTENSION IF NOT EXISTS {ident(ext)} WITH SCHEMA public" for ext in EXTENSIONS),
        f"{grants_for_owner} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"{grants_for_owner} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        f"{grants_for_owner} GRANT EXECUTE ON FUNCTIONS TO {app}",
        # Objects created before the default privileges existed (or by a re-run) catch up too.
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {app}",
    ]


@dataclass(frozen=True)
class Server:
    """Where to reach a PostgreSQL server as superuser."""

    host: str
    port: int
    user: str
    password: str

    def conninfo(self, dbname: str, user: str | None = None, password: str | None = None) -> str:
        """libpq keyword/value connection string."""
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            dbname=dbname,
            user=user or self.user,
            password=password or self.password,
            connect_timeout=5,
        )


def provision(server: Server, services: Sequence[str] = SERVICES) -> None:
    """Create or repair every service's database, roles, extensions and privileges."""
    with psycopg.connect(server.conninfo("postgres"), autocommit=True) as conn:
        for service in services:
            for statement in cluster_sql(service):
                conn.execute(statement)
            exists = conn.execute(
                "SELECT 1 FROM pg_catalog.pg_database WHERE datname = %s", (service,)
            ).fetchone()
            if exists is None:
                conn.execute(create_database_sql(service))
            for statement in database_acl_sql(service):
                conn.execute(statement)
    for service in services:
        provision_contents(server, service)


def provision_contents(server: Server, service: str, database: str | None = None) -> None:
    """The in-database part of :func:`provision` (schema, extensions, privileges), on database
    ``database`` (default: the service's own)."""
    with psycopg.connect(server.conninfo(database or service), autocommit=True) as conn:
        for statement in in_database_sql(service):
            conn.execute(statement)


def app_roles_answer(server: Server, services: Sequence[str] = SERVICES) -> bool:
    """True when `SELECT 1` works on every service database as its `<svc>_app` role."""
    try:
        for service in services:
            role = app_role(service)
            with psycopg.connect(server.conninfo(service, role, role)) as conn:
                row = conn.execute("SELECT 1").fetchone()
                if row is None or row[0] != 1:
                    return False
    except psycopg.Error:
        return False
    return True
