"""Indicators settings: environment variables prefixed ``INDICATORS_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class IndicatorsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INDICATORS_", extra="ignore")

    service_name: str = "indicators"
    port: int = 8004
