"""Portal benchmark: the DUERP editor's pages and a risk save, beside the API calls they make.

Issue 14. With the demo companies loaded and people logged in to the portal as a browser does
(authorization code + PKCE through Keycloak's own login form, a cookie jar per person), measures
at 1 and 10 concurrent clients (10 people, each with a portal session of their own):

- (a) the DUERP editor of a company with 8 work units x 12 risks: the company page
  (``/entreprises/{id}``) and a work unit's page;
- (b) saving a risk's new rating: the POST of the risk page's form (``csrf_token``,
  ``lock_version``, the criteria), answered by a 303 back to the unit's page (not followed);
- (c) the page of the published versions (a few versions are published beforehand);

and, in the same run, the assessment API calls each page handler makes, called directly with
the same access token (the one the portal keeps in its session), concurrently where the handler
gathers them; then the ratio portal / API. The time is the response time measured by the client
(request sent to last byte read, on the same machine: HTTP, the portal's session, templates,
its calls), plus the portal's ``Server-Timing`` when it sends one. Saves at 10 clients of the
one company meet the DUERP's optimistic lock: a refused save (409) is counted, not timed, and
done again with the new ``lock_version``.

The company, its DUERP and a bench employer of its own (``bench-employer@sst-13-marseille``,
in Keycloak through the admin API) are made the first time through the services' APIs, then
reused. Prints figures only: nothing passes or fails. Its infrastructure (state in
~/.local/state/cosar-platform-bench, PostgreSQL on 35432, Kafka on 39092, Keycloak on 38080)
never touches the demo data or the tests'.

    uv run python bench/portal_bench.py [--requests 300] [--tiny]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import json
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cosar_deploy import bench

bench.use_bench_infrastructure()

import asyncpg
import httpx
from stdnum import luhn

from cosar_deploy.endpoints import Endpoints

SERVICES = ("thesaurus", "assessment", "reporting", "indicators", "portal")
PORTS = dict(zip(SERVICES, range(18301, 18306), strict=True))
PORTAL = f"http://127.0.0.1:{PORTS['portal']}"
ASSESSMENT = f"http://127.0.0.1:{PORTS['assessment']}"
DEMO_FILE = Path(__file__).resolve().parents[1] / "deploy" / "demo" / "demo-data.json"
TENANT = "sst-13-marseille"
STAFF = f"sst-preventer@{TENANT}"  # registers the company (an SPSTI's staff does)
EMPLOYER = f"bench-employer@{TENANT}"  # the bench's own employer: the demo ones keep theirs
PASSWORD = "demo"  # noqa: S105  (demo realm only)
COMPANY = "Banc du portail (8 unités x 12 risques)"
UNITS, RISKS, VERSIONS = 8, 12, 3
HAZARDS = (
    "PHY.BRUIT",
    "PHY.MANUT",
    "PHY.CHUTE_PP",
    "CHI.POUSS",
    "MEC.MACHINE",
    "PSY.CHARGE",
    "BIO.INFECT",
    "PHY.ECRAN",
    "MEC.ROUTIER",
    "PHY.THERM",
    "PSY.NUIT",
    "PHY.ELEC",
)
LOGIN_FORM = re.compile(r"<form\b[^>]*\bid=\"kc-form-login\"[^>]*>", re.S)
ACTION = re.compile(r"\baction=\"([^\"]+)\"")
CSRF = re.compile(r"name=\"csrf_token\" value=\"([^\"]+)\"")
DURATION = re.compile(r"dur=([0-9.]+)")
SERVER_TIMING_SEEN: list[float] = []  # every Server-Timing of the portal, across the measures


# --- the data: a company, its DUERP, its employer ------------------------------------------


def _siret() -> str:
    siren = str(uuid.uuid4().int)[:8]
    siren += luhn.calc_check_digit(siren)
    siret = siren + str(uuid.uuid4().int)[:4]
    return siret + luhn.calc_check_digit(siret)


async def company_of_the_bench(http: httpx.AsyncClient, staff_token: str) -> str:
    """The bench's company (registered by the SPSTI's staff the first time)."""
    headers = {"Authorization": f"Bearer {staff_token}"}
    listed = (await http.get(f"{ASSESSMENT}/companies", headers=headers)).raise_for_status()
    for company in listed.json():
        if company["name"] == COMPANY:
            return str(company["id"])
    created = await http.post(
        f"{ASSESSMENT}/companies",
        headers=headers,
        json={
            "name": COMPANY,
            "siret": _siret(),
            "naf_code": "10.71C",
            "headcount": 60,
            "address": "1 quai du Port, 13002 Marseille",
            "has_cse": True,
        },
    )
    created.raise_for_status()
    return str(created.json()["id"])


async def _admin(http: httpx.AsyncClient, ep: Endpoints) -> dict[str, str]:
    response = await http.post(
        f"{ep.keycloak_url}/realms/master/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": ep.keycloak_admin,
            "password": ep.keycloak_admin_password,
        },
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def employer_of_the_bench(http: httpx.AsyncClient, ep: Endpoints, company_id: str) -> None:
    """A realm user, employer of the bench's company alone, as an operator would add one."""
    headers = await _admin(http, ep)
    admin = f"{ep.keycloak_url}/admin/realms/{ep.keycloak_realm}"
    attributes = {"tenant_id": [TENANT], "company_ids": [company_id]}
    found = await http.get(
        f"{admin}/users", params={"username": EMPLOYER, "exact": "true"}, headers=headers
    )
    found.raise_for_status()
    if found.json():
        user = found.json()[0]
        if user.get("attributes", {}).get("company_ids") != [company_id]:
            user["attributes"] = {**user.get("attributes", {}), **attributes}
            (
                await http.put(f"{admin}/users/{user['id']}", json=user, headers=headers)
            ).raise_for_status()
        return
    created = await http.post(
        f"{admin}/users",
        headers=headers,
        json={
            "username": EMPLOYER,
            "enabled": True,
            "emailVerified": True,
            "firstName": "Banc",
            "lastName": "Portail",
            "email": "bench-employer.sst-13-marseille@demo.cosar.invalid",
            "attributes": attributes,
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
            "groups": [f"/tenants/{TENANT}"],
        },
    )
    created.raise_for_status()
    user_id = created.headers["Location"].rsplit("/", 1)[1]
    role = (await http.get(f"{admin}/roles/employer", headers=headers)).raise_for_status()
    mapped = await http.post(
        f"{admin}/users/{user_id}/role-mappings/realm", json=[role.json()], headers=headers
    )
    mapped.raise_for_status()


