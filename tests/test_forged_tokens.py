"""Forged and odd access tokens against every service's API, on the real Keycloak.

Each forgery changes one thing in a token the services would otherwise accept, and each must
get the same 401: JSON, ``WWW-Authenticate: Bearer``, and a message that does not say which
check refused it.

So that each forgery is refused by the check it aims at, and not by a bad signature, the test
imports a signing key of its own into the realm, as a passive key (published in the realm's
keys, never used by Keycloak to sign), the way an operator adds a key before a rotation. A
token signed with it and the right claims is the **control**: every service accepts it, so
the same request failing with one claim changed shows that check, and nothing else, at work.
The key is removed at the end.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from cosar_common.auth.jwks import JwksCache
from tests.assessment_client import auth
from tests.conftest import eventually, keycloak_admin_token

PREVENTER = "sst-preventer@sst-13-marseille"
ANALYST = "regional-analyst"

# Each service, a route every authenticated caller of the role reads, and that role.
SERVICES = {
    "thesaurus": ("/code-systems", PREVENTER),
    "assessment": ("/companies", PREVENTER),
    "reporting": ("/establishments", PREVENTER),
    "indicators": ("/indicators", ANALYST),
}

# What a refusal may say: nothing about the check, the key, the issuer or the audience.
ANSWERS = {"invalid_token": "Jeton invalide.", "token_expired": "Jeton expiré."}
HINTS = ("kid", "alg", "RS256", "HS256", "none", "iss", "aud", "realms", "cosar", "signature")


@dataclass(frozen=True)
class TrustedKey:
    """A private key whose public half the realm publishes (``kid``), held by the test."""

    private: RSAPrivateKey
    kid: str

    def sign(self, claims: dict[str, Any], **headers: Any) -> str:
        return jwt.encode(
            claims, self.private, algorithm="RS256", headers={"kid": self.kid, **headers}
        )


def _n(jwk: dict[str, Any]) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)), "big")


def _certs_url(infra: Any) -> str:
    return f"{infra.keycloak_url}/realms/{infra.keycloak_realm}/protocol/openid-connect/certs"


@pytest.fixture(scope="module")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
async def trusted_key(infra, http: httpx.AsyncClient) -> AsyncIterator[TrustedKey]:
    admin = {"Authorization": f"Bearer {await keycloak_admin_token(infra, http)}"}
    realm_url = f"{infra.keycloak_url}/admin/realms/{infra.keycloak_realm}"
    realm_id = (await http.get(realm_url, headers=admin)).json()["id"]
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    created = await http.post(
        f"{realm_url}/components",
        headers=admin,
        json={
            "name": f"forged-token-test-{uuid.uuid4().hex[:8]}",
            "providerId": "rsa",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            "config": {
                "privateKey": [pem],
                "active": ["false"],  # published for verification, never used to sign
                "enabled": ["true"],
                "priority": ["-100"],
                "algorithm": ["RS256"],
            },
        },
    )
    assert created.status_code == 201, created.text
    component = created.headers["location"]
    try:
        keys = (await http.get(_certs_url(infra))).json()["keys"]
        ours = [
            k
            for k in keys
            if k.get("kty") == "RSA" and _n(k) == private.public_key().public_numbers().n
        ]
        assert len(ours) == 1, "the realm does not publish the imported key"
        yield TrustedKey(private, ours[0]["kid"])
    finally:
        await http.delete(component, headers=admin)


@pytest.fixture(scope="module")
async def services(thesaurus_service, assessment_service, reporting_service, indicators_service):
    return {
        "thesaurus": thesaurus_service,
        "assessment": assessment_service,
        "reporting": reporting_service,
        "indicators": indicators_service,
    }


def _claims(genuine: str, **changes: Any) -> dict[str, Any]:
    """The claims of a genuine token, made fresh, with ``changes`` (None removes a claim)."""
    claims = jwt.decode(genuine, options={"verify_signature": False})
    now = int(time.time())
    claims.update({"iat": now, "exp": now + 300, "jti": str(uuid.uuid4())})
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _edited(token: str, **changes: Any) -> str:
    """``token`` with its payload edited after signing, the signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return ".".join((header, _b64(json.dumps(claims).encode()), signature))


