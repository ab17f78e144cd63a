"""Indicators settings: environment variables prefixed ``INDICATORS_``."""

from __future__ import annotations

import os

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from cosar_common.settings import ServiceSettings


def serving_workers() -> int:
    """Serving processes by default: one per core the service may use, two at most. One
    process queues concurrent readers behind each other (docs/benchmarks.md, "Serving");
    each worker keeps its own copy of the releases it serves in memory."""
    return max(1, min(2, len(os.sched_getaffinity(0))))


class IndicatorsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INDICATORS_", extra="ignore")

    service_name: str = "indicators"
    port: int = 8004
    workers: int = Field(default_factory=serving_workers, ge=1)

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
