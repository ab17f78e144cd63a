"""Addresses and demo credentials of the infrastructure, the same shape for both launch paths.

The local launcher fills it with fixed ports (overridable by environment variables); the
testcontainers path fills it with the ports Docker mapped. Credentials are the documented
demo/local ones: never use them outside a developer machine or a CI job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The services that own a database, in the order they are provisioned and started (the portal
#: last: it is ready once the others answer).
SERVICES: tuple[str, ...] = ("thesaurus", "assessment", "reporting", "indicators", "portal")

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "postgres"  # demo/local only  # noqa: S105
KEYCLOAK_ADMIN = "admin"
KEYCLOAK_ADMIN_PASSWORD = "admin"  # demo/local only  # noqa: S105
REALM = "cosar"


def owner_role(service: str) -> str:
    """Role that owns the service's database and runs its Alembic migrations."""
    return f"{service}_owner"


def app_role(service: str) -> str:
    """Role the running service connects as; it owns nothing, so row-level security applies."""
    return f"{service}_app"


def _env_port(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Endpoints:
    """Where each piece of infrastructure answers, plus DSN helpers for the services."""

    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    kafka_bootstrap: str = "127.0.0.1:9092"
    keycloak_url: str = "http://127.0.0.1:8080"
    keycloak_realm: str = REALM
    keycloak_admin: str = KEYCLOAK_ADMIN
    keycloak_admin_password: str = KEYCLOAK_ADMIN_PASSWORD
    #: Keycloak's management interface (health); None when not exposed (containers).
    keycloak_management_url: str | None = "http://127.0.0.1:9000"

    @classmethod
    def local(cls) -> Endpoints:
        """Endpoints of the local launcher, ports overridable with COSAR_*_PORT variables."""
        kafka_port = _env_port("COSAR_KAFKA_PORT", 9092)
        kc_port = _env_port("COSAR_KEYCLOAK_PORT", 8080)
        mgmt_port = _env_port("COSAR_KEYCLOAK_MANAGEMENT_PORT", 9000)
        return cls(
            postgres_port=_env_port("COSAR_POSTGRES_PORT", 5432),
            kafka_bootstrap=f"127.0.0.1:{kafka_port}",
            keycloak_url=f"http://127.0.0.1:{kc_port}",
            keycloak_management_url=f"http://127.0.0.1:{mgmt_port}",
        )

    @property
    def kafka_host(self) -> str:
        """Host part of the Kafka bootstrap address."""
        return self.kafka_bootstrap.rsplit(":", 1)[0]

    @property
    def kafka_port(self) -> int:
        """Port part of the Kafka bootstrap address."""
        return int(self.kafka_bootstrap.rsplit(":", 1)[1])

    def dsn(self, user: str, password: str, database: str, driver: str | None = "asyncpg") -> str:
        """A SQLAlchemy URL (`postgresql+<driver>://`) or, with driver=None, a libpq URL."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{user}:{password}@{self.postgres_host}:{self.postgres_port}/{database}"

    @property
    def superuser_dsn(self) -> str:
        """Superuser DSN (SQLAlchemy asyncpg form) on the `postgres` database."""
        return self.dsn(SUPERUSER, SUPERUSER_PASSWORD, "postgres")

    @property
    def superuser_libpq_dsn(self) -> str:
        """Superuser DSN in libpq form, for psycopg / psql."""
        return self.dsn(SUPERUSER, SUPERUSER_PASSWORD, "postgres", driver=None)

    def owner_dsn(self, service: str, driver: str | None = "asyncpg") -> str:
        """DSN of `<service>_owner` on database `<service>` (for migrations)."""
        return self.dsn(owner_role(service), owner_role(service), service, driver)

    def app_dsn(self, service: str, driver: str | None = "asyncpg") -> str:
        """DSN of `<service>_app` on database `<service>` (what the running service uses)."""
        return self.dsn(app_role(service), app_role(service), service, driver)

    @property
    def owner_dsns(self) -> dict[str, str]:
        """`{service: owner DSN}` for every service."""
        return {service: self.owner_dsn(service) for service in SERVICES}

    @property
    def app_dsns(self) -> dict[str, str]:
        """`{service: app DSN}` for every service."""
        return {service: self.app_dsn(service) for service in SERVICES}

    @property
    def keycloak_issuer(self) -> str:
        """Issuer of the tokens of the cosar realm."""
        return f"{self.keycloak_url}/realms/{self.keycloak_realm}"

    @property
    def postgres_url(self) -> str:
        """Human-readable PostgreSQL address (no credentials)."""
        return f"postgresql://{self.postgres_host}:{self.postgres_port}"
