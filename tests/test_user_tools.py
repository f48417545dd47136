"""Fits the user's tools: the overview's CSV opens in French Excel, the
main search lists every type with a facet by type and keeps the
consolidated files out of the way, and no page calls a third-party host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from ckan import model
from ckan.tests.helpers import call_action

ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


def _dataset(org: dict[str, Any], name: str, type_: str = "subventions", **kw: Any):
    return call_action(
        "package_create", type=type_, name=name, title=name.replace("-", " ").title(),
        notes="Jeu de données de test.", owner_org=org["id"], frequency=ANNUAL, **kw,
    )  # fmt: skip


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_overview_csv_opens_in_french_excel(app, roques):
    body = app.get("/socle-commun.csv").data
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    header, line = body.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("Collectivité;SIREN;Type;Population;")
    assert line.startswith('"Roques";"213104581";"Commune";5436;')


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_main_search_has_a_facet_by_dataset_type(app, roques):
    _dataset(roques, "subventions-roques")
    _dataset(roques, "deliberations-roques", "deliberations")
    _dataset(roques, "budget-roques", "dataset")
    page = BeautifulSoup(app.get("/dataset/").body, "html.parser")
    found = {a["href"].split("/")[-1] for a in page.select(".dataset-heading a")}
    assert found == {"subventions-roques", "deliberations-roques", "budget-roques"}
    facet = {
        a.select_one(".item-label").get_text(strip=True): a["href"]
        for a in page.select("a[href*='dataset_type=']")
    }
    assert set(facet) == {"Subventions", "Délibérations", "Autres jeux de données"}
    heading = page.select_one("a[href*='dataset_type=']").find_parent("section")
    assert "Type de jeu de données" in heading.select_one("h2").get_text()
    narrowed = BeautifulSoup(
        app.get("/dataset/?dataset_type=subventions").body, "html.parser"
    )
    assert [a["href"] for a in narrowed.select(".dataset-heading a")] == [
        "/subventions/subventions-roques"
    ]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_consolidated_datasets_do_not_crowd_the_default_order(app, make_collectivite):
    department = make_collectivite(
        name="departement", title="Haute-Garonne", kind="departement", insee="31"
    )
    commune = make_collectivite(name="roques", title="Roques")
    _dataset(commune, "subventions-roques")
    _dataset(commune, "budget-roques", "dataset")
    _dataset(department, "consolidation-subventions", "dataset")  # the newest
    names = [d["name"] for d in call_action("package_search")["results"]]
    assert names[-1] == "consolidation-subventions", names
    page = BeautifulSoup(app.get("/dataset/").body, "html.parser")
    shown = [a["href"].split("/")[-1] for a in page.select(".dataset-heading a")]
    assert shown[-1] == "consolidation-subventions", shown
    # A chosen order is kept.
    newest = call_action("package_search", sort="metadata_modified desc")["results"]
    assert newest[0]["name"] == "consolidation-subventions"


def _third_party(page: BeautifulSoup) -> list[str]:
    """Addresses of other hosts that the page would load (not mere links)."""
    loaded = [
        *(e.get("src") for e in page.select("img[src], script[src], iframe[src]")),
        *(e.get("href") for e in page.select("link[href]") if "alternate" not in e.get("rel", [])),
    ]  # fmt: skip
    return [u for u in loaded if u and urlsplit(u).netloc not in ("", "test.ckan.net")]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_no_page_calls_a_third_party_host(app, editor, roques):
    _dataset(roques, "subventions-roques")
    # The factory's logo is an address elsewhere (a logo may be given so).
    call_action("organization_patch", id=roques["id"], image_url="")
    user = model.User.get(editor["id"])
    assert user.email  # an e-mail CKAN would hash for Gravatar
    for path in ("/", "/dataset/", "/subventions/subventions-roques",
                 "/organization/roques", f"/user/{editor['name']}",
                 "/ma-collectivite/roques", "/socle-commun"):  # fmt: skip
        body = app.get(path, headers=editor["headers"]).body
        assert "gravatar.com" not in body, path
        assert _third_party(BeautifulSoup(body, "html.parser")) == [], path
