"""A tenant's legacy thesaurus: import, mapping with suggestions, coverage, translation — and
invisible to every other tenant, in the API and in PostgreSQL itself."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from tests.thesaurus_client import auth

LOCAL_CSV = (
    b"code,label,parent\n"
    b"PHYS,Nuisances physiques,\n"
    b"R01,Bruit,PHYS\n"
    b"R02,Travail de nuit,\n"
    b"R03,Manutention de charges lourdes,PHYS\n"
)


@pytest.fixture(scope="module")
async def local_system(thesaurus_service, token_for, reference_loaded) -> str:
    """A local thesaurus of Marseille's SPSTI, imported by its administrator."""
    admin = await token_for("sst-admin@sst-13-marseille")
    name = f"amt-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(admin)) as http:
        response = await http.post(
            f"/tenant/code-systems/{name}/versions/1/import",
            content=LOCAL_CSV,
            headers={"content-type": "text/csv"},
        )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "published"
    assert response.json()["concept_count"] == 4
    return name


async def test_mapping_with_suggestions_coverage_and_translation(
    thesaurus_service, token_for, local_system
):
    admin = await token_for("sst-admin@sst-13-marseille")
    base = f"/tenant/code-systems/{local_system}"
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(admin)) as http:
        suggested = await http.get(f"{base}/mappings/R01/suggestions", params={"target": "dangers"})
        assert suggested.status_code == 200, suggested.text
        assert suggested.json()[0]["code"] == "PHY.BRUIT"
        night = await http.get(
            f"{base}/mappings/R02/suggestions",
            params={"target": "https://cosar.example/fhir/CodeSystem/penibilite-facteurs"},
        )
        assert night.json()[0]["code"] == "3a"

        for code, targets in (
            ("R01", [{"code": "PHY.BRUIT", "relationship": "equivalent"}]),
            ("PHYS", [{"code": "PHY", "relationship": "source-is-narrower-than-target"}]),
            ("R02", [{"code": None, "relationship": "not-related-to", "comment": "hors danger"}]),
        ):
            put = await http.put(
                f"{base}/mappings/{code}", json={"target_system": "dangers", "targets": targets}
            )
            assert put.status_code == 200, put.text
        unknown_target = await http.put(
            f"{base}/mappings/R03",
            json={
                "target_system": "dangers",
                "targets": [{"code": "PHY.NOPE", "relationship": "equivalent"}],
            },
        )
        coverage = await http.get(f"{base}/coverage", params={"target": "dangers"})
        translated = await http.get(
            f"{base}/translate", params={"code": "R01", "target": "dangers"}
        )
    assert unknown_target.status_code == 422
    body = coverage.json()
    assert (body["total"], body["mapped"], body["percent_mapped"]) == (4, 3, 75.0)
    assert body["by_relationship"] == {
        "equivalent": 1,
        "source-is-narrower-than-target": 1,
        "not-related-to": 1,
    }
    assert body["unmapped"] == ["R03"]
    assert [(t["code"], t["relationship"]) for t in translated.json()["targets"]] == [
        ("PHY.BRUIT", "equivalent")
    ]


async def test_another_tenant_never_sees_the_local_system(
    thesaurus_service, token_for, local_system, migrated
):
    other = await token_for("sst-admin@sst-83-toulon")
    base = f"/tenant/code-systems/{local_system}"
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(other)) as http:
        answers = [
            await http.get(f"{base}/coverage", params={"target": "dangers"}),
            await http.get(f"{base}/translate", params={"code": "R01", "target": "dangers"}),
            await http.get(f"/code-systems/{local_system}/versions/1"),
            await http.put(
                f"{base}/mappings/R03",
                json={
                    "target_system": "dangers",
                    "targets": [{"code": "PHY", "relationship": "related-to"}],
                },
            ),
        ]
        listing = await http.get("/code-systems")
        searched = await http.get("/search", params={"q": "Manutention de charges lourdes"})
        searched_by_name = await http.get(
            "/search", params={"q": "Manutention", "system": local_system}
        )
    own = await token_for("sst-preventer@sst-13-marseille")
    async with httpx.AsyncClient(base_url=thesaurus_service.url, headers=auth(own)) as http:
        found_by_owner = await http.get(
            "/search", params={"q": "Manutention de charges lourdes", "system": local_system}
        )
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert local_system not in {i["system"] for i in searched.json()["items"]}
    assert searched_by_name.status_code == 404
    assert [i["code"] for i in found_by_owner.json()["items"]][:1] == ["R03"]
    assert local_system not in {s["name"] for s in listing.json()}

    # Under the application: the runtime role sees the rows only with Marseille's context.
    db = await asyncpg.connect(
        migrated.dsn("thesaurus_app", "thesaurus_app", "thesaurus", driver=None)
    )
    try:
        query = (
            "SELECT count(*) FROM concept c JOIN code_system_version v ON v.id = c.version_id "
            "JOIN code_system s ON s.id = v.code_system_id WHERE s.name = $1"
        )
        counts = {}
        for tenant in ("", "sst-83-toulon", "sst-13-marseille"):
            async with db.transaction():
                await db.execute("SELECT set_config('app.tenant_id', $1, true)", tenant)
                counts[tenant] = await db.fetchval(query, local_system)
        maps = await db.fetchval(
            "SELECT count(*) FROM concept_map WHERE name LIKE $1", f"{local_system}%"
        )
    finally:
        await db.close()
    assert counts == {"": 0, "sst-83-toulon": 0, "sst-13-marseille": 4}
    assert maps == 0  # no tenant context: the map of Marseille is invisible