async def register_portal_url(http: httpx.AsyncClient, ep: Endpoints, url: str) -> None:
    """The bench's portal address in the realm's ``portal`` client (as tests/conftest.py
    does for the tests' portal): its callback, its logout return, its back-channel logout."""
    headers = await _admin(http, ep)
    admin = f"{ep.keycloak_url}/admin/realms/{ep.keycloak_realm}/clients"
    client = (await http.get(admin, params={"clientId": "portal"}, headers=headers)).json()[0]
    client["redirectUris"] = sorted({*client["redirectUris"], f"{url}/auth/callback"})
    client["webOrigins"] = sorted({*client["webOrigins"], url})
    attributes = client["attributes"]
    logout_uris = set(filter(None, attributes.get("post.logout.redirect.uris", "").split("##")))
    attributes["post.logout.redirect.uris"] = "##".join(sorted({*logout_uris, f"{url}/"}))
    attributes["backchannel.logout.url"] = f"{url}/auth/backchannel-logout"
    (await http.put(f"{admin}/{client['id']}", json=client, headers=headers)).raise_for_status()


class Duerp:
    """Writes on one DUERP through the API, following its lock (``ETag`` / ``If-Match``)."""

    def __init__(self, http: httpx.AsyncClient, token: str, company_id: str) -> None:
        self.http, self.base = http, f"{ASSESSMENT}/companies/{company_id}/duerp"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.lock = ""

    async def read(self) -> dict[str, Any]:
        response = (await self.http.get(self.base, headers=self.headers)).raise_for_status()
        self.lock = response.headers["ETag"]
        return dict(response.json())

    async def change(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.http.request(
            method, self.base + path, json=body, headers={**self.headers, "If-Match": self.lock}
        )
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        self.lock = response.headers.get("ETag", self.lock)
        return response.json() if response.content else None


async def fill(http: httpx.AsyncClient, token: str, company_id: str) -> dict[str, Any]:
    """8 units x 12 risks (made once; a partial DUERP is archived and made again) and
    ``VERSIONS`` published versions, a risk re-rated between two; returns the DUERP."""
    duerp = Duerp(http, token, company_id)
    read = await duerp.read()
    units = read["work_units"]
    if len(units) != UNITS or any(len(u["risks"]) != RISKS for u in units):
        started = time.perf_counter()
        for unit in units:
            await duerp.change("POST", f"/work-units/{unit['id']}/archive")
        for u in range(UNITS):
            unit = await duerp.change(
                "POST",
                "/work-units",
                {"kind": "trade", "name": f"Unité {u + 1}", "headcount": 5 + u},
            )
            for r, code in enumerate(HAZARDS[:RISKS]):
                await duerp.change(
                    "POST",
                    f"/work-units/{unit['id']}/risks",
                    {
                        "hazard_code": code,
                        "situations": f"Situation {u + 1}.{r + 1} : poste, tâche, fréquence",
                        "damages": "Dommage possible décrit en quelques mots",
                        "rating": {"probability": 1 + (u + r) % 4, "gravity": 1 + r % 4},
                        "measures": [{"kind": "collective", "description": "Mesure existante"}],
                    },
                )
        print(
            f"made {UNITS} work units x {RISKS} risks in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        read = await duerp.read()
    versions = (await http.get(f"{duerp.base}/versions", headers=duerp.headers)).json()
    for n in range(len(versions), VERSIONS):
        if n:  # something to publish: one risk re-rated
            risk = read["work_units"][n % UNITS]["risks"][0]
            await duerp.change(
                "PATCH",
                f"/risks/{risk['id']}",
                {"rating": {"probability": 1 + n % 4, "gravity": 2}, "reason": "Banc"},
            )
        await duerp.change("POST", "/versions")
        read = await duerp.read()
    return read


# --- logging in as a browser does ----------------------------------------------------------


async def log_in(username: str) -> httpx.AsyncClient:
    """A browser's session on the portal: its login, Keycloak's form, the callback; the
    returned client keeps the cookie jar (the portal's session cookie)."""

    async def loopback_is_secure(response: httpx.Response) -> None:
        # A browser counts http://127.0.0.1 as a secure context and sends Keycloak's
        # ``Secure`` cookies back there; Python's cookie jar would not.
        for cookie in http.cookies.jar:
            cookie.secure = False

    http = httpx.AsyncClient(
        timeout=60,
        follow_redirects=True,
        event_hooks={"response": [loopback_is_secure]},
    )
    page = await http.get(f"{PORTAL}/auth/login")
    form = LOGIN_FORM.search(page.text)
    if page.status_code != 200 or form is None or not (action := ACTION.search(form.group(0))):
        raise RuntimeError(f"no Keycloak login form at {page.url}: {page.status_code}")
    done = await http.post(
        html.unescape(action.group(1)),
        data={"username": username, "password": PASSWORD, "credentialId": ""},
    )
    if done.status_code != 200 or not str(done.url).startswith(PORTAL):
        raise RuntimeError(
            f"login of {username} ended on {done.url} ({done.status_code}): {done.text[-800:]}"
        )
    http.follow_redirects = False
    return http


async def session_token(ep: Endpoints, http: httpx.AsyncClient) -> str:
    """The access token the portal keeps for this browser's session (its own table)."""
    cookie = http.cookies.get("cosar_session")
    assert cookie, "no portal session cookie"
    db = await asyncpg.connect(ep.dsn("portal_owner", "portal_owner", "portal", driver=None))
    try:
        tokens = await db.fetchval(
            "SELECT tokens FROM web_session WHERE id_hash = $1",
            hashlib.sha256(cookie.encode()).hexdigest(),
        )
    finally:
        await db.close()
    return str(json.loads(tokens)["access_token"])


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Measure:
    latencies: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)  # the portal's Server-Timing, if any
    conflicts: int = 0


def server_timing(response: httpx.Response) -> float | None:
    header = response.headers.get("server-timing")
    found = DURATION.search(header) if header else None
    return float(found.group(1)) if found else None


PortalCall = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response | None]]


