import pytest
from typer.testing import CliRunner

from cosar_deploy.cli import app
from cosar_deploy.endpoints import Endpoints
from cosar_deploy.maven import Coordinates, runtime_pom
from cosar_deploy.paths import Paths
from cosar_deploy.system import find_java, installed_jdks

pytestmark = pytest.mark.unit


def test_runtime_pom_lists_dependencies():
    pom = runtime_pom(
        [
            Coordinates("org.apache.kafka", "kafka_2.13", "4.1.1"),
            Coordinates("g", "dist", "1", "zip"),
        ]
    )
    assert "<artifactId>kafka_2.13</artifactId><version>4.1.1</version>" in pom
    assert "<type>zip</type>" in pom
    assert "<packaging>pom</packaging>" in pom


def _jdk(root, name, version):
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("")
    (home / "release").write_text(f'IMPLEMENTOR="x"\nJAVA_VERSION="{version}"\n')


def test_find_java_prefers_the_lowest_sufficient_version(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    _jdk(tmp_path, "temurin-25", "25.0.1")
    _jdk(tmp_path, "openjdk-17", "17.0.15")
    _jdk(tmp_path, "openjdk-11", "11.0.2")
    assert [j.feature for j in installed_jdks(tmp_path)] == [11, 17, 25]
    assert find_java(17, tmp_path).home.name == "openjdk-17"
    assert find_java(21, tmp_path).home.name == "temurin-25"


def test_find_java_honours_a_sufficient_java_home(tmp_path, monkeypatch):
    _jdk(tmp_path, "openjdk-17", "17.0.15")
    _jdk(tmp_path, "temurin-25", "25")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "temurin-25"))
    assert find_java(17, tmp_path).feature == 25


def test_endpoints_dsns():
    ep = Endpoints(postgres_port=5433)
    assert ep.app_dsn("thesaurus") == (
        "postgresql+asyncpg://thesaurus_app:thesaurus_app@127.0.0.1:5433/thesaurus"
    )
    assert ep.owner_dsn("thesaurus", driver=None) == (
        "postgresql://thesaurus_owner:thesaurus_owner@127.0.0.1:5433/thesaurus"
    )
    assert set(ep.app_dsns) == {"thesaurus", "assessment", "reporting", "indicators", "portal"}
    assert ep.kafka_port == 9092
    assert ep.keycloak_issuer == "http://127.0.0.1:8080/realms/cosar"


def test_local_endpoints_port_overrides(monkeypatch):
    monkeypatch.setenv("COSAR_POSTGRES_PORT", "15432")
    monkeypatch.setenv("COSAR_KAFKA_PORT", "19092")
    ep = Endpoints.local()
    assert ep.postgres_port == 15432
    assert ep.kafka_bootstrap == "127.0.0.1:19092"


def test_paths_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COSAR_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("COSAR_STATE_DIR", str(tmp_path / "s"))
    paths = Paths.from_env()
    assert paths.log_file("kafka") == tmp_path / "s" / "logs" / "kafka.log"
    assert paths.pid_file("kafka") == tmp_path / "s" / "pids" / "kafka.pid"
    assert paths.component_cache("kafka") == tmp_path / "c" / "kafka"


def test_cli_exposes_infra_commands():
    result = CliRunner().invoke(app, ["infra", "--help"])
    assert result.exit_code == 0
    for command in ("up", "down", "status", "reset"):
        assert command in result.output
