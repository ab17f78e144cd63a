"""Who may do what: the realm roles, the named permissions, and one table from role to both.

``ROLES`` is the single source of the platform's role → action rules. Everything else is
derived from it: the FastAPI dependencies (``require(Permission.X)`` in
``cosar_common.auth.dependencies``), ``Principal.may``, the tenant-bound and company-bound role
sets used by the token checks, and the Keycloak realm (``deploy/keycloak/generate_realm.py``
writes one realm role per entry, with its description; ``verify_realm.py`` checks a demo account
of each). Tests read it through ``roles_with`` and ``permissions_of``.

Permissions say what a route does, never who calls it; tenant isolation (row-level security,
the tenant and companies carried by the token) is a separate, additional check.

Adding a role: add a member to ``Role`` and its entry to ``ROLES`` (French description shown in
Keycloak, scope, permissions), then regenerate the realm files with
``python deploy/keycloak/generate_realm.py`` and commit them. Nothing else lists roles; the unit
test ``libs/common/tests/test_permissions.py`` fails if a role has no entry. A role acting on
companies (scope ``COMPANY``) also needs its demo accounts in ``generate_realm.demo_users``.

Standard library only: the realm generator loads this file on its own, without the platform's
dependencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum


class Role(StrEnum):
    """Realm roles (docs/architecture.md § Roles and permissions), plus the service tokens' role."""

    PLATFORM_ADMIN = "platform-admin"
    THESAURUS_EDITOR = "thesaurus-editor"
    SST_ADMIN = "sst-admin"
    SST_PREVENTER = "sst-preventer"
    SST_PHYSICIAN = "sst-physician"
    EMPLOYER = "employer"
    EMPLOYEE_REPRESENTATIVE = "employee-representative"
    REGIONAL_ANALYST = "regional-analyst"
    SERVICE_ACCOUNT = "service-account"


class Permission(StrEnum):
    """What a route does, named after it; routes ask for one of these, never for roles."""

    # assessment: companies, DUERP, fiche d'entreprise, sector library, tenant settings
    DUERP_READ = "duerp.read"  # the visible companies, a company, its published DUERP versions
    DUERP_WRITE = "duerp.write"  # edit a DUERP and its action plan, publish it, edit the company
    CSE_OPINION_RECORD = "duerp.cse-opinion.record"  # record the CSE's consultation of a version
    COMPANIES_MANAGE = "companies.manage"  # register a member company, list those to update
    FICHE_WRITE = "fiche.write"  # read, write and publish the fiche d'entreprise
    # the fiche's published versions: transmitted to the employer (R4624-46), presented to the
    # CSE (R4624-48); its draft stays the SPSTI's
    FICHE_READ = "fiche.read"
    RATING_METHOD_CHOOSE = "settings.rating-method.choose"  # the tenant's rating method
    LIBRARY_READ = "library.read"  # the regional sector library
    LIBRARY_PROPOSE = "library.propose"  # propose a typical hazard for a sector
    LIBRARY_REVIEW = "library.review"  # publish or refuse proposals (and see all of them)
    # thesaurus: shared code systems, value sets, concept maps; a tenant's local code systems
    THESAURUS_EDIT = "thesaurus.edit"  # draft, import and publish versions, value sets, maps
    THESAURUS_RETIRE = "thesaurus.retire"  # retire a published version
    LOCAL_CODES_MAP = "local-codes.map"  # import a local code system, map its codes
    LOCAL_CODES_READ = "local-codes.read"  # mapping suggestions, coverage, translation
    # reporting: establishments and their annual reports
    REPORTS_WRITE = "reports.write"
    # indicators
    INDICATORS_READ_REGION = "indicators.read.region"  # definitions, regional cells, releases
    INDICATORS_READ_TENANT = "indicators.read.tenant"  # the cells of the caller's own tenant
    INDICATORS_RELEASE = "indicators.release"  # make the next release of a year


class Scope(Enum):
    """Where a role acts; says which token claims it needs, not what it may do."""

    PLATFORM = "platform"  # a person without a tenant (region, platform operator)
    TENANT = "tenant"  # a person of one tenant (SPSTI), on all its companies
    COMPANY = "company"  # a person of one tenant, on the companies listed in the token only
    SERVICE = "service"  # a platform service's own token; never a tenant

    @property
    def in_tenant(self) -> bool:
        """A token of such a role must carry a ``tenant_id``."""
        return self in (Scope.TENANT, Scope.COMPANY)


@dataclass(frozen=True)
class RoleEntry:
    """One row of the table: the realm role's description (French), scope and permissions."""

    description: str
    scope: Scope
    permissions: frozenset[Permission]


def _entry(description: str, scope: Scope, *permissions: Permission) -> RoleEntry:
    return RoleEntry(description, scope, frozenset(permissions))


