"""Downloads from Maven Central through `mvn`, which verifies every artifact's checksum.

`-C` (strict checksums) turns a checksum mismatch into a failure instead of a warning, so a
corrupted or tampered jar never reaches the cache. Artifacts land in ~/.m2 too, which makes a
second cache folder cheap to fill.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from cosar_deploy.system import require_command

DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
COMPLETE = ".complete"


@dataclass(frozen=True)
class Coordinates:
    """groupId:artifactId:version[:type]."""

    group: str
    artifact: str
    version: str
    type: str = "jar"

    def __str__(self) -> str:
        return f"{self.group}:{self.artifact}:{self.version}:{self.type}"


def runtime_pom(dependencies: Sequence[Coordinates]) -> str:
    """A throw-away pom whose runtime dependency closure is what we want to copy."""
    deps = "\n".join(
        "    <dependency>"
        f"<groupId>{escape(d.group)}</groupId>"
        f"<artifactId>{escape(d.artifact)}</artifactId>"
        f"<version>{escape(d.version)}</version>"
        + (f"<type>{escape(d.type)}</type>" if d.type != "jar" else "")
        + "</dependency>"
        for d in dependencies
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
        "  <modelVersion>4.0.0</modelVersion>\n"
        "  <groupId>local.cosar</groupId>\n"
        "  <artifactId>cosar-runtime</artifactId>\n"
        "  <version>1</version>\n"
        "  <packaging>pom</packaging>\n"
        "  <dependencies>\n"
        f"{deps}\n"
        "  </dependencies>\n"
        "</project>\n"
    )


def _mvn(args: Sequence[str], cwd: Path, log: Path) -> None:
    mvn = require_command("mvn", "maven")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        result = subprocess.run(
            [mvn, "-B", "-q", "--strict-checksums", *args],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"mvn {' '.join(args)} failed (exit {result.returncode})")


def copy_runtime_closure(dependencies: Sequence[Coordinates], target: Path, log: Path) -> Path:
    """Copy the artifacts and their runtime dependencies into `target/lib` (once).

    The `.complete` marker is written last, so an interrupted download is redone next time.
    """
    lib = target / "lib"
    if (target / COMPLETE).exists():
        return lib
    if lib.exists():
        shutil.rmtree(lib)
    target.mkdir(parents=True, exist_ok=True)
    (target / "pom.xml").write_text(runtime_pom(dependencies), encoding="utf-8")
    _mvn(
        [
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={lib}",
        ],
        cwd=target,
        log=log,
    )
    (target / COMPLETE).touch()
    return lib


def copy_artifact(artifact: Coordinates, target: Path, log: Path) -> Path:
    """Copy one artifact (e.g. a distribution zip) into `target` (once); returns its path."""
    name = f"{artifact.artifact}-{artifact.version}.{artifact.type}"
    if (target / COMPLETE).exists() and (target / name).exists():
        return target / name
    target.mkdir(parents=True, exist_ok=True)
    _mvn(
        [
            f"{DEPENDENCY_PLUGIN}:copy",
            f"-Dartifact={artifact}",
            f"-DoutputDirectory={target}",
            "-Dmdep.overWriteReleases=true",
        ],
        cwd=target,
        log=log,
    )
    if not (target / name).exists():
        raise RuntimeError(f"mvn did not produce {target / name}")
    (target / COMPLETE).touch()
    return target / name
