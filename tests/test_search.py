"""Solr indexing and search through the action API, on a real Solr core."""

from __future__ import annotations

import pytest


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_sysadmin_creates_a_dataset_that_search_finds(app, sysadmin_headers):
    org = app.post(
        "/api/3/action/organization_create",
        json={
            "name": "roques",
            "title": "Roques",
            "kind": "commune",
            "siren": "213104581",
        },
        headers=sysadmin_headers,
    ).json["result"]
    created = app.post(
        "/api/3/action/package_create",
        json={
            "type": "deliberations",
            "name": "deliberations-roques",
            "title": "Délibérations du conseil municipal",
            "notes": "Toutes les délibérations adoptées depuis le renouvellement.",
            "owner_org": org["id"],
        },
        headers=sysadmin_headers,
    )
    assert created.status_code == 200, created.json

    found = app.get(
        "/api/3/action/package_search", query_string={"q": "renouvellement"}
    ).json["result"]
    assert found["count"] == 1
    assert found["results"][0]["name"] == "deliberations-roques"
    assert found["results"][0]["organization"]["name"] == "roques"

    missing = app.get(
        "/api/3/action/package_search", query_string={"q": "subventions"}
    ).json["result"]
    assert missing["count"] == 0