P = Permission
# What every member of an SPSTI's staff may do, whatever their role.
SPSTI_STAFF = (
    P.DUERP_READ,
    P.DUERP_WRITE,
    P.COMPANIES_MANAGE,
    P.FICHE_WRITE,
    P.FICHE_READ,
    P.LIBRARY_READ,
    P.LOCAL_CODES_READ,
    P.REPORTS_WRITE,
    P.INDICATORS_READ_REGION,
    P.INDICATORS_READ_TENANT,
)
# The table. Its order is the order of the realm roles in the generated realm files.
ROLES: Mapping[Role, RoleEntry] = {
    Role.PLATFORM_ADMIN: _entry(
        "Opérateur de la plateforme COSAR : crée les tenants, gère les droits de publication des "
        "thésaurus, voit la santé de la plateforme ; aucune donnée de tenant.",
        Scope.PLATFORM,
        P.THESAURUS_RETIRE,
        P.INDICATORS_READ_REGION,
        P.INDICATORS_RELEASE,
    ),
    Role.THESAURUS_EDITOR: _entry(
        "Comité régional des thésaurus : rédige, relit et publie les versions des thésaurus "
        "partagés.",
        Scope.PLATFORM,
        P.THESAURUS_EDIT,
        P.LIBRARY_READ,
        P.LIBRARY_REVIEW,
    ),
    Role.SST_ADMIN: _entry(
        "Administrateur d'un SPSTI : gère ses utilisateurs, ses entreprises adhérentes, ses "
        "correspondances de codes et sa méthode de cotation.",
        Scope.TENANT,
        *SPSTI_STAFF,
        P.LIBRARY_PROPOSE,
        P.LOCAL_CODES_MAP,
        P.RATING_METHOD_CHOOSE,
    ),
    Role.SST_PREVENTER: _entry(
        "Préventeur d'un SPSTI (IPRP, technicien, infirmier) : rédige les fiches d'entreprise, "
        "suit les DUERP et les plans d'action des adhérents.",
        Scope.TENANT,
        *SPSTI_STAFF,
        P.LIBRARY_PROPOSE,
    ),
    Role.SST_PHYSICIAN: _entry(
        "Médecin du travail : comme le préventeur, plus les données médicales (pathologies "
        "CIM-10).",
        Scope.TENANT,
        *SPSTI_STAFF,  # not LIBRARY_PROPOSE: proposals come from the admins and preventers
    ),
    Role.EMPLOYER: _entry(
        "Employeur d'une entreprise adhérente : rédige le DUERP, le plan d'action et le bilan "
        "annuel de sa seule entreprise ; reçoit sa fiche d'entreprise.",
        Scope.COMPANY,
        P.DUERP_READ,
        P.DUERP_WRITE,
        P.CSE_OPINION_RECORD,
        P.FICHE_READ,
        P.LIBRARY_READ,
        P.REPORTS_WRITE,
    ),
    Role.EMPLOYEE_REPRESENTATIVE: _entry(
        "Membre du CSE d'une entreprise : lit le DUERP et la fiche d'entreprise de "
        "l'entreprise et enregistre la consultation du CSE.",
        Scope.COMPANY,
        P.DUERP_READ,
        P.CSE_OPINION_RECORD,
        P.FICHE_READ,
    ),
    Role.REGIONAL_ANALYST: _entry(
        "DREETS, CARSAT, ORS, commissions du COSAR : tableaux de bord régionaux d'indicateurs "
        "anonymisés ; jamais de donnée de tenant.",
        Scope.PLATFORM,
        P.INDICATORS_READ_REGION,
    ),
    Role.SERVICE_ACCOUNT: _entry(
        "Compte de service d'un service de la plateforme (appels de service à service) ; jamais "
        "de tenant.",
        Scope.SERVICE,
    ),
}
del P


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    """Everything the holder of ``roles`` may do."""
    return frozenset().union(*(ROLES[role].permissions for role in roles))


def roles_with(permission: Permission) -> frozenset[Role]:
    """The roles granted ``permission``, e.g. for a test matrix of allowed and refused callers."""
    return frozenset(role for role, entry in ROLES.items() if permission in entry.permissions)


def roles_in(*scopes: Scope) -> frozenset[Role]:
    """The roles acting in one of ``scopes``."""
    return frozenset(role for role, entry in ROLES.items() if entry.scope in scopes)


# Roles that act inside one tenant; a token with one of them must carry a tenant_id.
TENANT_ROLES = frozenset(role for role, entry in ROLES.items() if entry.scope.in_tenant)
# Roles limited to the companies listed in the token.
COMPANY_ROLES = roles_in(Scope.COMPANY)
# The SPSTI's staff: a whole tenant.
SST_STAFF_ROLES = roles_in(Scope.TENANT)
