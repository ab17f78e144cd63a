"""The thesaurus registry on the real stack: reference content, editing workflow, immutability
enforced by PostgreSQL, hierarchy, roles."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from tests.conftest import eventually
from tests.thesaurus_client import auth, create_draft, publish

# Counts per level from shared/data/reference/README.md.
EXPECTED_LEVELS = {
    "naf-rev2": {1: 21, 2: 88, 3: 272, 4: 615, 5: 732},
    "pcs-ese-2017": {1: 6, 2: 29, 3: 429},
    "pcs-2020": {1: 6, 2: 29, 3: 121, 4: 311},
    "cim-10": {1: 22, 2: 236, 3: 2054, 4: 12328, 5: 25149, 6: 2941},
    "dangers": {1: 6, 2: 33},
    "actions-prevention": {1: 2, 2: 18, 3: 5},
    "penibilite-facteurs": {1: 3, 2: 10},
    "c2p-seuils": {1: 8},
    "maladies-professionnelles-rg": {1: 120},
    "maladies-professionnelles-agricole": {1: 62},
}


async def _db(infra, role: str = "thesaurus_owner") -> asyncpg.Connection:
    return await asyncpg.connect(infra.dsn(role, role, "thesaurus", driver=None))


async def test_reference_systems_are_published_with_their_counts_per_level(reference_loaded):
    db = await _db(reference_loaded)
    try:
        rows = await db.fetch(
            "SELECT s.name, c.level, count(*) AS n FROM concept c "
            "JOIN code_system_version v ON v.id = c.version_id "
            "JOIN code_system s ON s.id = v.code_system_id "
            "WHERE v.version = '1' AND v.status = 'published' AND s.tenant_id IS NULL "
            "AND s.name = ANY($1::text[]) GROUP BY s.name, c.level",
            list(EXPECTED_LEVELS),
        )
    finally:
        await db.close()
    found: dict[str, dict[int, int]] = {}
    for row in rows:
        found.setdefault(row["name"], {})[row["level"]] = row["n"]
    assert found == EXPECTED_LEVELS
    assert sum(found["cim-10"].values()) == 42_730
    assert sum(found["naf-rev2"].values()) == 1_728


async def test_loading_the_reference_twice_changes_nothing(reference_loaded):
    from cosar_common.db import make_engine, make_session_factory
    from thesaurus.reference_loader import load_reference

    db = await _db(reference_loaded)
    before = await db.fetchval("SELECT count(*) FROM concept")
    engine = make_engine(reference_loaded.dsn("thesaurus_app", "thesaurus_app", "thesaurus"))
    try:
        result = await load_reference(make_session_factory(engine))
    finally:
        await engine.dispose()
    after = await db.fetchval("SELECT count(*) FROM concept")
    await db.close()
    assert set(result.values()) == {False}
    assert before == after


async def test_reference_metadata_and_hierarchy(thesaurus_service, token_for, reference_loaded):
    token = await token_for("employer1@sst-13-marseille")  # any authenticated principal reads
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(token)) as http:
        systems = {s["name"]: s for s in (await http.get("/code-systems")).json()}
        bakery = (await http.get("/code-systems/naf-rev2/concepts/10.71C")).json()
        by_norm = await http.get("/code-systems/naf-rev2/concepts/1071C")
        section_c = await http.get("/code-systems/naf-rev2/concepts/C/descendants")
        missing = await http.get("/code-systems/naf-rev2/concepts/99.99Q")
    assert systems["cim-10"]["latest_published"] == "1"
    assert systems["cim-10"]["publisher"] == "ATIH / OMS"
    assert "INSEE" in systems["naf-rev2"]["source"]
    assert bakery["display"] == "Boulangerie et boulangerie-pâtisserie"
    assert bakery["parents"] == ["10.71"]
    assert bakery["ancestors"] == ["C", "10", "10.7", "10.71"]
    assert by_norm.json()["code"] == "10.71C"  # codes in any common writing
    assert "10.71C" in section_c.json()
    assert "62.01Z" not in section_c.json()
    assert missing.status_code == 404


async def test_editing_workflow_from_draft_to_published_with_diff_and_event(
    thesaurus_service, assessment_service, token_for, migrated
):
    editor = await token_for("thesaurus-editor")
    reader = await token_for("sst-preventer@sst-06-nice")
    name = f"expositions-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(editor)) as http:
        first = await create_draft(
            http,
            name,
            "1",
            concepts=[
                {"code": "PHY", "display": "Physique"},
                {"code": "BRUIT", "display": "Bruit", "parent_code": "PHY"},
                {"code": "VIBR", "display": "Vibrations", "parent_code": "PHY"},
            ],
        )
        assert first.status_code == 201, first.text
        assert (await publish(http, name, "1")).status_code == 200

        second = await create_draft(http, name, "2", from_latest=True)
        assert second.status_code == 201, second.text
        assert second.json()["based_on"] == "1"
        assert second.json()["concept_count"] == 3
        changed = await http.put(
            f"/code-systems/{name}/versions/2/concepts/BRUIT",
            json={"display": "Bruit lésionnel", "synonyms": ["Nuisances sonores"]},
        )
        added = await http.put(
            f"/code-systems/{name}/versions/2/concepts/VIBR.CE",
            json={"display": "Vibrations corps entier", "parents": ["VIBR"]},
        )
        undecided = await http.post(
            f"/code-systems/{name}/versions/2/concepts/VIBR/deprecate", json={}
        )
        deprecated = await http.post(
            f"/code-systems/{name}/versions/2/concepts/VIBR/deprecate",
            json={"replaced_by": ["VIBR.CE"]},
        )
        diff = await http.get(f"/code-systems/{name}/diff", params={"from": "1", "to": "2"})
        published = await publish(http, name, "2")
        after_publish = await http.put(
            f"/code-systems/{name}/versions/2/concepts/BRUIT", json={"display": "x"}
        )
        v1_still = await http.get(f"/code-systems/{name}/versions/1/concepts")
    assert changed.status_code == 200
    assert added.status_code == 200
    assert undecided.status_code == 422  # a deprecation names its replacement or says none
    assert deprecated.json()["replaced_by"] == ["VIBR.CE"]
    body = diff.json()
    assert [c["code"] for c in body["added"]] == ["VIBR.CE"]
    assert [c["code"] for c in body["changed"]] == ["BRUIT"]
    assert [(c["code"], c["after"]["replaced_by"]) for c in body["deprecated"]] == [
        ("VIBR", ["VIBR.CE"])
    ]
    assert published.status_code == 200
    assert after_publish.status_code == 409
    assert {c["code"]: c["display"] for c in v1_still.json()}["BRUIT"] == "Bruit"

    async def version_2_known():
        async with httpx.AsyncClient(base_url=assessment_service.url) as http:
            response = await http.get(
                "/reference/code-system-versions",
                params={"code_system": name},
                headers=auth(reader),
            )
        return [v for v in response.json() if v["version"] == "2"]

    assert await eventually(version_2_known)
    db = await asyncpg.connect(
        migrated.dsn("assessment_owner", "assessment_owner", "assessment", driver=None)
    )
    try:
        diff_json = await db.fetchval(
            "SELECT diff FROM known_code_system_version WHERE code_system = $1 AND version = '2'",
            name,
        )
    finally:
        await db.close()
    assert '"replaced_by": ["VIBR.CE"]' in diff_json
    assert '"added_count": 1' in diff_json


async def test_published_versions_are_immutable_in_the_database_itself(reference_loaded):
    """Even SQL that bypasses the application cannot change a published version."""
    db = await _db(reference_loaded)
    try:
        version_id = await db.fetchval(
            "SELECT v.id FROM code_system_version v JOIN code_system s ON s.id = v.code_system_id"
            " WHERE s.name = 'naf-rev2' AND v.version = '1'"
        )
        statements = [
            ("UPDATE concept SET display = 'x' WHERE version_id = $1 AND code = '10.71C'",),
            ("DELETE FROM concept WHERE version_id = $1 AND code = '10.71C'",),
            (
                "INSERT INTO concept (version_id, code, norm_code, display) "
                "VALUES ($1, 'NEW', 'NEW', 'nouveau')",
            ),
            ("DELETE FROM concept_parent WHERE version_id = $1",),
            ("UPDATE code_system_version SET concept_count = 0 WHERE id = $1",),
            ("DELETE FROM code_system_version WHERE id = $1",),
        ]
        for (statement,) in statements:
            with pytest.raises(asyncpg.exceptions.ObjectNotInPrerequisiteStateError):
                await db.execute(statement, version_id)
        label = await db.fetchval(
            "SELECT display FROM concept WHERE version_id = $1 AND code = '10.71C'", version_id
        )
    finally:
        await db.close()
    assert label == "Boulangerie et boulangerie-pâtisserie"


async def test_retiring_is_for_platform_admins_and_final(thesaurus_service, token_for):
    editor = await token_for("thesaurus-editor")
    admin = await token_for("platform-admin")
    name = f"retrait-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=thesaurus_service.url) as http:
        http.headers.update(auth(editor))
        await create_draft(http, name, "1", concepts=[{"code": "A", "display": "a"}])
        await publish(http, name, "1")
        by_editor = await http.post(f"/code-systems/{name}/versions/1/retire")
        retired = await http.post(f"/code-systems/{name}/versions/1/retire", headers=auth(admin))
        again = await http.post(f"/code-systems/{name}/versions/1/retire", headers=auth(admin))
        still_readable = await http.get(f"/code-systems/{name}/versions/1")
    assert by_editor.status_code == 403
    assert retired.status_code == 200
    assert retired.json()["status"] == "retired"
    assert again.status_code == 409
    assert still_readable.json()["status"] == "retired"


async def test_bad_imports_are_refused_whole_with_their_place(thesaurus_service, token_for):
    editor = await token_for("thesaurus-editor")
    name = f"invalide-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(editor)) as http:
        cycle = await create_draft(
            http,
            name,
            "1",
            concepts=[
                {"code": "A", "display": "a", "parent_code": "B"},
                {"code": "B", "display": "b", "parent_code": "A"},
            ],
        )
        missing_parent = await create_draft(
            http,
            name,
            "1",
            concepts=[
                {"code": "A", "display": "a", "parent_code": "ZZZ"},
            ],
        )
        duplicate = await create_draft(
            http,
            name,
            "1",
            concepts=[
                {"code": "A", "display": "a"},
                {"code": "A", "display": "a bis"},
            ],
        )
        nothing = await http.get(f"/code-systems/{name}/versions/1")
    for response, fragment in ((cycle, "cycle"), (missing_parent, "ZZZ"), (duplicate, "double")):
        assert response.status_code == 422, response.text
        messages = " ".join(e["message"] for e in response.json()["errors"])
        assert fragment in messages
        assert "concepts[" in messages  # where in the request
    assert nothing.status_code == 404
