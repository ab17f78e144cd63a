"""Where the launcher keeps downloads (cache) and runtime state (data, logs, pids, configs).

Both live OUTSIDE the repository so a `git clean` never deletes a database and a checkout never
carries 300 MB of jars.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The repository's `deploy/` folder (this file is deploy/launcher/src/cosar_deploy/paths.py).
DEPLOY_DIR = Path(__file__).resolve().parents[3]

#: Realm export written by the Keycloak engineer; COSAR_KEYCLOAK_REALM_FILE overrides it.
DEFAULT_REALM_FILE = DEPLOY_DIR / "keycloak" / "realm-cosar.json"


@dataclass(frozen=True)
class Paths:
    """The two roots and the well-known folders below the state root."""

    cache: Path
    state: Path

    @classmethod
    def from_env(cls) -> Paths:
        """Read COSAR_CACHE_DIR / COSAR_STATE_DIR, defaulting to XDG-like folders in $HOME."""
        home = Path.home()
        cache = os.environ.get("COSAR_CACHE_DIR") or str(home / ".cache" / "cosar-platform")
        state = os.environ.get("COSAR_STATE_DIR") or str(
            home / ".local" / "state" / "cosar-platform"
        )
        # Absolute paths matter: they are written into configs and matched in /proc cmdlines.
        return cls(
            cache=Path(cache).expanduser().resolve(), state=Path(state).expanduser().resolve()
        )

    @property
    def logs(self) -> Path:
        """Folder of one `<component>.log` per component."""
        return self.state / "logs"

    @property
    def pids(self) -> Path:
        """Folder of one `<component>.pid` per component."""
        return self.state / "pids"

    def log_file(self, component: str) -> Path:
        """The log of a component (its stdout and stderr)."""
        return self.logs / f"{component}.log"

    def pid_file(self, component: str) -> Path:
        """The pid file of a component started by us."""
        return self.pids / f"{component}.pid"

    def component_state(self, component: str) -> Path:
        """Private state folder (data, generated config) of a component."""
        return self.state / component

    def component_cache(self, component: str) -> Path:
        """Private download folder of a component."""
        return self.cache / component

    def ensure(self) -> None:
        """Create the folders every component needs."""
        for folder in (self.cache, self.state, self.logs, self.pids):
            folder.mkdir(parents=True, exist_ok=True)


def realm_file() -> Path:
    """The Keycloak realm export to import (COSAR_KEYCLOAK_REALM_FILE overrides the repo's)."""
    override = os.environ.get("COSAR_KEYCLOAK_REALM_FILE")
    return Path(override).expanduser().resolve() if override else DEFAULT_REALM_FILE
