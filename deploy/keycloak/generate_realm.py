"""Generate the Keycloak realm ``cosar``: a demo realm and a production realm.

Run from the repository root (standard library only)::

    python deploy/keycloak/generate_realm.py

It reads the realm roles from the permission table (``libs/common/src/cosar_common/auth/
permissions.py``), the demo tenants and companies from ``deploy/demo/demo-data.json``, and writes

* ``deploy/keycloak/realm-cosar.json``: the DEMO realm (demo users, password ``demo``, fixed
  client secrets ``<service>-secret``, ``platform-cli`` password grant enabled);
* ``deploy/keycloak/realm-cosar-prod.json``: the production realm (no users but the service
  accounts, no client secret so that Keycloak generates them, ``platform-cli`` disabled, a password
  policy, the portal's URL taken from the ``COSAR_PORTAL_URL`` environment variable at import).

Both files are committed: edit this script, not the JSON, then rerun it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeAlias

Json: TypeAlias = dict[str, Any]

HERE = Path(__file__).resolve().parent
DEMO_DATA = HERE.parent / "demo" / "demo-data.json"
DEMO_REALM_FILE = HERE / "realm-cosar.json"
PROD_REALM_FILE = HERE / "realm-cosar-prod.json"
PERMISSIONS_FILE = (
    HERE.parent.parent / "libs" / "common" / "src" / "cosar_common" / "auth" / "permissions.py"
)

REALM = "cosar"
DISPLAY_NAME = "Plateforme régionale santé au travail (COSAR)"
DEMO_PASSWORD = "demo"  # noqa: S105 - demo only, never in the production realm
DEMO_EMAIL_DOMAIN = "demo.cosar.invalid"
DEMO_PORTAL_URLS = ("http://127.0.0.1:8000", "http://localhost:8000")
# Keycloak replaces ${VAR:default} placeholders from the environment when it imports a realm file.
PROD_PORTAL_URL = "${COSAR_PORTAL_URL:https://portail.cosar.invalid}"

SERVICES = ("thesaurus", "assessment", "reporting", "indicators")
TENANTS_GROUP = "tenants"


def _load_permissions() -> ModuleType:
    """``cosar_common.auth.permissions`` (standard library only), read from its file so that
    this script needs neither the platform's dependencies nor an installed workspace."""
    name = "cosar_common.auth.permissions"
    if name in sys.modules:  # imported already (tests): the same Role and Permission classes
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, PERMISSIONS_FILE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {PERMISSIONS_FILE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    from cosar_common.auth import permissions
else:
    permissions = _load_permissions()

# The realm roles and their descriptions: the permission table's roles, in its order.
REALM_ROLES: dict[str, str] = {
    role.value: entry.description for role, entry in permissions.ROLES.items()
}


def roles_of(scope: permissions.Scope) -> list[str]:
    """The realm roles of one scope of the permission table, in its order."""
    return [role.value for role, entry in permissions.ROLES.items() if entry.scope is scope]


# What the services' own accounts are granted.
SERVICE_ROLES = roles_of(permissions.Scope.SERVICE)

# Default client scopes of the end-user clients (portal, platform-cli) and of the service clients.
# "basic" gives `sub`, "profile" gives `preferred_username`, "roles" gives `realm_access.roles`.
USER_CLIENT_SCOPES = ["basic", "acr", "web-origins", "profile", "email", "roles"]
SERVICE_CLIENT_SCOPES = ["basic", "profile", "roles"]


@dataclass(frozen=True)
class DemoUser:
    """One demo account of the DEMO realm."""

    username: str
    first_name: str
    last_name: str
    role: str
    tenant_id: str | None = None
    company_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """What differs between the demo and the production realm."""

    demo: bool
    portal_urls: tuple[str, ...]
    access_token_lifespan: int
    password_policy: str | None


DEMO = Variant(
    demo=True, portal_urls=DEMO_PORTAL_URLS, access_token_lifespan=600, password_policy=None
)
PROD = Variant(
    demo=False,
    portal_urls=(PROD_PORTAL_URL,),
    access_token_lifespan=300,
    password_policy="length(12) and notUsername and notEmail",  # noqa: S106 - a policy
)

# French names of the demo accounts: (first name, last name), one row per tenant in file order.
# A role missing here still gets its accounts, under DEFAULT_NAME.
DEFAULT_NAME = ("Compte", "Démo")
REGIONAL_NAMES: dict[str, tuple[str, str]] = {
    "platform-admin": ("Paul", "Administrateur"),
    "thesaurus-editor": ("Hélène", "Lefèvre"),
    "regional-analyst": ("Mathieu", "Roux"),
}
TENANT_NAMES: dict[str, list[tuple[str, str]]] = {
    "sst-admin": [("Sophie", "Marchetti"), ("Laurent", "Giraud"), ("Nathalie", "Ferrero")],
    "sst-preventer": [("Karim", "Benali"), ("Julie", "Bonnet"), ("Antoine", "Gastaldi")],
    "sst-physician": [("Dr Anne", "Rostan"), ("Dr Marc", "Olivier"), ("Dr Inès", "Cottalorda")],
    "employee-representative": [
        ("Fatima", "Haddad"),
        ("Christophe", "Faure"),
        ("Camille", "Lambert"),
    ],
    "employer1": [("Jean", "Castel"), ("Isabelle", "Mercier"), ("Thomas", "Garnier")],
    "employer2": [("Nadia", "Sauvage"), ("Pierre", "Blanc"), ("Élodie", "Rinaldi")],
}


def load_tenants() -> list[Json]:
    """The demo tenants, each with its companies, from ``deploy/demo/demo-data.json``."""
    data: Json = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    tenants: list[Json] = data["tenants"]
    return tenants


def person(key: str, tenant_index: int) -> tuple[str, str]:
    """The French (first name, last name) of a tenant's demo account."""
    names = TENANT_NAMES.get(key, [DEFAULT_NAME])
    return names[tenant_index % len(names)]


def demo_users(tenants: list[Json]) -> list[DemoUser]:
    """One account per regional role (no tenant); per tenant, one per tenant-wide role, a CSE
    member of the first company and one employer per company."""
    users = [
        DemoUser(role, *REGIONAL_NAMES.get(role, DEFAULT_NAME), role=role)
        for role in roles_of(permissions.Scope.PLATFORM)
    ]
    for index, tenant in enumerate(tenants):
        tenant_id: str = tenant["tenant_id"]
        companies: list[Json] = tenant["companies"]
        for role in roles_of(permissions.Scope.TENANT):
            users.append(DemoUser(f"{role}@{tenant_id}", *person(role, index), role, tenant_id))
        cse = permissions.Role.EMPLOYEE_REPRESENTATIVE.value
        users.append(
            DemoUser(
                f"{cse}@{tenant_id}", *person(cse, index), cse, tenant_id, (companies[0]["id"],)
            )
        )
        for number, company in enumerate(companies, start=1):
            username = f"employer{number}@{tenant_id}"
            if company.get("employer_user", username) != username:
                raise ValueError(f"{company['name']}: employer_user is not {username}")
            first, last = person(f"employer{number}", index)
            users.append(
                DemoUser(
                    username,
                    first,
                    last,
                    permissions.Role.EMPLOYER.value,
                    tenant_id,
                    (company["id"],),
                )
            )
    return users


def user_representation(user: DemoUser) -> Json:
    """A demo user with the password ``demo`` and its tenant in a group and in an attribute."""
    attributes: dict[str, list[str]] = {}
    groups: list[str] = []
    if user.tenant_id is not None:
        attributes["tenant_id"] = [user.tenant_id]
        groups.append(f"/{TENANTS_GROUP}/{user.tenant_id}")
    if user.company_ids:
        attributes["company_ids"] = list(user.company_ids)
    return {
        "username": user.username,
        "enabled": True,
        "emailVerified": True,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": f"{user.username.replace('@', '.')}@{DEMO_EMAIL_DOMAIN}",
        "attributes": attributes,
        "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
        "requiredActions": [],
        "realmRoles": [f"default-roles-{REALM}", user.role],
        "groups": groups,
    }


def service_account_user(client_id: str) -> Json:
    """The service-account user of a service client, granted the realm role ``service-account``."""
    return {
        "username": f"service-account-{client_id}",
        "enabled": True,
        "serviceAccountClientId": client_id,
        "realmRoles": list(SERVICE_ROLES),
    }


def tenant_groups(tenants: list[Json]) -> list[Json]:
    """The top group ``tenants`` with one subgroup per tenant, named by its ``tenant_id``."""
    subgroups = [
        {
            "name": tenant["tenant_id"],
            "path": f"/{TENANTS_GROUP}/{tenant['tenant_id']}",
            "attributes": {"tenant_id": [tenant["tenant_id"]], "name": [tenant["name"]]},
            "realmRoles": [],
            "subGroups": [],
        }
        for tenant in tenants
    ]
    return [
        {
            "name": TENANTS_GROUP,
            "path": f"/{TENANTS_GROUP}",
            "attributes": {},
            "realmRoles": [],
            "subGroups": subgroups,
        }
    ]


def user_profile_component() -> Json:
    """The declarative user profile: Keycloak's default attributes plus the two COSAR ones.

    Since Keycloak 24 an attribute the user profile does not declare is dropped (unmanaged
    attributes are disabled by default). ``tenant_id`` and ``company_ids`` are declared here,
    viewable and editable by administrators only, so that they survive the import and the admin
    console, and a user can never change their own tenant or companies.
    """
    everyone = {"view": ["admin", "user"], "edit": ["admin", "user"]}
    admins_only = {"view": ["admin"], "edit": ["admin"]}
    config = {
        "attributes": [
            {
                "name": "username",
                "displayName": "${username}",
                "validations": {
                    "length": {"min": 3, "max": 255},
                    "username-prohibited-characters": {},
                    "up-username-not-idn-homograph": {},
                },
                "permissions": everyone,
                "multivalued": False,
            },
            {
                "name": "email",
                "displayName": "${email}",
                "validations": {"email": {}, "length": {"max": 255}},
                "required": {"roles": ["user"]},
                "permissions": everyone,
                "multivalued": False,
            },
            *(
                {
                    "name": attribute,
                    "displayName": f"${{{attribute}}}",
                    "validations": {
                        "length": {"max": 255},
                        "person-name-prohibited-characters": {},
                    },
                    "required": {"roles": ["user"]},
                    "permissions": everyone,
                    "multivalued": False,
                }
                for attribute in ("firstName", "lastName")
            ),
            {
                "name": "tenant_id",
                "displayName": "Tenant (SPSTI)",
                "validations": {"length": {"max": 64}},
                "permissions": admins_only,
                "multivalued": False,
                "group": "cosar",
            },
            {
                "name": "company_ids",
                "displayName": "Entreprises (identifiants)",
                "validations": {"length": {"max": 64}},
                "permissions": admins_only,
                "multivalued": True,
                "group": "cosar",
            },
        ],
        "groups": [
            {
                "name": "user-metadata",
                "displayHeader": "User metadata",
                "displayDescription": "Attributes, which refer to user metadata",
            },
            {
                "name": "cosar",
                "displayHeader": "Rattachement COSAR",
                "displayDescription": "Tenant et entreprises accessibles (modifiable par un "
                "administrateur seulement)",
            },
        ],
    }
    return {
        "providerId": "declarative-user-profile",
        "subComponents": {},
        "config": {"kc.user.profile.config": [json.dumps(config, ensure_ascii=False)]},
    }


def attribute_mapper(claim: str, *, multivalued: bool, id_token: bool) -> Json:
    """A user-attribute mapper; Keycloak falls back to the user's groups' attributes."""
    return {
        "name": claim,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "consentRequired": False,
        "config": {
            "user.attribute": claim,
            "claim.name": claim,
            "jsonType.label": "String",
            "multivalued": str(multivalued).lower(),
            "aggregate.attrs": "false",
            "access.token.claim": "true",
            "id.token.claim": str(id_token).lower(),
            "userinfo.token.claim": str(id_token).lower(),
            "introspection.token.claim": "true",
        },
    }


def audience_mapper(audience: str) -> Json:
    """Adds one service name to the access token's ``aud``."""
    return {
        "name": f"audience-{audience}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "consentRequired": False,
        "config": {
            "included.custom.audience": audience,
            "access.token.claim": "true",
            "id.token.claim": "false",
            "introspection.token.claim": "true",
        },
    }


def cosar_mappers() -> list[Json]:
    """The COSAR claims, put on every client: tenant, companies and the four service audiences.

    They sit on each client rather than in a shared client scope because a realm file that
    declares any ``clientScopes`` makes Keycloak skip creating its built-in scopes (``basic``,
    ``profile``, ``roles``...), which would then have to be copied here in full.
    """
    return [
        attribute_mapper("tenant_id", multivalued=False, id_token=True),
        attribute_mapper("company_ids", multivalued=True, id_token=False),
        *(audience_mapper(service) for service in SERVICES),
    ]


def portal_client(variant: Variant) -> Json:
    """The web portal: a confidential client (backend-for-frontend), authorization code with
    PKCE S256 only, exact redirect URIs, RP-initiated and back-channel logout."""
    client: Json = {
        "clientId": "portal",
        "name": "Portail COSAR",
        "description": "Portail web : client confidentiel, code d'autorisation + PKCE S256.",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "standardFlowEnabled": True,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "serviceAccountsEnabled": False,
        "frontchannelLogout": False,
        "fullScopeAllowed": True,
        "rootUrl": variant.portal_urls[0],
        "baseUrl": "/",
        "redirectUris": [f"{url}/auth/callback" for url in variant.portal_urls],
        "webOrigins": list(variant.portal_urls),
        "attributes": {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": "##".join(f"{url}/" for url in variant.portal_urls),
            "backchannel.logout.url": f"{variant.portal_urls[0]}/auth/backchannel-logout",
            "backchannel.logout.session.required": "true",
            "backchannel.logout.revoke.offline.tokens": "false",
        },
        "protocolMappers": cosar_mappers(),
        "defaultClientScopes": USER_CLIENT_SCOPES,
        "optionalClientScopes": [],
    }
    if variant.demo:
        # Demo only! In production Keycloak generates the secret; the operator gives it to the
        # portal (PORTAL_CLIENT_SECRET).
        client["secret"] = "portal-secret"  # noqa: S105 - the demo realm's published secret
    return client


def cli_client(variant: Variant) -> Json:
    """``platform-cli``: password grant for demos and tests; disabled in production."""
    return {
        "clientId": "platform-cli",
        "name": "CLI de la plateforme (démo et tests)",
        "description": "Pour la démo et les tests uniquement : grant « password » (direct access "
        "grants). Désactivé en production.",
        "enabled": variant.demo,
        "protocol": "openid-connect",
        "publicClient": True,
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": variant.demo,
        "serviceAccountsEnabled": False,
        "fullScopeAllowed": True,
        "redirectUris": [],
        "webOrigins": [],
        "attributes": {},
        "protocolMappers": cosar_mappers(),
        "defaultClientScopes": USER_CLIENT_SCOPES,
        "optionalClientScopes": [],
    }


def service_client(client_id: str, variant: Variant) -> Json:
    """A back-end service: confidential, client-credentials grant only (service account)."""
    client: Json = {
        "clientId": client_id,
        "name": f"Service {client_id}",
        "description": f"Service {client_id} : jetons de service (client credentials).",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "bearerOnly": False,
        "clientAuthenticatorType": "client-secret",
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "serviceAccountsEnabled": True,
        "fullScopeAllowed": True,
        "redirectUris": [],
        "webOrigins": [],
        "attributes": {},
        "protocolMappers": cosar_mappers(),
        "defaultClientScopes": SERVICE_CLIENT_SCOPES,
        "optionalClientScopes": [],
    }
    if variant.demo:
        # Demo only! In production the secret is generated by Keycloak and injected by the operator.
        client["secret"] = f"{client_id}-secret"
    return client


def realm(variant: Variant, tenants: list[Json]) -> Json:
    """The whole realm representation, as ``kc.sh --import-realm`` reads it."""
    users = [user_representation(user) for user in demo_users(tenants)] if variant.demo else []
    users += [service_account_user(service) for service in SERVICES]
    representation: Json = {
        "realm": REALM,
        "displayName": DISPLAY_NAME,
        "enabled": True,
        "sslRequired": "external",
        "internationalizationEnabled": True,
        "supportedLocales": ["fr"],
        "defaultLocale": "fr",
        "registrationAllowed": False,
        "loginWithEmailAllowed": True,
        "duplicateEmailsAllowed": False,
        "resetPasswordAllowed": False,
        "editUsernameAllowed": False,
        "rememberMe": False,
        "accessTokenLifespan": variant.access_token_lifespan,
        "bruteForceProtected": True,
        "permanentLockout": False,
        "failureFactor": 30 if variant.demo else 10,
        "waitIncrementSeconds": 60,
        "maxFailureWaitSeconds": 900,
        "minimumQuickLoginWaitSeconds": 60,
        "quickLoginCheckMilliSeconds": 1000,
        "maxDeltaTimeSeconds": 43200,
        "roles": {
            "realm": [
                {"name": name, "description": description, "composite": False}
                for name, description in REALM_ROLES.items()
            ]
        },
        "groups": tenant_groups(tenants if variant.demo else []),
        "clients": [
            portal_client(variant),
            cli_client(variant),
            *(service_client(service, variant) for service in SERVICES),
        ],
        "users": users,
        "components": {"org.keycloak.userprofile.UserProfileProvider": [user_profile_component()]},
    }
    if variant.password_policy:
        representation["passwordPolicy"] = variant.password_policy
    return representation


def write(path: Path, representation: Json) -> None:
    """Write a realm file: stable key order, UTF-8, a trailing newline (diff-friendly)."""
    text = json.dumps(representation, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent.parent)}")


def main() -> None:
    tenants = load_tenants()
    write(DEMO_REALM_FILE, realm(DEMO, tenants))
    write(PROD_REALM_FILE, realm(PROD, tenants))


if __name__ == "__main__":
    main()
