import zipfile

import pytest

from cosar_deploy.endpoints import Endpoints
from cosar_deploy.keycloak import file_sha256, realm_changed, start_dev_args, unzip_with_modes

pytestmark = pytest.mark.unit


def test_start_dev_args():
    args = start_dev_args(Endpoints())
    assert args[0] == "start-dev"
    assert "--http-port=8080" in args
    assert "--http-host=127.0.0.1" in args
    assert "--hostname=http://127.0.0.1:8080" in args
    assert "--health-enabled=true" in args
    assert "--import-realm" in args
    assert "--http-management-port=9000" in args


def test_realm_change_detection(tmp_path):
    realm, hash_file = tmp_path / "realm.json", tmp_path / "realm.sha256"
    realm.write_text('{"realm": "cosar"}')
    assert realm_changed(realm, hash_file)  # never imported
    hash_file.write_text(file_sha256(realm) + "\n")
    assert not realm_changed(realm, hash_file)
    realm.write_text('{"realm": "cosar", "enabled": true}')
    assert realm_changed(realm, hash_file)


def test_unzip_keeps_the_executable_bit(tmp_path):
    archive = tmp_path / "dist.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("kc/bin/kc.sh")
        info.external_attr = 0o755 << 16
        zf.writestr(info, "#!/bin/sh\n")
        zf.writestr("kc/README.md", "hello")
    unzip_with_modes(archive, tmp_path / "out")
    assert (tmp_path / "out" / "kc" / "bin" / "kc.sh").stat().st_mode & 0o111
    assert (tmp_path / "out" / "kc" / "README.md").read_text() == "hello"
