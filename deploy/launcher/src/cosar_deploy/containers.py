"""The same three servers through testcontainers, for machines with a Docker engine.

Install with the `containers` extra (`testcontainers[kafka,postgres,keycloak]`). Every import of
testcontainers/docker is lazy, so this module imports fine (and `docker_available()` answers
False quickly) where neither the extra nor an engine exists.

    with running_containers() as ep:   # Endpoints, with the ports Docker mapped
        ...

Known limit: the Kafka container advertises `<docker host>:<free port picked on this machine>`;
when the Docker engine is remote the picked port might already be taken there.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cosar_deploy.endpoints import (
    KEYCLOAK_ADMIN,
    KEYCLOAK_ADMIN_PASSWORD,
    REALM,
    SERVICES,
    SUPERUSER,
    SUPERUSER_PASSWORD,
    Endpoints,
)
from cosar_deploy.errors import InfraError
from cosar_deploy.kafka import broker_answers, new_cluster_id
from cosar_deploy.keycloak import keycloak_ready
from cosar_deploy.paths import realm_file
from cosar_deploy.provisioning import Server, app_roles_answer, provision

KAFKA_IMAGE = "apache/kafka:4.1.1"
POSTGRES_IMAGE = "postgres:16"
KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.4.7"
DOCKER_SOCKET = Path("/var/run/docker.sock")
TIMEOUTS = {"kafka": 90.0, "keycloak": 180.0, "postgres": 60.0}


def docker_available(timeout: float = 2.0) -> bool:
    """True when a Docker engine answers a ping (answers in < 3 s, False without an engine)."""
    if not os.environ.get("DOCKER_HOST") and not DOCKER_SOCKET.exists():
        return False  # the common case on our machines: no socket, no need to ask anything
    try:
        docker = importlib.import_module("docker")
    except ImportError:
        return _docker_cli_answers(timeout)
    try:
        client = docker.from_env(timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # any transport or API error means "no usable engine"
        return False


def _docker_cli_answers(timeout: float) -> bool:
    cli = shutil.which("docker")
    if cli is None:
        return False
    try:
        result = subprocess.run(
            [cli, "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0


def _community(module: str) -> Any:
    # testcontainers >= 4.10 moved the modules under `testcontainers.community` (the old paths
    # warn); older 4.x only have the old ones.
    try:
        return importlib.import_module(f"testcontainers.community.{module}")
    except ImportError:
        return importlib.import_module(f"testcontainers.{module}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(component: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise InfraError(
                component,
                f"container not ready after {timeout:.0f} s (see `docker logs` of the container)",
            )
        time.sleep(1.0)


@dataclass
class ContainerInfra:
    """Running containers and where they answer; `stop()` removes them."""

    endpoints: Endpoints
    containers: list[Any] = field(default_factory=list)

    def stop(self) -> None:
        """Remove every container (their data goes with them)."""
        while self.containers:
            with contextlib.suppress(Exception):
                self.containers.pop().stop()


def _start_postgres(infra: ContainerInfra) -> tuple[str, int]:
    container = _community("postgres").PostgresContainer(
        POSTGRES_IMAGE,
        username=SUPERUSER,
        password=SUPERUSER_PASSWORD,
        dbname="postgres",
        driver=None,
    )
    infra.containers.append(container)
    container.start()
    host, port = container.get_container_host_ip(), int(container.get_exposed_port(5432))
    server = Server(host, port, SUPERUSER, SUPERUSER_PASSWORD)
    # The image restarts the server once after its init scripts: retry until provisioning passes.
    deadline = time.monotonic() + TIMEOUTS["postgres"]
    while True:
        try:
            provision(server, SERVICES)
            break
        except Exception as exc:
            if time.monotonic() > deadline:
                raise InfraError("postgres", f"provisioning failed: {exc}") from exc
            time.sleep(1.0)
    _wait("postgres", lambda: app_roles_answer(server, SERVICES), TIMEOUTS["postgres"])
    return host, port


def _docker_host() -> str:
    docker_client = importlib.import_module("testcontainers.core.docker_client")
    return str(docker_client.DockerClient().host())


def _start_kafka(infra: ContainerInfra) -> str:
    # testcontainers' KafkaContainer drives Confluent images; the Apache image is configured
    # through KAFKA_* variables instead. The client listener is bound to a fixed host port so the
    # advertised address is known before the start.
    core = importlib.import_module("testcontainers.core.container")
    host, port = _docker_host(), _free_port()
    container = core.DockerContainer(KAFKA_IMAGE).with_bind_ports(9092, port)
    settings = {
        "CLUSTER_ID": new_cluster_id(),
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:19092,"
        "CONTROLLER://0.0.0.0:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://{host}:{port},BROKER://localhost:19092",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,"
        "CONTROLLER:PLAINTEXT",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "BROKER",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "KAFKA_NUM_PARTITIONS": "3",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "true",
    }
    for key, value in settings.items():
        container = container.with_env(key, value)
    infra.containers.append(container)
    container.start()
    _wait("kafka", lambda: broker_answers(host, port), TIMEOUTS["kafka"])
    return f"{host}:{port}"


def _start_keycloak(infra: ContainerInfra, realm: Path) -> tuple[str, str]:
    container = (
        _community("keycloak")
        .KeycloakContainer(
            KEYCLOAK_IMAGE, username=KEYCLOAK_ADMIN, password=KEYCLOAK_ADMIN_PASSWORD
        )
        .with_realm_import_file(str(realm))
    )
    infra.containers.append(container)
    container.start()
    return str(container.get_url()).rstrip("/"), str(container.get_management_url()).rstrip("/")


def start_containers(realm: Path | None = None) -> ContainerInfra:
    """Start PostgreSQL (provisioned like the local cluster), Kafka and Keycloak (realm imported).

    On failure every container started so far is removed and `InfraError` is raised.
    """
    realm = realm or realm_file()
    if not realm.is_file():
        raise InfraError("keycloak", f"realm file {realm} not found")
    infra = ContainerInfra(endpoints=Endpoints())
    try:
        pg_host, pg_port = _start_postgres(infra)
        bootstrap = _start_kafka(infra)
        kc_url, kc_management = _start_keycloak(infra, realm)
        infra.endpoints = Endpoints(
            postgres_host=pg_host,
            postgres_port=pg_port,
            kafka_bootstrap=bootstrap,
            keycloak_url=kc_url,
            keycloak_realm=REALM,
            keycloak_management_url=kc_management,
        )
        _wait("keycloak", lambda: keycloak_ready(infra.endpoints), TIMEOUTS["keycloak"])
    except BaseException:
        infra.stop()
        raise
    return infra


@contextlib.contextmanager
def running_containers(realm: Path | None = None) -> Iterator[Endpoints]:
    """Context manager around `start_containers`: yields the endpoints, removes the containers."""
    infra = start_containers(realm)
    try:
        yield infra.endpoints
    finally:
        infra.stop()
