"""What the orchestrator needs to know about each piece of infrastructure."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cosar_deploy.process import User


@dataclass(frozen=True)
class LaunchSpec:
    """How to start a component as a detached process."""

    command: list[str]
    #: Substring of the command line that proves the pid is ours (a path in our state folder).
    marker: str
    env: dict[str, str] | None = None
    cwd: Path | None = None
    user: User | None = None


class Component(Protocol):
    """One piece of infrastructure (Kafka, Keycloak, PostgreSQL)."""

    name: str
    #: Seconds to wait for readiness after start.
    timeout: float
    #: Signal asking for a clean shutdown (PostgreSQL: SIGINT = fast shutdown).
    stop_signal: signal.Signals

    def prepare(self) -> None:
        """Download, unpack, write configs, initialise storage: everything before the start."""

    def launch_spec(self) -> LaunchSpec:
        """The command to start it."""

    def ports(self) -> list[int]:
        """Ports it listens on (127.0.0.1), to detect a foreign process holding them."""

    def probe(self) -> bool:
        """True when the server answers its protocol (cheap, no side effect)."""

    def finish(self) -> None:
        """Once `probe` succeeds: provisioning or bookkeeping; raise if it cannot complete."""

    def healthy(self) -> bool:
        """Full readiness as seen by the services (after `finish`)."""

    def describe(self) -> str:
        """One line: how to reach it."""
