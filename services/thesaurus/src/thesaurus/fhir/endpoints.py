"""FHIR terminology operations (in progress)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/fhir", tags=["FHIR"])
