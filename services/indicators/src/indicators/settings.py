"""Indicators settings: environment variables prefixed ``INDICATORS_``."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


class IndicatorsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INDICATORS_", extra="ignore")

    service_name: str = "indicators"
    port: int = 8004

    # Statistical secrecy (docs/domain.md § Statistical secrecy): FREQ(3) | NK(1, 85), persons
    # below 11, ±10 %.
    secrecy_min_companies: int = 3
    secrecy_dominance_k: float = 85.0
    secrecy_min_persons: int = 11
    secrecy_protection_relative: float = 0.10
    # Releases: MIP rounds of the outsider's secondary suppression (0: the LP heuristic alone),
    # and the hour (Paris) at which the service makes the day's release of the current year
    # when facts changed since the last one (None: on demand only).
    release_mip_rounds: int = 2
    release_hour: int | None = None
    # Processes a release's cubes are protected and audited in (None: one per core, two at
    # most; 1: in the service's own process).
    release_workers: int | None = None
