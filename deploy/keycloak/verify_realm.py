"""Check a running Keycloak against what the COSAR services expect of the realm ``cosar``.

Standard library only. Run it against the launcher's Keycloak (demo realm)::

    python deploy/keycloak/verify_realm.py --url http://127.0.0.1:8080

or against a Keycloak that imported ``realm-cosar-prod.json``::

    python deploy/keycloak/verify_realm.py --url https://sso.example --prod

The demo checks log in one demo account of every role of the permission table
(``cosar_common.auth.permissions.ROLES``, read through ``generate_realm.py``), so a new role is
checked without editing this file. Each check prints ``PASS`` or ``FAIL``; the exit status is 1
if any check failed. Tokens are
decoded without verifying their signature: this is a structural check of the claims, the services
verify signatures against the realm's JWKS.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import re
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.message import Message
from typing import Any, TypeAlias

from generate_realm import (
    DEMO_PASSWORD,
    REALM,
    SERVICE_ROLES,
    SERVICES,
    DemoUser,
    demo_users,
    load_tenants,
    permissions,
)

Json: TypeAlias = dict[str, Any]

PORTAL_REDIRECT = "http://127.0.0.1:8000/auth/callback"
PORTAL_DEMO_SECRET = "portal-secret"  # noqa: S105 - the demo realm's published secret


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let a 302 reach the caller instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Realm:
    """The few OIDC endpoints of the realm that the checks use."""

    def __init__(self, base_url: str) -> None:
        self.issuer = f"{base_url.rstrip('/')}/realms/{REALM}"
        self.oidc = f"{self.issuer}/protocol/openid-connect"

    def request(
        self,
        url: str,
        form: dict[str, str] | None = None,
        bearer: str | None = None,
        cookies: str | None = None,
    ) -> tuple[int, Message, str]:
        """GET (or POST a form) without following redirects: status, headers, body."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        if cookies:
            headers["Cookie"] = cookies
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        try:
            with OPENER.open(request, timeout=15) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def token(self, form: dict[str, str]) -> tuple[int, Json]:
        status, _, body = self.request(f"{self.oidc}/token", form)
        try:
            return status, json.loads(body)
        except json.JSONDecodeError:
            return status, {"raw": body}

    def password_grant(self, client_id: str, username: str, password: str) -> tuple[int, Json]:
        return self.token(
            {
                "grant_type": "password",
                "client_id": client_id,
                "username": username,
                "password": password,
                "scope": "openid",
            }
        )

    def client_credentials(self, client_id: str, secret: str) -> tuple[int, Json]:
        return self.token(
            {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        )


def claims(jwt: str) -> Json:
    """The payload of a JWT, decoded without verifying the signature."""
    payload = jwt.split(".")[1]
    decoded: Json = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def audiences(token: Json) -> set[str]:
    aud = token.get("aud", [])
    return {aud} if isinstance(aud, str) else set(aud)


def roles(token: Json) -> set[str]:
    return set(token.get("realm_access", {}).get("roles", []))


class Checks:
    """Runs named checks, prints each result and remembers whether one failed."""

    def __init__(self) -> None:
        self.failed = 0

    def check(self, name: str, condition: Callable[[], bool], detail: object = "") -> bool:
        try:
            ok = condition()
        except Exception as error:  # a missing claim is a failed check, not a crash
            ok, detail = False, f"{type(error).__name__}: {error} {detail}"
        print(f"{'PASS' if ok else 'FAIL'}  {name}" + ("" if ok or not detail else f"  ({detail})"))
        self.failed += not ok
        return ok


def check_discovery(realm: Realm, checks: Checks) -> None:
    status, _, body = realm.request(f"{realm.issuer}/.well-known/openid-configuration")
    issuer = json.loads(body).get("issuer") if status == 200 else None
    checks.check("discovery: issuer is the realm URL", lambda: issuer == realm.issuer, issuer)


def check_user(
    realm: Realm,
    checks: Checks,
    username: str,
    role: str,
    tenant_id: str | None,
    company_ids: list[str] | None,
) -> None:
    """Password grant through platform-cli, then the claims the services rely on."""
    status, body = realm.password_grant("platform-cli", username, DEMO_PASSWORD)
    name = f"{username}: password grant via platform-cli"
    if not checks.check(name, lambda: status == 200, body):
        return
    access, id_token = claims(body["access_token"]), claims(body["id_token"])
    detail = json.dumps(access, ensure_ascii=False)
    checks.check(f"{username}: iss", lambda: access["iss"] == realm.issuer, access.get("iss"))
    checks.check(
        f"{username}: preferred_username",
        lambda: access["preferred_username"] == username,
        access.get("preferred_username"),
    )
    checks.check(f"{username}: realm role {role}", lambda: role in roles(access), roles(access))
    checks.check(
        f"{username}: aud contains the four services",
        lambda: audiences(access) >= set(SERVICES),
        audiences(access),
    )
    if tenant_id is None:
        checks.check(f"{username}: no tenant_id", lambda: "tenant_id" not in access, detail)
    else:
        checks.check(
            f"{username}: tenant_id == {tenant_id} (access token)",
            lambda: access["tenant_id"] == tenant_id,
            detail,
        )
        checks.check(
            f"{username}: tenant_id in the id token",
            lambda: id_token["tenant_id"] == tenant_id,
            id_token.get("tenant_id"),
        )
    if company_ids is None:
        checks.check(
            f"{username}: no company_ids",
            lambda: access.get("company_ids") in (None, []),
            access.get("company_ids"),
        )
    else:
        checks.check(
            f"{username}: company_ids == {company_ids} (a JSON list)",
            lambda: access["company_ids"] == company_ids,
            access.get("company_ids"),
        )


def check_userinfo(realm: Realm, checks: Checks) -> None:
    username = "employer1@sst-13-marseille"
    _, body = realm.password_grant("platform-cli", username, DEMO_PASSWORD)
    status, _, info = realm.request(f"{realm.oidc}/userinfo", bearer=body.get("access_token"))
    userinfo = json.loads(info) if status == 200 else {}
    checks.check(
        f"{username}: userinfo has tenant_id",
        lambda: userinfo["tenant_id"] == "sst-13-marseille",
        info,
    )


def check_service(realm: Realm, checks: Checks, client_id: str) -> None:
    status, body = realm.client_credentials(client_id, f"{client_id}-secret")
    name = f"service {client_id}"
    if not checks.check(f"{name}: client-credentials grant", lambda: status == 200, body):
        return
    access = claims(body["access_token"])
    checks.check(
        f"{name}: realm roles {SERVICE_ROLES}",
        lambda: roles(access) >= set(SERVICE_ROLES),
        roles(access),
    )
    checks.check(
        f"{name}: aud contains the four services",
        lambda: audiences(access) >= set(SERVICES),
        audiences(access),
    )
    checks.check(f"{name}: no tenant_id", lambda: "tenant_id" not in access, access)
    checks.check(f"{name}: iss", lambda: access["iss"] == realm.issuer, access.get("iss"))


def check_portal(realm: Realm, checks: Checks) -> None:
    """The portal uses the authorization code flow with PKCE S256, nothing else."""
    status, body = realm.password_grant("portal", "employer1@sst-13-marseille", DEMO_PASSWORD)
    checks.check(
        "portal: password grant refused",
        lambda: status in (400, 401) and "access_token" not in body,
        body,
    )
    query = {
        "client_id": "portal",
        "response_type": "code",
        "redirect_uri": PORTAL_REDIRECT,
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
    }
    status, _, page = realm.request(
        f"{realm.oidc}/auth?"
        + urllib.parse.urlencode(query | {"redirect_uri": PORTAL_REDIRECT + "x"})
    )
    checks.check(
        "portal: a redirect URI other than the exact callback is refused",
        lambda: status == 400 and "kc-form-login" not in page,
        status,
    )
    status, headers, _ = realm.request(f"{realm.oidc}/auth?{urllib.parse.urlencode(query)}")
    location = urllib.parse.unquote_plus(headers.get("Location", ""))
    checks.check(
        "portal: authorization request without code_challenge is refused",
        lambda: status in (302, 303) and "error=" in location and "code_challenge" in location,
        f"{status} {location}",
    )
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query |= {"code_challenge": challenge.decode().rstrip("="), "code_challenge_method": "S256"}
    status, _, page = realm.request(f"{realm.oidc}/auth?{urllib.parse.urlencode(query)}")
    checks.check(
        "portal: authorization request with PKCE S256 shows the login page",
        lambda: status == 200 and "kc-form-login" in page,
        status,
    )
    query["code_challenge_method"] = "plain"
    status, headers, _ = realm.request(f"{realm.oidc}/auth?{urllib.parse.urlencode(query)}")
    checks.check(
        "portal: PKCE method plain is refused",
        lambda: "error=" in headers.get("Location", ""),
        f"{status} {headers.get('Location')}",
    )


def check_portal_login(realm: Realm, checks: Checks) -> None:
    """A whole authorization-code + PKCE login of the portal, the login form posted by hand."""
    username = "employer1@sst-13-marseille"
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "client_id": "portal",
        "response_type": "code",
        "redirect_uri": PORTAL_REDIRECT,
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
        "code_challenge": challenge.decode().rstrip("="),
        "code_challenge_method": "S256",
    }
    _, headers, page = realm.request(f"{realm.oidc}/auth?{urllib.parse.urlencode(query)}")
    # Keycloak's cookies are "Secure": urllib's cookie jar would not send them back over http.
    cookies = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie", []))
    form_action = re.search(r'action="([^"]+)"', page)
    action = html.unescape(form_action.group(1)) if form_action else f"{realm.oidc}/auth"
    login = {"username": username, "password": DEMO_PASSWORD, "credentialId": ""}
    status, headers, _ = realm.request(action, login, cookies=cookies)
    location = urllib.parse.urlparse(headers.get("Location", ""))
    code = urllib.parse.parse_qs(location.query).get("code", [""])[0]
    if not checks.check(f"portal: {username} logs in (code returned)", lambda: bool(code), status):
        return
    exchange = {
        "grant_type": "authorization_code",
        "client_id": "portal",
        "code": code,
        "redirect_uri": PORTAL_REDIRECT,
        "code_verifier": verifier,
    }
    status, body = realm.token(exchange)
    checks.check(
        "portal: confidential, a code without the client secret gives no token",
        lambda: status in (400, 401) and "access_token" not in body,
        body,
    )
    status, body = realm.token(exchange | {"client_secret": PORTAL_DEMO_SECRET})
    access = claims(body["access_token"]) if status == 200 else {}
    checks.check(
        "portal: code + verifier give a token with tenant_id and the four audiences",
        lambda: access["tenant_id"] == "sst-13-marseille" and audiences(access) >= set(SERVICES),
        body,
    )