async def on_portal(sessions: list[httpx.AsyncClient], call: PortalCall, requests: int) -> Measure:
    """``requests`` calls shared by the sessions (one worker each), after 2 unmeasured ones
    per session; a call answering None was refused by the lock (counted, done again)."""
    measure = Measure()

    async def worker(k: int) -> None:
        http = sessions[k]
        for i in (10_000 + k, 20_000 + k):
            while await call(http, i) is None:
                pass
        for i in range(k, requests, len(sessions)):
            while (response := await call(http, i)) is None:
                measure.conflicts += 1
            # From the request sent to the answer read: what a call prepares is left out.
            measure.latencies.append(response.elapsed.total_seconds() * 1000)
            if (server := server_timing(response)) is not None:
                measure.server.append(server)
                SERVER_TIMING_SEEN.append(server)

    await asyncio.gather(*(worker(k) for k in range(len(sessions))))
    return measure


def compare(label: str, portal: Measure, api: list[float], api_label: str) -> None:
    extra = f"   409 retried {portal.conflicts}" if portal.conflicts else ""
    bench.report(f"{label}, portal", portal.latencies, width=60)
    if extra:
        print(f"{'':<60}{extra.strip()}")
    if portal.server:
        bench.report(f"{label}, portal Server-Timing", portal.server, width=60)
    bench.report(f"{label}, API: {api_label}", api, width=60)
    p50 = statistics.median(portal.latencies) / statistics.median(api)
    p95 = bench.percentile(portal.latencies, 0.95) / bench.percentile(api, 0.95)
    print(f"{'  ratio portal / API':<60} p50 {p50:8.2f} x    p95 {p95:8.2f} x   (target <= 1.30 x)")