async def test_the_index_functions_answer_nothing_from_another_tenants_version(
    local_system, migrated
):
    """The SECURITY DEFINER search and expansion functions read the index table without RLS:
    called directly with the id of Marseille's version, they must still answer nothing to
    Toulon (and everything to Marseille)."""
    db = await asyncpg.connect(
        migrated.dsn("thesaurus_app", "thesaurus_app", "thesaurus", driver=None)
    )
    answers = {}
    try:
        async with db.transaction():
            await db.execute("SELECT set_config('app.tenant_id', 'sst-13-marseille', true)")
            version = await db.fetchval(
                "SELECT v.id FROM code_system_version v "
                "JOIN code_system s ON s.id = v.code_system_id WHERE s.name = $1",
                local_system,
            )
        for tenant in ("sst-83-toulon", "sst-13-marseille"):
            async with db.transaction():
                await db.execute("SELECT set_config('app.tenant_id', $1, true)", tenant)
                searched = await db.fetch(
                    "SELECT total, hit_id FROM thesaurus_search_page("
                    "$1, 'manutention', 'MANUTENTION', false, $$'manutention':*$$, true, 20, "
                    "NULL, NULL, 20, 0)",
                    [version],
                )
                expanded = await db.fetch(
                    "SELECT total, hit_id FROM thesaurus_expansion_page("
                    "$1, 'charges', 'CHARGES', false, 20, 0)",
                    version,
                )
            answers[tenant] = (
                searched[0]["total"],
                [r["hit_id"] for r in searched if r["hit_id"] is not None],
                expanded[0]["total"],
            )
    finally:
        await db.close()
    assert answers["sst-83-toulon"] == (0, [], 0)
    total, ids, expanded_total = answers["sst-13-marseille"]
    assert (total, len(ids), expanded_total) == (1, 1, 1)


async def test_bad_local_files_are_refused_whole_with_line_numbers(thesaurus_service, token_for):
    admin = await token_for("sst-admin@sst-06-nice")
    employer = await token_for("employer1@sst-06-nice")
    name = f"amt-bad-{uuid.uuid4().hex[:8]}"
    url = f"/tenant/code-systems/{name}/versions/1/import"
    duplicate = b"code,label\nA,Un\nB,Deux\nA,Trois\n"
    latin1 = "code,label\nA,Un\nB,Café\n".encode("latin-1")
    missing_parent = b"code,label,parent\nA,Un,Z\n"
    async with httpx.AsyncClient(base_url=thesaurus_service.url) as http:
        responses = {
            what: await http.post(
                url, content=body, headers={**auth(admin), "content-type": "text/csv"}
            )
            for what, body in (
                ("duplicate", duplicate),
                ("latin1", latin1),
                ("missing_parent", missing_parent),
            )
        }
        forbidden = await http.post(
            url,
            content=b"code,label\nA,Un\n",
            headers={**auth(employer), "content-type": "text/csv"},
        )
        nothing = await http.get(f"/code-systems/{name}/versions/1", headers=auth(admin))
        shared_name = await http.post(
            "/tenant/code-systems/naf-rev2/versions/9/import",
            content=b"code,label\nA,Un\n",
            headers={**auth(admin), "content-type": "text/csv"},
        )
    for response in responses.values():
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "import_rejected"
    assert "ligne 4" in str(responses["duplicate"].json()["errors"])
    assert "ligne 3" in str(responses["latin1"].json()["errors"])
    assert "ligne 2" in str(responses["missing_parent"].json()["errors"])
    assert forbidden.status_code == 403
    assert nothing.status_code == 404
    assert shared_name.status_code == 422
