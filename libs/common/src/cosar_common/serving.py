"""``serve`` with several worker processes, each listening on its own ``SO_REUSEPORT`` socket.

uvicorn's own ``--workers`` shares one listening socket between its workers: the first worker
woken accepts every connection waiting, so a client opening its keep-alive connections at once
(a reverse proxy's pool, the benchmark's 20 clients) lands on one worker and the others idle
(measured: 44 % and 1 % of a core; docs/benchmarks.md, "Serving"). With a socket of its own
per worker, bound with ``SO_REUSEPORT``, the kernel spreads new connections over the workers.

The parent binds nothing that serves: it checks the port is free (so that a second copy of the
service is an error, not a silent sharer of the port), spawns the workers (each builds its app
from the factory's import string and applies the logging configuration it is given), forwards
SIGTERM and SIGINT to them, and starts again a worker that dies, unless it failed at start-up
(then every worker is stopped and the command fails). A worker whose parent is gone stops.
"""

from __future__ import annotations

import copy
import logging
import logging.config
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any

logger = logging.getLogger(__name__)

STARTUP_FAILURE = 3  # uvicorn's exit code when the app could not start
STOP_TIMEOUT_S = 30.0
PARENT_CHECK_S = 1.0


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (listening is left to uvicorn)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(False)
    return sock


def check_port_free(host: str, port: int) -> None:
    """Raise ``OSError`` when something listens on ``host:port`` already (without
    ``SO_REUSEPORT`` here, a running copy of the service is found too)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def _stop_with_parent(parent: int) -> None:
    """In a worker: stop (as on SIGTERM) once the supervisor is gone, killed or crashed."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker(options: dict[str, Any], parent: int) -> None:
    """A worker process: its own socket, its own app, uvicorn's server."""
    import uvicorn

    _stop_with_parent(parent)
    config = uvicorn.Config(**options)  # applies the logging configuration
    try:
        sock = reuse_port_socket(config.host, config.port)
    except OSError as exc:
        logger.error("cannot listen on %s:%s: %s", config.host, config.port, exc)
        sys.exit(STARTUP_FAILURE)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(options: dict[str, Any], workers: int) -> int:
    """Run ``workers`` uvicorn servers of ``options`` (``uvicorn.Config`` arguments, the app
    an import string) until SIGTERM or SIGINT; the command's exit code."""
    logging.config.dictConfig(copy.deepcopy(options["log_config"]))  # the workers' own copy
    host, port = options["host"], options["port"]
    try:
        check_port_free(host, port)
    except OSError as exc:
        logger.error("cannot listen on %s:%s: %s", host, port, exc)
        return 1
    context = multiprocessing.get_context("spawn")  # never a fork of this process's state
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(options, os.getpid()), daemon=False)
        process.start()
        return process

    running = [start() for _ in range(workers)]
    logger.info(
        "serving on %s:%s with %s worker processes %s",
        host,
        port,
        workers,
        [p.pid for p in running],
    )
    code = 0
    while not stopping.is_set():
        wait([p.sentinel for p in running], timeout=0.5)
        for index, process in enumerate(running):
            if process.exitcode is None or stopping.is_set():
                continue
            if process.exitcode == STARTUP_FAILURE:
                logger.error("worker %s failed to start: stopping", process.pid)
                stopping.set()
                code = 1
                break
            logger.warning("worker %s exited (%s): started again", process.pid, process.exitcode)
            running[index] = start()
    for process in running:
        if process.exitcode is None and process.pid is not None:
            os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in running:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.exitcode is None:
            process.kill()
            process.join()
    logger.info("stopped %s worker processes", workers)
    return code
