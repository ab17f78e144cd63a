import base64
import hashlib
import io
import re
import tarfile
import urllib.error

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cosar_common import web_assets
from cosar_common.app import create_service_app, install_docs
from cosar_common.settings import ServiceSettings
from cosar_common.web_assets import AssetFile, NpmPackage, WebAssetsError

pytestmark = pytest.mark.unit

JS = b"console.log('fake');\n"
CSS = b"body { color: black; }\n"
PNG = b"\x89PNG\r\n\x1a\nfake"


def _tgz(members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for name, target in (symlinks or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _package(tmp_path, data: bytes, files: dict[str, tuple[str, bytes]], name="fake-ui"):
    """A pinned package whose tarball is ``data``, written beside the test (file:// URL)."""
    tarball = tmp_path / f"{name}-1.0.0.tgz"
    tarball.write_bytes(data)
    return NpmPackage(
        name=name,
        version="1.0.0",
        tarball=tarball.as_uri(),
        integrity=_integrity(data),
        files={
            local: AssetFile(member, _sha256(content)) for local, (member, content) in files.items()
        },
    )


def _swagger_like(tmp_path):
    """A stand-in for swagger-ui-dist: same name and file names, small contents."""
    contents = {
        "swagger-ui-bundle.js": JS,
        "swagger-ui.css": CSS,
        "favicon-32x32.png": PNG,
        "LICENSE": b"license\n",
        "NOTICE": b"notice\n",
    }
    members = {f"package/{name}": content for name, content in contents.items()}
    data = _tgz({**members, "package/README.md": b"not taken\n"})
    files = {name: (f"package/{name}", content) for name, content in contents.items()}
    return _package(tmp_path, data, files, name=web_assets.SWAGGER_UI.name)


def _counting(fetch=web_assets.download):
    calls: list[str] = []

    def counted(url: str) -> bytes:
        calls.append(url)
        return fetch(url)

    return counted, calls


# --- The pins -------------------------------------------------------------------------------


def test_pins_are_complete_and_safe():
    assert web_assets.HTMX.version.startswith("2.0.")
    assert web_assets.SWAGGER_UI.version.startswith("5.")
    assert len({package.folder for package in web_assets.MANIFEST}) == len(web_assets.MANIFEST)
    for package in web_assets.MANIFEST:
        assert package.tarball == (
            f"https://registry.npmjs.org/{package.name}/-/{package.name}-{package.version}.tgz"
        )
        assert re.fullmatch(r"sha512-[A-Za-z0-9+/]{86}==", package.integrity)
        for local, entry in package.files.items():
            assert re.fullmatch(r"[A-Za-z0-9._-]+", local)
            assert local not in (".", "..")
            assert entry.member.startswith("package/")
            assert ".." not in entry.member
            assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256)


def test_urls_and_integrity_of_the_portal_script():
    assert (
        web_assets.asset_url("htmx.org", "htmx.min.js")
        == "/static/vendor/htmx.org-2.0.11/htmx.min.js"
    )
    sri = web_assets.asset_integrity("htmx.org", "htmx.min.js")
    assert (
        base64.b64decode(sri.removeprefix("sha256-")).hex()
        == web_assets.HTMX.files["htmx.min.js"].sha256
    )
    with pytest.raises(WebAssetsError):
        web_assets.asset_url("htmx.org", "htmx.js")
    with pytest.raises(WebAssetsError):
        web_assets.asset_url("jquery", "jquery.js")


def test_default_dir_follows_the_launcher_cache_unless_set(monkeypatch, tmp_path):
    monkeypatch.delenv(web_assets.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setenv("COSAR_CACHE_DIR", str(tmp_path / "cache"))
    assert web_assets.default_dir() == (tmp_path / "cache" / "web-assets").resolve()
    monkeypatch.setenv(web_assets.ENVIRONMENT_VARIABLE, str(tmp_path / "elsewhere"))
    assert web_assets.default_dir() == (tmp_path / "elsewhere").resolve()


# --- Installation ---------------------------------------------------------------------------


def test_installs_only_the_listed_files_from_a_file_url(tmp_path):
    package = _swagger_like(tmp_path)
    dest = tmp_path / "assets"
    [installed] = web_assets.ensure_assets(dest, packages=[package])
    assert installed.downloaded
    assert installed.directory == (dest / "swagger-ui-dist-1.0.0").resolve()
    assert sorted(p.name for p in installed.directory.iterdir()) == sorted(package.files)
    assert (installed.directory / "swagger-ui-bundle.js").read_bytes() == JS


def test_a_tampered_tarball_is_rejected_before_anything_is_written(tmp_path):
    package = _swagger_like(tmp_path)
    original = (tmp_path / "swagger-ui-dist-1.0.0.tgz").read_bytes()
    tampered = _tgz({"package/swagger-ui-bundle.js": b"alert('evil')"})
    assert tampered != original
    dest = tmp_path / "assets"
    with pytest.raises(WebAssetsError, match="does not match its pinned integrity"):
        web_assets.ensure_assets(dest, packages=[package], fetch=lambda _url: tampered)
    assert not dest.exists() or not any(dest.rglob("*"))


def test_a_listed_file_that_differs_from_its_sha256_is_rejected(tmp_path):
    data = _tgz({"package/app.js": JS})
    package = _package(tmp_path, data, {"app.js": ("package/app.js", b"something else")})
    with pytest.raises(WebAssetsError, match="sha256"):
        web_assets.ensure_assets(tmp_path / "assets", packages=[package])
    assert not (tmp_path / "assets" / package.folder / "app.js").exists()


@pytest.mark.parametrize(
    "evil", ["../evil.js", "/var/evil.js", "package/../../evil.js", "package/..\\..\\evil.js"]
)
def test_path_traversal_entries_are_rejected(tmp_path, evil):
    # The tarball matches its integrity: the check must not rely on it alone.
    data = _tgz({"package/app.js": JS, evil: b"evil"})
    package = _package(tmp_path, data, {"app.js": ("package/app.js", JS)})
    dest = tmp_path / "deep" / "assets"
    with pytest.raises(WebAssetsError, match="unsafe path"):
        web_assets.ensure_assets(dest, packages=[package])
    assert not list(tmp_path.rglob("evil.js"))
    assert not (dest / package.folder / "app.js").exists()


def test_a_listed_file_that_is_a_link_is_rejected(tmp_path):
    data = _tgz({}, symlinks={"package/app.js": "/etc/passwd"})
    package = _package(tmp_path, data, {"app.js": ("package/app.js", JS)})
    with pytest.raises(WebAssetsError, match="not a regular file"):
        web_assets.ensure_assets(tmp_path / "assets", packages=[package])


def test_a_listed_file_missing_from_the_tarball_is_named(tmp_path):
    data = _tgz({"package/other.js": JS})
    package = _package(tmp_path, data, {"app.js": ("package/app.js", JS)})
    with pytest.raises(WebAssetsError, match=r"missing from the tarball: package/app\.js"):
        web_assets.ensure_assets(tmp_path / "assets", packages=[package])


def test_idempotent_and_repairs_a_changed_file(tmp_path):
    package = _swagger_like(tmp_path)
    dest = tmp_path / "assets"
    fetch, calls = _counting()
    web_assets.ensure_assets(dest, packages=[package], fetch=fetch)
    [again] = web_assets.ensure_assets(dest, packages=[package], fetch=fetch)
    assert not again.downloaded
    assert len(calls) == 1  # nothing fetched the second time

    bundle = again.directory / "swagger-ui-bundle.js"
    bundle.write_bytes(b"alert('changed')")
    [repaired] = web_assets.ensure_assets(dest, packages=[package], fetch=fetch)
    assert repaired.downloaded
    assert len(calls) == 2
    assert bundle.read_bytes() == JS


def test_offline_names_the_package_and_the_url(tmp_path):
    package = _swagger_like(tmp_path)

    def offline(url: str) -> bytes:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    with pytest.raises(WebAssetsError) as caught:
        web_assets.ensure_assets(tmp_path / "assets", packages=[package], fetch=offline)
    message = str(caught.value)
    assert "swagger-ui-dist 1.0.0" in message
    assert package.tarball in message
    assert web_assets.ENVIRONMENT_VARIABLE in message


def test_download_refuses_plain_http():
    with pytest.raises(ValueError, match="https or file"):
        web_assets.download("http://registry.npmjs.org/htmx.org/-/htmx.org-2.0.11.tgz")


# --- Run time -------------------------------------------------------------------------------


@pytest.fixture
def installed_swagger(tmp_path, monkeypatch):
    """The stand-in swagger-ui-dist, pinned in place of the real one and installed."""
    package = _swagger_like(tmp_path)
    monkeypatch.setattr(web_assets, "PACKAGES", {**web_assets.PACKAGES, package.name: package})
    dest = tmp_path / "assets"
    web_assets.ensure_assets(dest, packages=[package])
    return dest


def test_asset_path_checks_the_file_and_says_how_to_install(installed_swagger, tmp_path):
    path = web_assets.asset_path("swagger-ui-dist", "swagger-ui.css", installed_swagger)
    assert path.read_bytes() == CSS
    with pytest.raises(WebAssetsError, match="bin/platform assets"):
        web_assets.asset_path("swagger-ui-dist", "swagger-ui.css", tmp_path / "empty")
    path.write_bytes(b"body { background: url(https://evil.example/x.png) }")
    with pytest.raises(WebAssetsError, match="not the pinned"):
        web_assets.asset_path("swagger-ui-dist", "swagger-ui.css", installed_swagger)


def _docs_app(assets_dir):
    app = FastAPI(title="Démo", docs_url=None, redoc_url=None)
    install_docs(app, assets_dir)
    return TestClient(app)


def test_docs_reference_only_local_urls(installed_swagger):
    client = _docs_app(installed_swagger)
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "cdn." not in html
    assert not re.search(r"https?://", html)
    references = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert references
    assert all(ref.startswith("/static/vendor/") for ref in references)
    assert "url: '/openapi.json'" in html
    assert '"validatorUrl": null' in html  # no badge from validator.swagger.io
    for ref in references:
        assert client.get(ref).status_code == 200


def test_docs_follow_the_root_path_of_a_proxy(installed_swagger):
    app = FastAPI(docs_url=None, redoc_url=None)
    install_docs(app, installed_swagger)
    html = TestClient(app, root_path="/thesaurus").get("/docs").text
    assert "url: '/thesaurus/openapi.json'" in html
    assert 'src="/thesaurus/static/vendor/swagger-ui-dist-1.0.0/swagger-ui-bundle.js"' in html


def test_vendor_files_are_served_immutable_with_an_etag(installed_swagger):
    client = _docs_app(installed_swagger)
    url = web_assets.asset_url("swagger-ui-dist", "swagger-ui-bundle.js")
    response = client.get(url)
    assert response.content == JS
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == web_assets.CACHE_CONTROL
    assert response.headers["etag"] == f'"{_sha256(JS)}"'
    assert client.get(url, headers={"If-None-Match": response.headers["etag"]}).status_code == 304
    # Only the pinned files: nothing else of the folder, nothing outside it.
    assert client.get("/static/vendor/swagger-ui-dist-1.0.0/README.md").status_code == 404
    assert client.get("/static/vendor/swagger-ui-dist-1.0.0/../../etc/passwd").status_code == 404


def test_docs_answer_a_french_503_without_the_files(tmp_path):
    client = _docs_app(tmp_path / "missing")
    response = client.get("/docs")
    assert response.status_code == 503
    assert "ne sont pas installés" in response.text
    assert "bin/platform assets" in response.text


def test_a_service_app_starts_without_the_files_and_keeps_its_documents(tmp_path, monkeypatch):
    monkeypatch.setenv(web_assets.ENVIRONMENT_VARIABLE, str(tmp_path / "missing"))
    client = TestClient(create_service_app(ServiceSettings(), title="Démo", description="d"))
    assert client.get("/docs").status_code == 503
    assert client.get("/openapi.json").json()["info"]["title"] == "Démo"
    assert client.get("/redoc").status_code == 404  # off: it would need Google Fonts


def test_a_service_app_serves_its_docs_from_the_installed_files(installed_swagger, monkeypatch):
    monkeypatch.setenv(web_assets.ENVIRONMENT_VARIABLE, str(installed_swagger))
    client = TestClient(create_service_app(ServiceSettings(), title="Démo", description="d"))
    html = client.get("/docs").text
    assert "/static/vendor/swagger-ui-dist-1.0.0/swagger-ui-bundle.js" in html
    assert not re.search(r"https?://", html)
    assert client.get("/docs/oauth2-redirect").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert not any(path.startswith(("/static", "/docs")) for path in paths)
