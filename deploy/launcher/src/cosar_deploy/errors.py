"""The one error the launcher raises: it names the component and where to look."""

from __future__ import annotations

from collections import deque
from pathlib import Path

TAIL_LINES = 20


def tail(path: Path, lines: int = TAIL_LINES) -> list[str]:
    """Last `lines` lines of a text file ([] if it does not exist)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return [line.rstrip("\n") for line in deque(handle, maxlen=lines)]
    except FileNotFoundError:
        return []


def failure_message(component: str, reason: str, log_path: Path | None) -> str:
    """The text shown when a component fails: what, why, which log, and its last lines."""
    parts = [f"{component} failed: {reason}"]
    if log_path is not None:
        parts.append(f"log: {log_path}")
        last = tail(log_path)
        if last:
            parts.append(f"--- last {len(last)} lines of {log_path} ---")
            parts.extend(last)
            parts.append("---")
    return "\n".join(parts)


class InfraError(RuntimeError):
    """A component could not be prepared, started or reached.

    `started` lists the components this call had already started before the failure, so a caller
    can stop exactly those.
    """

    def __init__(
        self,
        component: str,
        reason: str,
        log_path: Path | None = None,
        started: tuple[str, ...] = (),
    ) -> None:
        super().__init__(failure_message(component, reason, log_path))
        self.component = component
        self.reason = reason
        self.log_path = log_path
        self.started = started
