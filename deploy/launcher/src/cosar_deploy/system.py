"""Machine prerequisites: JDK discovery and Debian packages installed on demand."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

JVM_ROOT = Path("/usr/lib/jvm")


class PrerequisiteError(RuntimeError):
    """A tool the launcher needs is missing and could not be installed."""


def apt_install(*packages: str, env_extra: dict[str, str] | None = None) -> None:
    """`apt-get install -y` without any question (needs root; the launcher targets Debian)."""
    if shutil.which("apt-get") is None:
        raise PrerequisiteError(f"apt-get not found: install {' '.join(packages)} yourself")
    if os.geteuid() != 0:
        raise PrerequisiteError(f"not root: run `sudo apt-get install -y {' '.join(packages)}`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", **(env_extra or {})}
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *packages], check=True, env=env
    )


def require_command(command: str, package: str) -> str:
    """Path of `command`, installing Debian `package` first if it is missing."""
    found = shutil.which(command)
    if found is None:
        apt_install(package)
        found = shutil.which(command)
    if found is None:
        raise PrerequisiteError(f"{command} still not found after installing {package}")
    return found


@dataclass(frozen=True, order=True)
class Jdk:
    """A JDK installation: its feature version (17, 21, 25...) and its home."""

    feature: int
    home: Path

    @property
    def java(self) -> Path:
        """The `java` executable."""
        return self.home / "bin" / "java"


_VERSION = re.compile(r'^JAVA_VERSION="(\d+)(?:\.[^"]*)?"', re.MULTILINE)


def jdk_at(home: Path) -> Jdk | None:
    """Read a JDK home's `release` file; None if it is not a usable JDK/JRE."""
    try:
        match = _VERSION.search((home / "release").read_text(encoding="utf-8"))
    except OSError:
        return None
    if match is None or not (home / "bin" / "java").exists():
        return None
    return Jdk(int(match.group(1)), home.resolve())


def installed_jdks(root: Path = JVM_ROOT) -> list[Jdk]:
    """Every JDK under /usr/lib/jvm (symlinked aliases collapsed), lowest version first."""
    found = {jdk for child in root.glob("*") if (jdk := jdk_at(child)) is not None}
    return sorted(found)


def find_java(minimum: int, root: Path = JVM_ROOT) -> Jdk:
    """The JDK to run a server with: $JAVA_HOME if recent enough, else the LOWEST installed
    version >= `minimum` (the most conservative choice: the version upstream tests most)."""
    env_home = os.environ.get("JAVA_HOME")
    if env_home and (jdk := jdk_at(Path(env_home))) is not None and jdk.feature >= minimum:
        return jdk
    for jdk in installed_jdks(root):
        if jdk.feature >= minimum:
            return jdk
    apt_install(f"openjdk-{minimum}-jre-headless")
    for jdk in installed_jdks(root):
        if jdk.feature >= minimum:
            return jdk
    raise PrerequisiteError(f"no JDK >= {minimum} under {root}")
