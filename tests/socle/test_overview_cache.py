"""The compliance overview is kept between requests (``socle/overview_cache.py``)
but never shows a stale state: a validation, a collectivité, a dataset's
privacy or deletion show on the very next request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan import model
from ckan.lib.redis import connect_to_redis
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.socle import overview_cache

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
INVALID = "\r\n".join([HEADER, FIRST.replace(",2400,", ',"2400,50",')]).encode()
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


def _dataset(org: dict[str, Any], name: str, type_: str = "subventions"):
    return call_action(
        "package_create", type=type_, name=name, title=name.replace("-", " ").title(),
        notes="Jeu de données de test.", owner_org=org["id"], frequency=ANNUAL,
    )  # fmt: skip


def _table(body: str) -> dict[str, dict[str, str]]:
    """State of each cell, by collectivité and dataset type."""
    page = BeautifulSoup(body, "html.parser")
    return {
        tr["data-collectivite"]: {
            td["data-dataset-type"]: td["data-state"]
            for td in tr.select("td[data-state]")
        }
        for tr in page.select("tr[data-collectivite]")
    }


@pytest.fixture
def portal(make_collectivite, background_file) -> dict[str, Any]:
    roques = make_collectivite(
        name="roques", title="Roques", siren="213104581", population=5436, agents=65
    )
    labege = make_collectivite(name="labege", title="Labège", siren="213102544")
    grants = _dataset(roques, "subventions-roques")
    background_file(grants, VALID)
    names = _dataset(labege, "subventions-labege")
    background_file(names, VALID)
    return {"roques": roques, "labege": labege, "grants": grants, "names": names}


def _titles(body: str) -> dict[str, str]:
    page = BeautifulSoup(body, "html.parser")
    return {
        tr["data-collectivite"]: tr.select_one("th a").get_text(strip=True)
        for tr in page.select("tr[data-collectivite]")
    }


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_every_change_shows_on_the_next_request(
    app, portal, background_file, make_collectivite
):
    def public() -> dict[str, dict[str, str]]:
        return _table(app.get("/socle-commun").body)

    assert public()["roques"]["subventions"] == "ok"
    assert public()["labege"]["subventions"] == "ok"

    # A new file that fails validation: the dataset turns invalid.
    background_file(portal["grants"], INVALID)
    assert public()["roques"]["subventions"] == "invalid"

    # Made private: gone from the public page; public again: back.
    call_action("package_patch", id=portal["names"]["id"], private=True)
    assert public()["labege"]["subventions"] == "missing"
    call_action("package_patch", id=portal["names"]["id"], private=False)
    assert public()["labege"]["subventions"] == "ok"

    # Deleted.
    call_action("package_delete", id=portal["names"]["id"])
    assert public()["labege"]["subventions"] == "missing"

    # A collectivité renamed, then a new one.
    call_action("organization_patch", id="labege", title="Labège-Innopole")
    assert _titles(app.get("/socle-commun").body)["labege"] == "Labège-Innopole"
    make_collectivite(name="ayguesvives", title="Ayguesvives")
    assert "ayguesvives" in public()
    # The API reads the same rows.
    api = app.get("/api/3/action/haute_garonne_overview_show").json["result"]
    labege = next(c for c in api["collectivites"] if c["name"] == "labege")
    assert labege["title"] == "Labège-Innopole"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_rows_are_kept_until_a_process_raises_the_generation(app, portal):
    first = overview_cache.rows(False, "")
    assert overview_cache.rows(False, "") is first  # kept

    # A change no signal reports (made in the database by hand) is not seen...
    group = model.Group.get(portal["roques"]["id"])
    group.title = "Roques-sur-Garonne"
    model.Session.commit()
    assert _titles(app.get("/socle-commun").body)["roques"] == "Roques"

    # ...until some process (here: Redis itself) raises the generation.
    connect_to_redis().incr(overview_cache._redis_key())
    assert _titles(app.get("/socle-commun").body)["roques"] == "Roques-sur-Garonne"
    assert overview_cache.rows(False, "") is not first
