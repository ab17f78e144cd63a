"""Dependencies shared by the reporting routers: permission, clients, the caller's token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cosar_common.auth import Permission, Principal, require
from cosar_common.errors import NotAuthenticated
from reporting.clients import AssessmentClient
from reporting.settings import ReportingSettings

# Employers keep their own establishments' reports; the SPSTI's staff read and help.
ReportPrincipal = Annotated[Principal, Depends(require(Permission.REPORTS_WRITE))]


async def assessment_client(request: Request) -> AssessmentClient:
    client: AssessmentClient = request.app.state.runtime.extensions["assessment"]
    return client


async def settings(request: Request) -> ReportingSettings:
    value: ReportingSettings = request.app.state.runtime.settings
    return value


async def bearer_token(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated()
    return token


AssessmentDep = Annotated[AssessmentClient, Depends(assessment_client)]
SettingsDep = Annotated[ReportingSettings, Depends(settings)]
TokenDep = Annotated[str, Depends(bearer_token)]
