import os

import pytest
from typer.testing import CliRunner

from cosar_common import web_assets
from cosar_deploy import platform_commands
from cosar_deploy.cli import app
from cosar_deploy.errors import InfraError
from cosar_deploy.paths import Paths

pytestmark = pytest.mark.unit


@pytest.fixture
def paths(tmp_path, monkeypatch):
    monkeypatch.setenv("COSAR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COSAR_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv(web_assets.ENVIRONMENT_VARIABLE, raising=False)
    return Paths.from_env()


def test_launcher_and_services_agree_on_the_default_folder(paths):
    # The services fall back on the same folder when started without the launcher.
    assert platform_commands.web_assets_dir(paths) == paths.component_cache("web-assets")
    assert web_assets.default_dir() == paths.component_cache("web-assets")


def test_the_variable_wins(paths, tmp_path, monkeypatch):
    monkeypatch.setenv(web_assets.ENVIRONMENT_VARIABLE, str(tmp_path / "shared"))
    assert platform_commands.web_assets_dir(paths) == (tmp_path / "shared").resolve()


def test_install_step_tells_the_services_where_the_files_are(paths, monkeypatch):
    seen = []

    def ensure(dest):
        seen.append(dest)
        return [web_assets.Installed(web_assets.HTMX, dest / web_assets.HTMX.folder, False)]

    monkeypatch.setattr(web_assets, "ensure_assets", ensure)
    # Empty counts as unset; monkeypatch then undoes what the step sets.
    monkeypatch.setenv(web_assets.ENVIRONMENT_VARIABLE, "")
    directory = platform_commands.install_web_assets(paths)
    assert seen == [paths.component_cache("web-assets")]
    assert os.environ[web_assets.ENVIRONMENT_VARIABLE] == str(directory)


def test_a_download_failure_is_an_infra_error_naming_the_step(paths, monkeypatch):
    def offline(dest):
        raise web_assets.WebAssetsError("cannot download htmx.org 2.0.11 from https://...")

    monkeypatch.setattr(web_assets, "ensure_assets", offline)
    with pytest.raises(InfraError, match=r"web-assets failed: cannot download htmx\.org"):
        platform_commands.install_web_assets(paths)


def test_assets_command(paths, tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(app, ["assets", "--help"]).output
    assert "--check" in help_text
    assert "--dest" in help_text
    result = runner.invoke(app, ["assets", "--check", "--dest", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "bin/platform assets" in result.output
