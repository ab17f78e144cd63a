"""Thesaurus settings: environment variables prefixed ``THESAURUS_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class ThesaurusSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="THESAURUS_", extra="ignore")

    service_name: str = "thesaurus"
    port: int = 8001
