"""Reporting settings: environment variables prefixed ``REPORTING_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    service_name: str = "reporting"
    port: int = 8003
