"""Every service's HTTP routes, as FastAPI builds them (no infrastructure needed)."""

from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI

from cosar_common.app import threaded_calls

pytestmark = pytest.mark.unit


def apps() -> dict[str, FastAPI]:
    from portal.app import create_app as portal

    from assessment.app import create_app as assessment
    from indicators.app import create_app as indicators
    from reporting.app import create_app as reporting
    from thesaurus.app import create_app as thesaurus

    return {
        "thesaurus": thesaurus(),
        "assessment": assessment(),
        "reporting": reporting(),
        "indicators": indicators(),
        "portal": portal(),
    }


def test_no_endpoint_or_dependency_runs_in_the_thread_pool():
    # A plain `def` dependency costs a thread hop per request (a tenth of the indicators'
    # serving time when the settings and filters were plain functions).
    threaded = {name: threaded_calls(app) for name, app in apps().items()}
    assert threaded == {name: [] for name in threaded}


def test_the_check_sees_a_plain_function_dependency():
    app = FastAPI()

    def settings() -> str:
        return "s"

    @app.get("/x")
    async def x(value: str = Depends(settings)) -> str:
        return value

    assert threaded_calls(app) == [f"{__name__}.{settings.__qualname__}"]
