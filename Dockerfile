# One image per service, built from the workspace root:
#
#   docker build --build-arg SERVICE=thesaurus -t cosar/thesaurus:local .
#
# Needs BuildKit (the default builder since Docker 23) for the cache mounts.
# SERVICE is one of thesaurus, assessment, reporting, indicators. The image runs the service's
# console script: `serve` by default (see CMD), `migrate` for the one-shot migration job, and any
# other sub-command (`load-demo`, `--help`) by passing it as the container command.

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------------------------
# 1. Dependency manifests only.
#
# A uv workspace cannot be synced from the root pyproject.toml and uv.lock alone: uv also reads
# every member's pyproject.toml (libs/common, services/*, deploy/launcher), and COPY cannot copy a
# glob while keeping the directories. Copying the whole tree and syncing would be correct but
# would reinstall every third-party package on each source edit. So this stage takes the whole
# tree and keeps only the manifests; the next stage copies that result, whose checksum changes
# only when a pyproject.toml or uv.lock does, and the dependency layer stays cached.
# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name pyproject.toml ! -name uv.lock -delete \
    && find . -mindepth 1 -type d -empty -delete

# ---------------------------------------------------------------------------------------------
# 2. Build: a virtual environment with the service, cosar-common and their locked dependencies.
# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
# Pinned so that the lock file is read by the uv that wrote it.
ARG UV_VERSION=0.13.9

RUN case "${SERVICE}" in \
      thesaurus|assessment|reporting|indicators) ;; \
      *) echo "build arg SERVICE must be thesaurus, assessment, reporting or indicators (got '${SERVICE}')" >&2; exit 1 ;; \
    esac

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Third-party dependencies: cached until a manifest or the lock changes.
COPY --from=manifests /src/ ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "cosar-${SERVICE}"

# The workspace's own code. Workspace members stay installed in editable mode, on purpose: each
# service's Alembic scripts (services/<svc>/migrations) live beside src/, outside the wheel, and
# `<svc> migrate` finds them relative to the package. The runtime stage therefore keeps /app.
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "cosar-${SERVICE}" \
    && test -x "/app/.venv/bin/${SERVICE}" \
    && python -m compileall -q libs services deploy/launcher

# The browser files of /docs (Swagger UI; htmx for the portal), from the npm registry now: the
# service has no internet at run time. The tarballs are checked against their pinned sha512,
# the files against their sha256; the cache mount spares the download on a rebuild.
RUN --mount=type=cache,target=/root/.cache/cosar-web-assets \
    /app/.venv/bin/python -m cosar_common.web_assets --dest /root/.cache/cosar-web-assets \
    && cp -R /root/.cache/cosar-web-assets /app/web-assets \
    && /app/.venv/bin/python -m cosar_common.web_assets --check --dest /app/web-assets

# ---------------------------------------------------------------------------------------------
# 3. Runtime: no uv, no pip cache, no compiler; read-only code owned by root, run as uid 10001.
# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
# System libraries a service may need at run time (e.g. a PDF renderer's pango/cairo for
# reporting); empty by default. Pin versions in the argument itself if needed (pkg=version).
ARG RUNTIME_APT_PACKAGES=""

# hadolint ignore=DL3008
RUN if [ -n "${RUNTIME_APT_PACKAGES}" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends ${RUNTIME_APT_PACKAGES} \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --system --gid 10001 cosar \
    && useradd --system --uid 10001 --gid cosar --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin cosar

COPY --from=build /app /app

# HOME and caches point at /tmp, the only writable place when the root filesystem is read-only
# (Kubernetes mounts an emptyDir there).
ENV COSAR_SERVICE=${SERVICE} \
    COSAR_WEB_ASSETS_DIR=/app/web-assets \
    PATH=/app/.venv/bin:${PATH} \
    VIRTUAL_ENV=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache

LABEL org.opencontainers.image.title="cosar-${SERVICE}" \
      org.opencontainers.image.description="COSAR ${SERVICE} service" \
      org.opencontainers.image.source="https://example.invalid/cosar/platform"

WORKDIR /app
USER 10001:10001
EXPOSE 8001 8002 8003 8004

# Liveness only (the process answers); readiness (database and Kafka) is the orchestrator's
# probe on /health/ready. Each service listens on its own default port; <SVC>_PORT overrides it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; svc = os.environ['COSAR_SERVICE']; default = {'thesaurus': 8001, 'assessment': 8002, 'reporting': 8003, 'indicators': 8004}[svc]; port = os.environ.get(svc.upper() + '_PORT', default); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/health/live', timeout=4).status == 200 else 1)"]

# ENTRYPOINT cannot expand a build argument, so a one-line shell resolves the console script
# from COSAR_SERVICE and then execs it (signals reach the Python process directly).
ENTRYPOINT ["/bin/sh", "-c", "exec \"/app/.venv/bin/${COSAR_SERVICE}\" \"$@\"", "--"]
CMD ["serve", "--host", "0.0.0.0"]
