import socket
import struct
import threading
from pathlib import Path

import pytest

from cosar_deploy.kafka import (
    ARTIFACTS,
    api_versions_request,
    broker_answers,
    log4j2_properties,
    new_cluster_id,
    parse_api_versions_response,
    server_properties,
)

pytestmark = pytest.mark.unit


def _props(text: str) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )


def test_server_properties_single_kraft_node_on_loopback():
    props = _props(server_properties(Path("/state/kafka"), 9092, 9093))
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.quorum.bootstrap.servers"] == "127.0.0.1:9093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9092"
    assert props["log.dirs"] == "/state/kafka/data"
    assert props["num.partitions"] == "3"
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.replication.factor"] == "1"
    assert props["transaction.state.log.min.isr"] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props["auto.create.topics.enable"] == "true"


def test_server_properties_follow_port_overrides():
    props = _props(server_properties(Path("/s"), 19092, 19093))
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"


def test_log4j2_config_logs_to_stdout():
    text = log4j2_properties()
    assert "appender.stdout.type = Console" in text
    assert "rootLogger.appenderRef.stdout.ref = STDOUT" in text


def test_artifacts_include_the_slf4j_binding():
    names = {a.artifact for a in ARTIFACTS}
    assert {"kafka_2.13", "log4j-slf4j-impl"} <= names


def test_cluster_id_is_kafka_uuid_format():
    cid = new_cluster_id()
    assert len(cid) == 22
    assert "=" not in cid
    assert cid != new_cluster_id()


def test_api_versions_request_layout():
    raw = api_versions_request(42, "c")
    size, key, version, corr, client_len = struct.unpack(">ihhih", raw[:14])
    assert size == len(raw) - 4
    assert (key, version, corr, client_len) == (18, 0, 42, 1)
    assert raw[14:] == b"c"


def test_parse_api_versions_response():
    ok = struct.pack(">ihi", 7, 0, 1) + struct.pack(">hhh", 18, 0, 4)
    assert parse_api_versions_response(ok, 7)
    assert not parse_api_versions_response(ok, 8)
    assert not parse_api_versions_response(struct.pack(">ihi", 7, 35, 0), 7)
    assert not parse_api_versions_response(b"\x00", 7)


def _fake_broker(reply: bytes) -> tuple[socket.socket, int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            size = struct.unpack(">i", conn.recv(4))[0]
            conn.recv(size)
            conn.sendall(struct.pack(">i", len(reply)) + reply)

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def test_broker_answers_speaks_the_protocol():
    server, port = _fake_broker(struct.pack(">ihi", 7, 0, 1) + struct.pack(">hhh", 18, 0, 4))
    with server:
        assert broker_answers("127.0.0.1", port)


def test_broker_answers_rejects_a_non_kafka_server():
    server, port = _fake_broker(b"HTTP/1.1 400 Bad Request\r\n")
    with server:
        assert not broker_answers("127.0.0.1", port, timeout=1.0)


def test_broker_answers_false_when_nothing_listens():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert not broker_answers("127.0.0.1", port, timeout=0.5)
