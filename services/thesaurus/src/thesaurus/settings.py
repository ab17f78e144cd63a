"""Thesaurus settings: environment variables prefixed ``THESAURUS_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class ThesaurusSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="THESAURUS_", extra="ignore")

    service_name: str = "thesaurus"
    port: int = 8001
    # Every service validates codes here: with fewer pooled connections than concurrent
    # requests, the overflow connections are closed on return and reopened on the next
    # request (a new PostgreSQL backend and cold statement caches each time).
    db_pool_size: int = 20
    # Memory for answers read from published versions (searches, $lookup…), per process;
    # 0 keeps none (see thesaurus.answers).
    answer_cache_mb: int = 64
    # Server-Timing header on every response (the benchmark turns it on).
    server_timing: bool = False
