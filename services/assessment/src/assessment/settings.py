"""Assessment settings: environment variables prefixed ``ASSESSMENT_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class AssessmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSESSMENT_", extra="ignore")

    service_name: str = "assessment"
    port: int = 8002

    # Reference data is read from the thesaurus API with this service's token (DESIGN §2).
    thesaurus_url: str = "http://127.0.0.1:8001"
    thesaurus_cache_ttl_s: float = 600.0
    thesaurus_timeout_s: float = 3.0
