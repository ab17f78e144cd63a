"""Dependencies shared by the assessment's routers: permissions, the company in the path, the
thesaurus client (and, re-exported, the optimistic-lock header)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from assessment.companies import service as companies
from assessment.companies.models import Company
from cosar_common.auth import Permission, Principal, require
from cosar_common.db.dependencies import SessionDep

# Who holds each permission: cosar_common.auth.permissions.ROLES.
WriterPrincipal = Annotated[Principal, Depends(require(Permission.DUERP_WRITE))]
VersionReaderPrincipal = Annotated[Principal, Depends(require(Permission.DUERP_READ))]
CompanyManagerPrincipal = Annotated[Principal, Depends(require(Permission.COMPANIES_MANAGE))]
FicheWriterPrincipal = Annotated[Principal, Depends(require(Permission.FICHE_WRITE))]


async def company_in_path(
    company_id: uuid.UUID, principal: VersionReaderPrincipal, session: SessionDep
) -> Company:
    """The company of the path if the caller may see it; 404 otherwise (other tenants too)."""
    return await companies.get(session, principal=principal, company_id=company_id)


CompanyDep = Annotated[Company, Depends(company_in_path)]