def check_role(
    realm: Realm, checks: Checks, role: str, in_tenant: bool, user: DemoUser | None
) -> None:
    """A demo account of ``role`` logs in with it, and a tenant exactly when the role acts in
    one (tenant-wide or company roles), and its companies."""
    if user is None:
        checks.check(f"role {role}: a demo account holds it", lambda: False, "none generated")
        return
    checks.check(
        f"role {role}: {user.username} has a tenant exactly when the role acts in one",
        lambda: (user.tenant_id is not None) == in_tenant,
        user.tenant_id,
    )
    companies = list(user.company_ids) or None
    check_user(realm, checks, user.username, role, user.tenant_id, companies)


def check_every_role(realm: Realm, checks: Checks) -> None:
    """The first demo account of every person's role of the permission table."""
    first: dict[str, DemoUser] = {}
    for user in demo_users(load_tenants()):
        first.setdefault(user.role, user)
    for role, entry in permissions.ROLES.items():
        if entry.scope is not permissions.Scope.SERVICE:  # services: check_service
            check_role(realm, checks, role.value, entry.scope.in_tenant, first.get(role.value))


def verify_demo(realm: Realm, checks: Checks) -> None:
    check_discovery(realm, checks)
    check_every_role(realm, checks)
    # Tenant-wide accounts of the other tenants.
    check_user(realm, checks, "sst-admin@sst-83-toulon", "sst-admin", "sst-83-toulon", None)
    check_user(realm, checks, "sst-physician@sst-06-nice", "sst-physician", "sst-06-nice", None)
    check_userinfo(realm, checks)
    status, body = realm.password_grant("platform-cli", "employer1@sst-13-marseille", "wrong")
    checks.check("wrong password refused", lambda: status == 401, body)
    for service in SERVICES:
        check_service(realm, checks, service)
    check_portal(realm, checks)
    check_portal_login(realm, checks)


def verify_prod(realm: Realm, checks: Checks) -> None:
    check_discovery(realm, checks)
    status, body = realm.password_grant("platform-cli", "employer1@sst-13-marseille", "demo")
    checks.check(
        "prod: platform-cli password grant refused",
        lambda: status in (400, 401) and "access_token" not in body,
        body,
    )
    status, body = realm.client_credentials("assessment", "assessment-secret")
    checks.check(
        "prod: no demo client secret (assessment-secret refused)",
        lambda: status in (400, 401) and "access_token" not in body,
        body,
    )
    status, body = realm.password_grant("portal", "employer1@sst-13-marseille", "demo")
    checks.check("prod: portal password grant refused", lambda: status in (400, 401), body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="Keycloak base URL")
    parser.add_argument("--prod", action="store_true", help="check the production realm instead")
    args = parser.parse_args(argv)
    realm, checks = Realm(args.url), Checks()
    print(f"Checking realm {realm.issuer} ({'production' if args.prod else 'demo'})")
    (verify_prod if args.prod else verify_demo)(realm, checks)
    print(f"{checks.failed} check(s) failed" if checks.failed else "all checks passed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