async def measure_at(
    ep: Endpoints, company_id: str, units: list[tuple[str, list[str]]], clients: int, requests: int
) -> None:
    cid = company_id
    base = f"/companies/{cid}"

    async def lock_now(http: httpx.AsyncClient, token: str) -> str:
        response = await http.get(
            f"{ASSESSMENT}{base}/duerp", headers={"Authorization": f"Bearer {token}"}
        )
        return str(response.json()["lock_version"])

    def rating(i: int) -> dict[str, str]:
        return {"probability": str(1 + i % 4), "gravity": str(1 + (i // 4) % 4)}

    async def expect(response: httpx.Response, *codes: int) -> httpx.Response | None:
        if response.status_code == 409:
            return None
        if response.status_code not in codes:
            raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
        return response

    sessions = [await log_in(EMPLOYER) for _ in range(clients)]
    csrf = {}
    for http in sessions:
        page = (await http.get(f"{PORTAL}/entreprises/{cid}")).text
        csrf[id(http)] = CSRF.search(page).group(1)  # type: ignore[union-attr]
    token = await session_token(ep, sessions[0])
    direct = httpx.AsyncClient(timeout=60)
    print(f"-- {clients} client(s), each a portal session of its own", flush=True)

    async def company_page(http: httpx.AsyncClient, i: int) -> httpx.Response | None:
        return await expect(await http.get(f"{PORTAL}/entreprises/{cid}"), 200)

    async def company_api(http: httpx.AsyncClient, i: int) -> float:
        t = time.perf_counter()
        answers = await asyncio.gather(
            http.get(f"{base}/duerp"), http.get(f"{base}/duerp/action-plan")
        )
        assert all(a.status_code == 200 for a in answers), answers
        return (time.perf_counter() - t) * 1000

    async def unit_page(http: httpx.AsyncClient, i: int) -> httpx.Response | None:
        unit = units[i % len(units)][0]
        return await expect(await http.get(f"{PORTAL}/entreprises/{cid}/unites/{unit}"), 200)

    async def unit_api(http: httpx.AsyncClient, i: int) -> float:
        t = time.perf_counter()
        assert (await http.get(f"{base}/duerp")).status_code == 200
        return (time.perf_counter() - t) * 1000

    async def save(http: httpx.AsyncClient, i: int) -> httpx.Response | None:
        unit, risks = units[i % len(units)]
        risk = risks[(i // len(units)) % len(risks)]
        path = f"/entreprises/{cid}/unites/{unit}/risques/{risk}"
        lock = await lock_now(direct, token)  # the lock the page was loaded with
        form = {
            "csrf_token": csrf[id(http)],
            "next": path,
            "lock_version": lock,
            **rating(i),
            "control_level": "partial",
            "reason": "Banc du portail",
        }
        return await expect(
            await http.post(f"{PORTAL}{path}", data=form, headers={"Origin": PORTAL}), 303
        )

    api_conflicts = 0

    async def save_api(http: httpx.AsyncClient, i: int) -> float:
        nonlocal api_conflicts
        risks = units[i % len(units)][1]
        risk = risks[(i // len(units)) % len(risks)]
        body = {
            "rating": {k: int(v) for k, v in rating(i).items()},
            "control_level": "partial",
            "reason": "Banc du portail",
        }
        while True:
            lock = await lock_now(http, token)
            t = time.perf_counter()
            assert (await http.get(f"{base}/duerp")).status_code == 200
            done = await http.patch(
                f"{base}/duerp/risks/{risk}", json=body, headers={"If-Match": lock}
            )
            if done.status_code == 409:
                api_conflicts += 1
                continue
            assert done.status_code == 200, done.text
            assert (await http.get(f"{base}/duerp")).status_code == 200
            return (time.perf_counter() - t) * 1000

    async def versions_page(http: httpx.AsyncClient, i: int) -> httpx.Response | None:
        return await expect(await http.get(f"{PORTAL}/entreprises/{cid}/versions"), 200)

    async def versions_api(http: httpx.AsyncClient, i: int) -> float:
        t = time.perf_counter()
        answers = await asyncio.gather(
            http.get(base),
            http.get(f"{base}/duerp/versions"),
            http.get(f"{base}/duerp/versions/verify"),
        )
        assert all(a.status_code == 200 for a in answers), answers
        return (time.perf_counter() - t) * 1000

    saves = max(10, requests // 3)
    cases: list[tuple[str, PortalCall, Callable[..., Awaitable[float]], str, int]] = [
        (
            "(a) company page (DUERP editor)",
            company_page,
            company_api,
            "duerp + plan",
            requests,
        ),
        ("(a) work unit page", unit_page, unit_api, "duerp", requests),
        ("(b) risk save (POST, 303)", save, save_api, "duerp, PATCH, duerp", saves),
        ("(c) versions page", versions_page, versions_api, "company+list+verify", requests),
    ]
    for label, page_call, api_call, api_label, n in cases:
        token = await session_token(ep, sessions[0])  # the portal may have refreshed it
        portal = await on_portal(sessions, page_call, n)
        api = await bench.load(ASSESSMENT, token, api_call, clients=clients, requests=n)
        compare(f"{label}, {clients} cl.", portal, api, api_label)
        if api_conflicts:
            print(f"{'':<60}API 409 retried {api_conflicts}")
            api_conflicts = 0
    await direct.aclose()
    for http in sessions:
        await http.aclose()


async def measure_all(ep: Endpoints, company_id: str, duerp: dict[str, Any], requests: int) -> None:
    units = [(u["id"], [r["id"] for r in u["risks"]]) for u in duerp["work_units"]]
    for clients in (1, 10):
        await measure_at(ep, company_id, units, clients, requests)
    print(
        "server time: client-side response times only (the portal sends no Server-Timing)"
        if not SERVER_TIMING_SEEN
        else "server time: the portal's Server-Timing lines above"
    )
    print(
        "targets: the portal adds at most 30 % to its API calls (ratio <= 1.30); "
        "the editor page p95 < 150 ms at 10 clients"
    )


async def main(requests: int, tiny: bool) -> None:
    async with bench.infrastructure(*SERVICES) as run:
        ep = run.ep
        from assessment.demo import load_demo

        await load_demo(ep.dsn("assessment_app", "assessment_app", "assessment"), DEMO_FILE)
        env = bench.service_env(
            ep,
            SERVICES,
            DB_HOST=ep.postgres_host,
            THESAURUS_URL=f"http://127.0.0.1:{PORTS['thesaurus']}",
            ASSESSMENT_URL=ASSESSMENT,
        )
        env |= {
            "PORTAL_PUBLIC_URL": PORTAL,
            "PORTAL_REPORTING_URL": f"http://127.0.0.1:{PORTS['reporting']}",
            "PORTAL_INDICATORS_URL": f"http://127.0.0.1:{PORTS['indicators']}",
        }
        await run.serve(env, **{service: PORTS[service] for service in SERVICES})
        async with httpx.AsyncClient(timeout=30) as http:
            company_id = await company_of_the_bench(
                http, await bench.password_token(ep.keycloak_url, STAFF)
            )
            await employer_of_the_bench(http, ep, company_id)
            await register_portal_url(http, ep, PORTAL)
            duerp = await fill(
                http, await bench.password_token(ep.keycloak_url, EMPLOYER), company_id
            )
        await bench.wait_for_quiet(at_most_s=10 if tiny else 120)
        await measure_all(ep, company_id, duerp, requests)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per page and client count")
    parser.add_argument(
        "--tiny", action="store_true", help="20 requests, short wait: for the smoke test"
    )
    args = parser.parse_args()
    asyncio.run(main(20 if args.tiny else args.requests, args.tiny))
