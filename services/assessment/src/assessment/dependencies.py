"""Dependencies shared by the assessment's routers: roles, the company in the path, the
thesaurus client (and, re-exported, the optimistic-lock header)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends

from assessment.companies import service as companies
from assessment.companies.models import Company
from cosar_common import clock
from cosar_common.auth import Principal, Role, allow
from cosar_common.db.dependencies import SessionDep

STAFF = (Role.SST_ADMIN, Role.SST_PREVENTER, Role.SST_PHYSICIAN)

# Employers write their own company's DUERP; the SPSTI's staff help and follow it.
WriterPrincipal = Annotated[Principal, Depends(allow(Role.EMPLOYER, *STAFF))]
# The CSE's representatives read the published versions of their company.
VersionReaderPrincipal = Annotated[
    Principal, Depends(allow(Role.EMPLOYER, Role.EMPLOYEE_REPRESENTATIVE, *STAFF))
]
StaffPrincipal = Annotated[Principal, Depends(allow(*STAFF))]


def today() -> date:
    """Today in Paris (the platform clock): deadlines and « to update » are days of French law."""
    return clock.today()


async def company_in_path(
    company_id: uuid.UUID, principal: VersionReaderPrincipal, session: SessionDep
) -> Company:
    """The company of the path if the caller may see it; 404 otherwise (other tenants too)."""
    return await companies.get(session, principal=principal, company_id=company_id)


CompanyDep = Annotated[Company, Depends(company_in_path)]
