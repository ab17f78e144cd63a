"""The reporting service's sample annual report (``services/reporting/tests/sample_report.py``),
loaded by path for the cross-service tests (the service's tests are not an importable package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SAMPLE = Path(__file__).parents[1] / "services" / "reporting" / "tests" / "sample_report.py"
_spec = importlib.util.spec_from_file_location("reporting_sample_report", _SAMPLE)
assert _spec is not None
assert _spec.loader is not None
sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample)
