"""Answers kept in memory (thesaurus.answers) on the real stack: served again only while true.

A published version never changes, so its answers are kept; they must go as soon as the
catalogue changes (a new version published, a system renamed by another process), never cross
tenants, never include a draft, and nothing may be served from memory while the process does not
listen to PostgreSQL's notifications.
"""

from __future__ import annotations

import uuid

import asyncpg
import httpx

from tests.conftest import eventually
from tests.thesaurus_client import auth, create_draft, publish
from thesaurus.answers import AnswerCache, cache_of


def _cache(thesaurus_service) -> AnswerCache:
    return cache_of(thesaurus_service.app.state.runtime)


async def _listening(thesaurus_service) -> bool:
    return _cache(thesaurus_service).listening


def _display(lookup: httpx.Response) -> str:
    assert lookup.status_code == 200, lookup.text
    return next(p["valueString"] for p in lookup.json()["parameter"] if p["name"] == "display")


def _title(lookup: httpx.Response) -> str:
    return next(p["valueString"] for p in lookup.json()["parameter"] if p["name"] == "name")


async def _publish(http: httpx.AsyncClient, name: str, version: str, concepts: list) -> None:
    draft = await create_draft(
        http, name, version, title="Système de test du cache", concepts=concepts
    )
    assert draft.status_code == 201, draft.text
    published = await publish(http, name, version)
    assert published.status_code == 200, published.text


async def test_a_repeated_answer_comes_from_memory_and_is_the_same(
    thesaurus_service, token_for, reference_loaded
):
    await eventually(lambda: _listening(thesaurus_service))
    cache = _cache(thesaurus_service)
    token = await token_for("sst-preventer@sst-06-nice")
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(token)) as http:
        hits = cache.hits
        first = await http.get("/search", params={"q": "boulangerie", "limit": 7})
        again = await http.get("/search", params={"q": "boulangerie", "limit": 7})
        lookup = [
            await http.get(
                "/fhir/CodeSystem/$lookup", params={"system": "naf-rev2", "code": "10.71C"}
            )
            for _ in range(2)
        ]
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert "10.71C" in [i["code"] for i in first.json()["items"]][:3]
    assert first.headers["content-type"] == "application/json"
    assert lookup[0].content == lookup[1].content
    assert lookup[0].headers["content-type"] == "application/fhir+json"
    assert _display(lookup[0]) == "Boulangerie et boulangerie-pâtisserie"
    assert cache.hits >= hits + 2


async def test_publishing_a_version_replaces_the_answers_at_once(
    thesaurus_service, token_for, reference_loaded
):
    editor = await token_for("thesaurus-editor")
    reader = await token_for("sst-preventer@sst-06-nice")
    name = f"cache-{uuid.uuid4().hex[:8]}"
    lookup = {"system": name, "code": "BRUIT"}
    search = {"q": "bruit", "system": name}
    async with (
        httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(editor)) as edit,
        httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(reader)) as read,
    ):
        await _publish(edit, name, "1", [{"code": "BRUIT", "display": "Bruit"}])
        await eventually(lambda: _listening(thesaurus_service))
        before = [await read.get("/fhir/CodeSystem/$lookup", params=lookup) for _ in range(2)]
        searched_before = await read.get("/search", params=search)
        await _publish(edit, name, "2", [{"code": "BRUIT", "display": "Bruit lésionnel"}])
        # Right after the publication's response: no wait for any notification.
        after = await read.get("/fhir/CodeSystem/$lookup", params=lookup)
        searched_after = await read.get("/search", params=search)
        pinned = await read.get("/fhir/CodeSystem/$lookup", params={**lookup, "version": "1"})
    assert [_display(b) for b in before] == ["Bruit", "Bruit"]
    assert _display(after) == "Bruit lésionnel"
    assert [i["version"] for i in searched_before.json()["items"]] == ["1"]
    assert [i["display"] for i in searched_after.json()["items"]] == ["Bruit lésionnel"]
    assert _display(pinned) == "Bruit"


async def test_a_change_made_by_another_process_is_notified(
    thesaurus_service, token_for, reference_loaded, migrated
):
    """A write this process did not make (another replica, an operator's SQL) reaches it
    through PostgreSQL's notification, and the kept answer goes."""
    editor = await token_for("thesaurus-editor")
    name = f"cache-{uuid.uuid4().hex[:8]}"
    params = {"system": name, "code": "PHY"}
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(editor)) as http:
        await _publish(http, name, "1", [{"code": "PHY", "display": "Physique"}])
        await eventually(lambda: _listening(thesaurus_service))
        first = await http.get("/fhir/CodeSystem/$lookup", params=params)
        hits = _cache(thesaurus_service).hits
        kept = await http.get("/fhir/CodeSystem/$lookup", params=params)
        assert _cache(thesaurus_service).hits == hits + 1
        db = await asyncpg.connect(migrated.owner_dsn("thesaurus", driver=None))
        try:
            async with db.transaction():
                await db.execute("SELECT set_config('app.roles', 'thesaurus-editor', true)")
                await db.execute(
                    "UPDATE code_system SET title = 'Titre changé ailleurs' WHERE name = $1", name
                )
        finally:
            await db.close()

        async def renamed() -> bool:
            answer = await http.get("/fhir/CodeSystem/$lookup", params=params)
            return _title(answer) == "Titre changé ailleurs"

        await eventually(renamed, timeout=10, interval=0.05)
    assert _title(first) == _title(kept) == "Système de test du cache"