def _unsigned(claims: dict[str, Any], kid: str) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": kid}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."


def _hs256_with_public_key(claims: dict[str, Any], public_pem: bytes, kid: str) -> str:
    """The classic key-confusion forgery: HMAC keyed with the realm's *public* key. PyJWT
    refuses to build it (it is that well known), so it is built by hand."""
    import hashlib
    import hmac

    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = _b64(json.dumps(claims).encode())
    mac = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(mac)}"


async def _get(service: Any, path: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=service.url, timeout=20) as client:
        return await client.get(path, headers=auth(token))


def assert_refused(response: httpx.Response, *, code: str = "invalid_token") -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body == {"code": code, "message": ANSWERS[code]}
    for hint in HINTS:
        assert hint.lower() not in response.text.lower(), hint


@pytest.fixture(scope="module")
async def forge(infra, http, trusted_key, token_for, services) -> Callable[..., Any]:
    """Tokens per service user: the genuine one, the control, and a builder for forgeries."""
    keys = (await http.get(_certs_url(infra))).json()["keys"]
    realm_key = next(
        k
        for k in keys
        if k.get("use") == "sig" and k.get("alg") == "RS256" and k["kid"] != trusted_key.kid
    )
    realm_public_pem = jwt.algorithms.RSAAlgorithm.from_jwk(realm_key).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    genuine = {user: await token_for(user) for user in {user for _, user in SERVICES.values()}}

    # The services fetched the realm's keys before the key was imported: the first token signed
    # with it makes each refresh once (at most once per 10 s, so this may take that long).
    for name, (path, user) in SERVICES.items():
        control = trusted_key.sign(_claims(genuine[user]))

        async def accepted(
            service: Any = services[name], path: str = path, token: str = control
        ) -> bool:
            return (await _get(service, path, token)).status_code == 200

        await eventually(accepted, timeout=30, interval=1)

    def build(name: str, kind: str) -> str:
        user = SERVICES[name][1]
        token = genuine[user]
        now = int(time.time())
        sign = trusted_key.sign
        forgeries: dict[str, Callable[[], str]] = {
            "control": lambda: sign(_claims(token)),
            "alg none": lambda: _unsigned(_claims(token), trusted_key.kid),
            "HS256 keyed with the realm's public key": lambda: _hs256_with_public_key(
                _claims(token), realm_public_pem, realm_key["kid"]
            ),
            "wrong issuer": lambda: sign(
                _claims(token, iss=f"{infra.keycloak_url}/realms/{infra.keycloak_realm}-copie")
            ),
            "wrong audience": lambda: sign(_claims(token, aud=["account", "un-autre-service"])),
            "no audience": lambda: sign(_claims(token, aud=None)),
            "expired": lambda: sign(_claims(token, iat=now - 900, exp=now - 60)),
            "not yet valid (nbf)": lambda: sign(_claims(token, nbf=now + 600)),
            "issued in the future (iat)": lambda: sign(
                _claims(token, iat=now + 600, exp=now + 900)
            ),
            "no expiry": lambda: sign(_claims(token, exp=None)),
            "unknown kid": lambda: jwt.encode(
                _claims(token),
                rsa.generate_private_key(public_exponent=65537, key_size=2048),
                algorithm="RS256",
                headers={"kid": f"inconnue-{uuid.uuid4().hex}"},
            ),
            "foreign key under the realm's kid": lambda: jwt.encode(
                _claims(token),
                rsa.generate_private_key(public_exponent=65537, key_size=2048),
                algorithm="RS256",
                headers={"kid": realm_key["kid"]},
            ),
            "tenant_id edited after Keycloak signed": lambda: _edited(
                token, tenant_id="sst-83-toulon"
            ),
            "roles edited after signing": lambda: _edited(
                sign(_claims(token)), realm_access={"roles": ["platform-admin"]}
            ),
        }
        return forgeries[kind]()

    build.genuine = genuine  # type: ignore[attr-defined]
    return build


