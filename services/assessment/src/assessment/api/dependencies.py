"""Dependencies shared by the assessment's routers: permissions, the company in the path, the
thesaurus client (and, re-exported, the optimistic-lock header)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from assessment.companies import service as companies
from assessment.companies.models import Company
from cosar_common.auth import Permission, Principal, require
from cosar_common.db.dependencies import SessionDep
from cosar_common.errors import Forbidden

# Who holds each permission: cosar_common.auth.permissions.ROLES.
WriterPrincipal = Annotated[Principal, Depends(require(Permission.DUERP_WRITE))]
VersionReaderPrincipal = Annotated[Principal, Depends(require(Permission.DUERP_READ))]
CompanyManagerPrincipal = Annotated[Principal, Depends(require(Permission.COMPANIES_MANAGE))]


async def company_in_path(
    company_id: uuid.UUID, principal: VersionReaderPrincipal, session: SessionDep
) -> Company:
    """The company of the path if the caller may see it; 404 otherwise (other tenants too)."""
    return await companies.get(session, principal=principal, company_id=company_id)


CompanyDep = Annotated[Company, Depends(company_in_path)]


CompanyCheck = Callable[[Company, Principal], Awaitable[Company]]


def company_with(permission: Permission, refusal: str) -> CompanyCheck:
    """A dependency giving the company of the path to a caller holding ``permission``: 404
    first, then 403 with ``refusal``.

    The company is looked up first, as everywhere in the API, so that a caller learns nothing
    about a company it may not see: 404 for another tenant's company or, for an employer or a
    CSE member, a company outside its token. For its own company, the company is no secret to
    it, and the answer is the plain truth: 403. (A ``require(permission)`` listed before the
    company answered 403 for any id, whether the company existed or not.)
    """

    async def company_for(company: CompanyDep, principal: VersionReaderPrincipal) -> Company:
        if not principal.may(permission):
            raise Forbidden(refusal)
        return company

    return company_for


# The fiche d'entreprise is the SPSTI's document (R4624-46): its staff reads the draft, writes
# and publishes it (FICHE_WRITE); the employer receives it (R4624-46) and the CSE is shown it
# (R4624-48): both read what was published (FICHE_READ), never the draft.
fiche_company = company_with(
    Permission.FICHE_WRITE,
    "La fiche d'entreprise en cours est réservée à l'équipe du service de santé au travail.",
)
fiche_reader_company = company_with(
    Permission.FICHE_READ,
    "La fiche d'entreprise est réservée à l'équipe du service de santé au travail, à "
    "l'employeur et au CSE de l'entreprise.",
)

# The company of a fiche route, once the caller is known to hold FICHE_WRITE.
FicheCompanyDep = Annotated[Company, Depends(fiche_company)]
# The company of a route reading the published fiche, the caller holding FICHE_READ.
FicheReaderCompanyDep = Annotated[Company, Depends(fiche_reader_company)]