async def test_a_tenant_never_gets_another_tenants_kept_answer(
    thesaurus_service, token_for, reference_loaded
):
    admin = await token_for("sst-admin@sst-13-marseille")
    other = await token_for("sst-preventer@sst-83-toulon")
    name = f"local-{uuid.uuid4().hex[:8]}"
    request = ("/fhir/CodeSystem/$lookup", {"system": name, "code": "R01"})
    search = {"q": "Vibrations du marteau piqueur", "system": name}
    async with (
        httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(admin)) as own,
        httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(other)) as foreign,
    ):
        imported = await own.post(
            f"/tenant/code-systems/{name}/versions/1/import",
            content=b"code,label\nR01,Vibrations du marteau piqueur\n",
            headers={"content-type": "text/csv"},
        )
        assert imported.status_code == 201, imported.text
        await eventually(lambda: _listening(thesaurus_service))
        mine = [await own.get(request[0], params=request[1]) for _ in range(2)]
        found = [await own.get("/search", params=search) for _ in range(2)]
        theirs = await foreign.get(request[0], params=request[1])
        their_search = await foreign.get("/search", params=search)
        their_open_search = await foreign.get("/search", params={"q": search["q"]})
    assert [_display(m) for m in mine] == ["Vibrations du marteau piqueur"] * 2
    assert [[i["code"] for i in f.json()["items"]] for f in found] == [["R01"], ["R01"]]
    assert theirs.status_code == 404
    assert theirs.json()["resourceType"] == "OperationOutcome"
    assert their_search.status_code == 404
    assert name not in {i["system"] for i in their_open_search.json()["items"]}


async def test_answers_over_a_draft_are_never_kept(thesaurus_service, token_for, reference_loaded):
    editor = await token_for("thesaurus-editor")
    name = f"cache-{uuid.uuid4().hex[:8]}"
    params = {"system": name, "code": "CHIM", "version": "1"}
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(editor)) as http:
        draft = await create_draft(
            http, name, "1", concepts=[{"code": "CHIM", "display": "Chimique"}]
        )
        assert draft.status_code == 201, draft.text
        await eventually(lambda: _listening(thesaurus_service))
        before = await http.get("/fhir/CodeSystem/$lookup", params=params)
        searched_before = await http.get("/search", params={"q": "chimique", **params})
        # A concept edit touches neither the system nor the version row: no notification.
        changed = await http.put(
            f"/code-systems/{name}/versions/1/concepts/CHIM", json={"display": "Risque chimique"}
        )
        assert changed.status_code == 200, changed.text
        after = await http.get("/fhir/CodeSystem/$lookup", params=params)
        searched_after = await http.get("/search", params={"q": "chimique", **params})
    assert _display(before) == "Chimique"
    assert _display(after) == "Risque chimique"
    assert [i["display"] for i in searched_before.json()["items"]] == ["Chimique"]
    assert [i["display"] for i in searched_after.json()["items"]] == ["Risque chimique"]


async def test_a_lost_listening_connection_comes_back_and_drops_what_was_kept(
    thesaurus_service, token_for, reference_loaded, migrated
):
    """The listening connection is killed: whatever was kept may have missed a notification,
    so it goes, and the process listens again (while it does not, nothing is served from
    memory: see the unit test below)."""
    cache = _cache(thesaurus_service)
    token = await token_for("sst-preventer@sst-06-nice")
    params = {"system": "naf-rev2", "code": "62.01Z"}
    await eventually(lambda: _listening(thesaurus_service))
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(token)) as http:
        for _ in range(2):
            assert (await http.get("/fhir/CodeSystem/$lookup", params=params)).status_code == 200
        connections = cache.connections
        db = await asyncpg.connect(migrated.superuser_libpq_dsn)
        try:
            killed = await db.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'thesaurus-catalogue-listener' "
                "AND datname = 'thesaurus'"
            )
        finally:
            await db.close()
        assert killed >= 1
        await eventually(lambda: _reconnected(cache, connections), timeout=15, interval=0.05)
        hits = cache.hits
        for _ in range(2):
            assert (await http.get("/fhir/CodeSystem/$lookup", params=params)).status_code == 200
    assert cache.hits == hits + 1  # the first was computed again, the second kept


async def _reconnected(cache: AnswerCache, connections: int) -> bool:
    return cache.listening and cache.connections > connections


def test_the_cache_keeps_nothing_before_it_listens_nor_across_a_change() -> None:
    cache = AnswerCache(max_bytes=10)
    cache.put("a", b"1", cache.generation)
    assert cache.get("a") is None  # not listening yet
    cache._set_listening(True)
    generation = cache.generation
    cache.put("a", b"1", generation)
    assert cache.get("a") == b"1"
    cache.invalidate()
    assert cache.get("a") is None
    cache.put("b", b"2", generation)  # computed before the change: not kept
    assert cache.get("b") is None
    cache.put("c", b"12345", cache.generation)
    cache.put("d", b"67890", cache.generation)
    cache.get("c")
    cache.put("e", b"x", cache.generation)  # over 10 bytes: the least recently used goes
    assert (cache.get("c"), cache.get("d"), cache.get("e")) == (b"12345", None, b"x")
    cache.put("big", b"x" * 11, cache.generation)
    assert cache.get("big") is None
    cache._set_listening(False)
    assert cache.get("c") is None
