"""The verifier against locally generated keys (a fake issuer is fine in a unit test; the
cross-service tests use the real Keycloak)."""

import json
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from cosar_common.auth.jwks import JwksCache, TokenVerifier
from cosar_common.errors import NotAuthenticated

pytestmark = pytest.mark.unit

ISSUER = "http://idp.test/realms/cosar"


def _key(kid: str):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    public_jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    return private, public_jwk


def _token(private, kid: str, **overrides) -> str:
    now = int(time.time())
    claims = {"sub": "u1", "iss": ISSUER, "aud": ["thesaurus"], "iat": now, "exp": now + 60}
    claims.update(overrides)
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


class _Jwks:
    def __init__(self, keys):
        self.keys = keys
        self.calls = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return httpx.Response(200, json={"keys": self.keys})


@pytest.fixture
def setup():
    private, public = _key("k1")
    server = _Jwks([public])
    http = httpx.AsyncClient(transport=httpx.MockTransport(server.handler))
    cache = JwksCache("http://idp.test/certs", http=http, min_refresh_interval_s=0)
    verifier = TokenVerifier(jwks=cache, issuer=ISSUER, audience="thesaurus")
    return private, server, verifier


async def test_valid_token_is_accepted(setup):
    private, _, verifier = setup
    claims = await verifier.verify(_token(private, "k1"))
    assert claims["sub"] == "u1"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"exp": int(time.time()) - 120}, "token_expired"),
        ({"aud": ["assessment"]}, "invalid_token"),
        ({"iss": "http://evil.test/realms/cosar"}, "invalid_token"),
    ],
)
async def test_bad_claims_are_refused(setup, overrides, code):
    private, _, verifier = setup
    with pytest.raises(NotAuthenticated) as caught:
        await verifier.verify(_token(private, "k1", **overrides))
    assert caught.value.code == code


async def test_token_signed_by_foreign_key_with_known_kid_is_refused(setup):
    _, _, verifier = setup
    foreign, _ = _key("k1")  # same kid, different key: signature must fail
    with pytest.raises(NotAuthenticated):
        await verifier.verify(_token(foreign, "k1"))


async def test_unknown_kid_refreshes_keys_once_then_accepts_rotated_key(setup):
    private, server, verifier = setup
    await verifier.verify(_token(private, "k1"))
    rotated, rotated_public = _key("k2")
    server.keys.append(rotated_public)
    claims = await verifier.verify(_token(rotated, "k2"))
    assert claims["sub"] == "u1"
    assert server.calls == 2  # initial fetch + one refresh for the unknown kid


async def test_garbage_and_alg_none_are_refused(setup):
    _, _, verifier = setup
    with pytest.raises(NotAuthenticated):
        await verifier.verify("not.a.jwt")
    unsigned = jwt.encode(
        {"sub": "u1", "iss": ISSUER, "aud": "thesaurus"}, key=None, algorithm="none"
    )
    with pytest.raises(NotAuthenticated):
        await verifier.verify(unsigned)


@pytest.fixture
def strict():
    """A verifier without leeway, to see a remembered token expire on time."""
    private, public = _key("k1")
    http = httpx.AsyncClient(transport=httpx.MockTransport(_Jwks([public]).handler))
    cache = JwksCache("http://idp.test/certs", http=http, min_refresh_interval_s=0)
    return private, TokenVerifier(jwks=cache, issuer=ISSUER, audience="thesaurus", leeway_s=0)


async def test_a_token_seen_again_is_not_verified_again(strict, monkeypatch):
    private, verifier = strict
    token = _token(private, "k1")
    first = await verifier.verify(token)
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: pytest.fail("verified twice"))
    assert await verifier.verify(token) == first


async def test_a_remembered_token_still_expires(strict):
    import asyncio

    private, verifier = strict
    # ``exp`` is whole seconds: two seconds ahead leaves at least one full second to verify
    # the token while it is valid, whatever the fraction of the second we start at.
    exp = int(time.time()) + 2
    token = _token(private, "k1", exp=exp)
    await verifier.verify(token)
    # The event loop's clock is monotonic, the token's is the wall clock: sleep past ``exp``
    # with a margin, then check the wall clock really is past it.
    await asyncio.sleep(exp - time.time() + 0.2)
    assert time.time() > exp
    with pytest.raises(NotAuthenticated) as caught:
        await verifier.verify(token)
    assert caught.value.code == "token_expired"


async def test_a_forged_token_is_never_answered_from_the_cache(strict):
    private, verifier = strict
    token = _token(private, "k1")
    await verifier.verify(token)
    header, payload, signature = token.split(".")
    with pytest.raises(NotAuthenticated):
        await verifier.verify(f"{header}.{payload}.{signature[:-4]}AAAA")
