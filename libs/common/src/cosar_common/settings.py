"""Service settings read from the environment (one prefix per service).

Defaults work with the local launcher (``platform infra up``): PostgreSQL, Kafka and Keycloak on
127.0.0.1 with the demo credentials. Production overrides every secret through the environment.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Settings every service shares; a service subclasses it and sets its ``env_prefix``.

    A subclass only has to name itself: ``service_name`` drives the database names, the Keycloak
    client and the Kafka consumer group, so the defaults stay consistent across services.
    """

    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")

    service_name: str = "service"
    environment: str = Field(default="local", description="local, test or production")

    host: str = "127.0.0.1"
    port: int = 8000
    # Processes of ``serve`` sharing the port (uvicorn workers): each is a whole service (its
    # app, engine pool, Kafka consumer of the service's group, background tasks).
    workers: int = Field(default=1, ge=1)

    # PostgreSQL: the service runs as a role that does not own its tables (RLS always applies);
    # migrations run as the owner role.
    database_url: SecretStr | None = None
    migration_database_url: SecretStr | None = None
    db_host: str = "127.0.0.1"
    db_port: int = 5432
    db_pool_size: int = 10

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_consumer_group: str | None = None

    keycloak_url: str = "http://127.0.0.1:8080"
    keycloak_realm: str = "cosar"
    keycloak_issuer: str | None = Field(
        default=None, description="Expected 'iss' of tokens; default: <keycloak_url>/realms/<realm>"
    )
    client_id: str | None = None
    client_secret: SecretStr | None = None
    jwks_refresh_min_interval_s: float = 10.0
    http_timeout_s: float = 5.0

    # Reference data is read from the thesaurus API with the service's own token
    # (docs/architecture.md § Synchronous calls between services).
    thesaurus_url: str = "http://127.0.0.1:8001"
    thesaurus_cache_ttl_s: float = 600.0
    thesaurus_timeout_s: float = 3.0

    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 0.5
    outbox_retention_days: int = 7

    otel_exporter_otlp_endpoint: str | None = None
    log_level: str = "INFO"
    log_json: bool = True

    def _default_db_url(self, role_suffix: str) -> str:
        # Local/demo only: the launcher provisions '<svc>_app' and '<svc>_owner' with the role
        # name as password. Production sets DATABASE_URL / MIGRATION_DATABASE_URL explicitly.
        role = f"{self.service_name}_{role_suffix}"
        return (
            f"postgresql+asyncpg://{role}:{role}@{self.db_host}:{self.db_port}/{self.service_name}"
        )

    @property
    def app_database_url(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self._default_db_url("app")

    @property
    def owner_database_url(self) -> str:
        if self.migration_database_url is not None:
            return self.migration_database_url.get_secret_value()
        return self._default_db_url("owner")

    @property
    def issuer(self) -> str:
        return self.keycloak_issuer or f"{self.keycloak_url}/realms/{self.keycloak_realm}"

    @property
    def audience(self) -> str:
        """The ``aud`` a token must carry to be accepted by this service."""
        return self.oidc_client_id

    @property
    def oidc_client_id(self) -> str:
        return self.client_id or self.service_name

    @property
    def oidc_client_secret(self) -> str:
        if self.client_secret is not None:
            return self.client_secret.get_secret_value()
        return f"{self.oidc_client_id}-secret"  # demo realm only; production sets it

    @property
    def consumer_group(self) -> str:
        return self.kafka_consumer_group or self.service_name
