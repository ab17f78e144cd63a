"""Keycloak 26.4.7 (Quarkus distribution from Maven Central) in dev mode with the cosar realm.

JDK: Keycloak 26.4.7 was verified to start on OpenJDK 17 (Debian 17.0.15, no warning), so it
uses the same `find_java(17)` as Kafka: $JAVA_HOME if >= 17, else the lowest JDK >= 17 under
/usr/lib/jvm. Raise KEYCLOAK_JAVA_FEATURE the day a Keycloak upgrade drops Java 17.

The distribution is unpacked per STATE folder, not in the cache: `start-dev` re-augments Quarkus
into `lib/quarkus/` and keeps its H2 database under `data/`, both inside the Keycloak home. The
cache keeps only the pristine zip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import zipfile
from pathlib import Path

import httpx

from cosar_deploy.component import LaunchSpec
from cosar_deploy.endpoints import Endpoints
from cosar_deploy.maven import COMPLETE, Coordinates, copy_artifact
from cosar_deploy.paths import Paths, realm_file
from cosar_deploy.system import find_java

KEYCLOAK_VERSION = "26.4.7"
DIST = Coordinates("org.keycloak", "keycloak-quarkus-dist", KEYCLOAK_VERSION, "zip")
KEYCLOAK_JAVA_FEATURE = 17
REALM_HASH_FILE = "realm.sha256"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def realm_changed(realm: Path, hash_file: Path) -> bool:
    """True when the realm file differs from the one last imported (or none was imported)."""
    try:
        return hash_file.read_text(encoding="utf-8").strip() != file_sha256(realm)
    except FileNotFoundError:
        return True


def unzip_with_modes(archive: Path, target: Path) -> None:
    """Extract a zip keeping the Unix permission bits (zipfile drops them; kc.sh must stay
    executable)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            extracted = Path(zf.extract(info, target))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                extracted.chmod(mode)


def start_dev_args(endpoints: Endpoints) -> list[str]:
    """Arguments of `kc.sh`: dev mode on 127.0.0.1, fixed issuer, health, realm import."""
    http_port = endpoints.keycloak_url.rsplit(":", 1)[1]
    args = [
        "start-dev",
        "--http-host=127.0.0.1",
        f"--http-port={http_port}",
        # A fixed hostname makes the token issuer the same whoever asks (services, tests).
        f"--hostname={endpoints.keycloak_url}",
        "--health-enabled=true",
        "--import-realm",
    ]
    if endpoints.keycloak_management_url:
        args.append(f"--http-management-port={endpoints.keycloak_management_url.rsplit(':', 1)[1]}")
    return args


def keycloak_ready(endpoints: Endpoints) -> bool:
    """True when the realm's OpenID configuration (and management health, if exposed) is 200."""
    urls = [f"{endpoints.keycloak_issuer}/.well-known/openid-configuration"]
    if endpoints.keycloak_management_url:
        urls.append(f"{endpoints.keycloak_management_url}/health/ready")
    try:
        with httpx.Client(timeout=3.0) as client:
            return all(client.get(url).status_code == 200 for url in urls)
    except httpx.HTTPError:
        return False


class Keycloak:
    """The Keycloak component."""

    name = "keycloak"
    # Generous: the first start builds Keycloak (about 55 s alone) and took 131 s on a loaded
    # 2-core machine; a wait that is too short fails CI for nothing.
    timeout = 420.0
    stop_signal = signal.SIGTERM  # kc.sh forwards it to the JVM

    def __init__(self, paths: Paths, endpoints: Endpoints) -> None:
        self.paths = paths
        self.endpoints = endpoints
        self.state = paths.component_state(self.name)
        self.home = self.state / f"keycloak-{KEYCLOAK_VERSION}"
        self.cache = paths.component_cache(self.name) / KEYCLOAK_VERSION
        self.realm = realm_file()
        self.hash_file = self.state / REALM_HASH_FILE

    def prepare(self) -> None:
        """Fetch the zip, unpack it into the state folder, wipe data if the realm changed."""
        if not self.realm.is_file():
            raise FileNotFoundError(
                f"realm file {self.realm} not found (set COSAR_KEYCLOAK_REALM_FILE to use another)"
            )
        archive = copy_artifact(DIST, self.cache, self.paths.log_file(self.name))
        if not (self.home / COMPLETE).exists():
            if self.home.exists():
                shutil.rmtree(self.home)
            self.state.mkdir(parents=True, exist_ok=True)
            unzip_with_modes(archive, self.state)
            (self.home / COMPLETE).touch()
        data = self.home / "data"
        if realm_changed(self.realm, self.hash_file):
            # Keycloak imports a realm only when it does not exist yet: start from empty data so
            # the edited realm file is what the server holds.
            shutil.rmtree(data, ignore_errors=True)
            self.hash_file.unlink(missing_ok=True)
        (data / "import").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.realm, data / "import" / "realm-cosar.json")

    def launch_spec(self) -> LaunchSpec:
        """`bin/kc.sh start-dev ...` with the admin bootstrap account and the chosen JDK."""
        jdk = find_java(KEYCLOAK_JAVA_FEATURE)
        env = {
            **os.environ,
            "JAVA_HOME": str(jdk.home),
            "PATH": f"{jdk.home / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "KC_BOOTSTRAP_ADMIN_USERNAME": self.endpoints.keycloak_admin,
            "KC_BOOTSTRAP_ADMIN_PASSWORD": self.endpoints.keycloak_admin_password,
        }
        return LaunchSpec(
            command=[str(self.home / "bin" / "kc.sh"), *start_dev_args(self.endpoints)],
            marker=str(self.home),
            env=env,
            cwd=self.home,
        )

    def ports(self) -> list[int]:
        """HTTP and management ports."""
        ports = [int(self.endpoints.keycloak_url.rsplit(":", 1)[1])]
        if self.endpoints.keycloak_management_url:
            ports.append(int(self.endpoints.keycloak_management_url.rsplit(":", 1)[1]))
        return ports

    def probe(self) -> bool:
        """The realm's OpenID configuration and the management health both answer 200."""
        return keycloak_ready(self.endpoints)

    def finish(self) -> None:
        """Remember which realm file is imported, so the next start knows if it changed."""
        if self.realm.is_file():
            self.hash_file.write_text(file_sha256(self.realm) + "\n", encoding="utf-8")

    def healthy(self) -> bool:
        """Same as probe."""
        return self.probe()

    def describe(self) -> str:
        """How to reach it."""
        return (
            f"keycloak  {self.endpoints.keycloak_url} (admin console: admin/admin, "
            f"realm {self.endpoints.keycloak_realm})"
        )

    def stale_realm(self) -> bool:
        """True when the running server imported another version of the realm file."""
        return self.realm.is_file() and realm_changed(self.realm, self.hash_file)
