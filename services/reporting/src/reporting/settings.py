"""Reporting settings: environment variables prefixed ``REPORTING_``."""

from __future__ import annotations

from decimal import Decimal

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    service_name: str = "reporting"
    port: int = 8003

    # The member companies live in the assessment service; an establishment is registered
    # from one of them, read with the caller's own token (so only what the caller may see).
    assessment_url: str = "http://127.0.0.1:8002"
    assessment_timeout_s: float = 5.0
    # Rates are not computed below these (the report says why).
    minimum_hours: Decimal = Decimal(1607)
    minimum_headcount: int = 1