FORGERIES = [
    "alg none",
    "HS256 keyed with the realm's public key",
    "wrong issuer",
    "wrong audience",
    "no audience",
    "not yet valid (nbf)",
    "issued in the future (iat)",
    "no expiry",
    "unknown kid",
    "foreign key under the realm's kid",
    "tenant_id edited after Keycloak signed",
    "roles edited after signing",
]


@pytest.mark.parametrize("name", SERVICES)
async def test_the_genuine_token_and_the_control_are_accepted(name, services, forge):
    """What makes the refusals below meaningful: without the one change, the request passes."""
    path, user = SERVICES[name]
    assert (await _get(services[name], path, forge.genuine[user])).status_code == 200
    assert (await _get(services[name], path, forge(name, "control"))).status_code == 200


@pytest.mark.parametrize("kind", FORGERIES)
@pytest.mark.parametrize("name", SERVICES)
async def test_a_forged_token_gets_a_plain_401(name, kind, services, forge):
    path, _ = SERVICES[name]
    assert_refused(await _get(services[name], path, forge(name, kind)))


@pytest.mark.parametrize("name", SERVICES)
async def test_an_expired_token_says_so_and_nothing_more(name, services, forge):
    path, _ = SERVICES[name]
    assert_refused(await _get(services[name], path, forge(name, "expired")), code="token_expired")


@pytest.mark.parametrize("name", SERVICES)
async def test_a_token_of_another_realm_gets_a_plain_401(name, infra, http, services):
    """The Keycloak administrator's own token (realm ``master``): another issuer, other keys."""
    path, _ = SERVICES[name]
    assert_refused(await _get(services[name], path, await keycloak_admin_token(infra, http)))


async def test_unknown_kids_refresh_the_keys_once_then_get_401(services, forge, monkeypatch):
    """A flood of tokens naming keys the realm does not have fetches the realm's keys once,
    not once per token (Keycloak is not hammered), and each still gets its 401."""
    service = services["assessment"]
    jwks: JwksCache = service.app.state.token_verifier._jwks
    fetches = 0
    refresh = jwks._refresh

    async def counted() -> None:
        nonlocal fetches
        fetches += 1
        await refresh()

    monkeypatch.setattr(jwks, "_refresh", counted)
    monkeypatch.setattr(jwks, "_fetched_at", 0.0)  # as if the last fetch were long ago
    for _ in range(5):
        assert_refused(
            await _get(service, SERVICES["assessment"][0], forge("assessment", "unknown kid"))
        )
    assert fetches == 1
    # The genuine token still passes with the refreshed keys.
    genuine = forge.genuine[SERVICES["assessment"][1]]
    assert (await _get(service, SERVICES["assessment"][0], genuine)).status_code == 200


# The forgeries that a signature, issuer, audience or time check refuses once the token's
# header has passed (algorithm and key id): with those checks off, the service must let them in.
CHECKED_IN_DECODE = [
    "wrong issuer",
    "wrong audience",
    "no audience",
    "expired",
    "not yet valid (nbf)",
    "issued in the future (iat)",
    "foreign key under the realm's kid",
    "tenant_id edited after Keycloak signed",
    "roles edited after signing",
]


async def test_with_the_checks_switched_off_the_same_forgeries_get_in(services, forge, monkeypatch):
    """The tests above can fail: the same requests, with the token's signature and claims no
    longer checked, are let in (the edited tenant reads Toulon's companies)."""
    decode = jwt.decode

    def unchecked(token: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return dict(decode(token, options={"verify_signature": False}))

    monkeypatch.setattr("cosar_common.auth.jwks.jwt.decode", unchecked)
    # What gets in now is remembered as verified: into a cache of this test's own.
    monkeypatch.setattr(services["assessment"].app.state.token_verifier, "_verified", {})
    path = SERVICES["assessment"][0]
    answers = {
        kind: await _get(services["assessment"], path, forge("assessment", kind))
        for kind in CHECKED_IN_DECODE
    }
    # Taken for genuine: what happens next is the forged claims' (the forged admin holds
    # no tenant role and reads no company list; the edited tenant reads Toulon's).
    let_in = [kind for kind, answer in answers.items() if answer.status_code != 401]
    assert let_in == CHECKED_IN_DECODE
    assert answers["tenant_id edited after Keycloak signed"].status_code == 200
