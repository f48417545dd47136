"""The home page is the département's portal: what it is, its logo, its key
figures and where to start; nothing of CKAN's placeholder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage

from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parent.parent
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"


def _home(app) -> BeautifulSoup:
    response = app.get("/")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def _publish_subventions(org: dict) -> None:
    """A subventions dataset of ``org`` with a valid file, just uploaded."""
    dataset = call_action(
        "package_create",
        type="subventions",
        name=f"subventions-{org['name']}",
        title=f"Subventions de {org['title']}",
        notes="Les subventions aux associations.",
        owner_org=org["id"],
        frequency=ANNUAL,
    )
    call_action(
        "resource_create",
        package_id=dataset["id"],
        name="Subventions 2025",
        upload=FileStorage(io.BytesIO(VALID), "subventions.csv"),
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_home_page_is_the_portal_not_ckans_placeholder(app):
    page = _home(app)
    html = str(page)
    for placeholder in (
        "Bienvenue sur CKAN",
        "Welcome to CKAN",
        "paragraphe d'introduction",
        "placeholder-420x220",
        "ckan-logo",
    ):
        assert placeholder not in html
    logo = page.select_one("header .logo img")
    assert logo["src"].endswith("/haute_garonne/logo-portail.svg")
    assert logo["alt"] == "Données ouvertes de la Haute-Garonne"
    served = app.get("/haute_garonne/logo-portail.svg")
    assert served.status_code == 200
    assert b"<svg" in served.data
    intro = _text(page.select_one(".hg-home-intro"))
    assert intro.startswith("Données ouvertes de la Haute-Garonne")
    assert "Le département de la Haute-Garonne et ses collectivités" in intro
    entries = {
        li["data-entry"]: [a["href"] for a in li.select("a")]
        for li in page.select(".hg-home-entry-points li")
    }
    assert entries["publish"] == ["/publish"]
    assert entries["standards"] == ["/standards"]
    assert entries["socle-commun"] == ["/socle-commun"]
    assert entries["feeds"] == ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_key_figures_count_obliged_collectivites_publishing_valid_data(
    app, make_collectivite, make_dataset
):
    roques = make_collectivite(
        name="roques", title="Roques", population=5436, agents=62
    )
    labege = make_collectivite(
        name="labege", title="Labège", population=4392, agents=55
    )
    make_collectivite(name="petite", title="Petite commune", population=300)
    make_dataset(owner_org=roques["id"], title="Budget de Roques")
    _publish_subventions(roques)

    page = _home(app)
    figures = page.select_one(".hg-home-figures")
    totals = {li["data-figure"]: _text(li) for li in figures.select("[data-figure]")}
    assert totals == {
        "collectivites": "3 collectivités",
        "datasets": "2 jeux de données publics",
    }
    assert "Sur les 2 collectivités soumises à l'obligation" in _text(figures)
    shares = {
        row["data-dataset-type"]: _text(row.select_one(".hg-chart__value"))
        for row in figures.select(".hg-chart__row")
    }
    assert shares["subventions"] == "50 % (1/2)"
    assert shares["deliberations"] == "0 % (0/2)"
    assert len(shares) == 6

    # Kept between visits, computed again as soon as the data changes.
    _publish_subventions(labege)
    shares = {
        row["data-dataset-type"]: _text(row.select_one(".hg-chart__value"))
        for row in _home(app).select(".hg-home-figures .hg-chart__row")
    }
    assert shares["subventions"] == "100 % (2/2)"


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckan.site_intro_text", "Le portail de *nos* communes.")
@pytest.mark.ckan_config("ckan.site_logo", "/images/notre-logo.png")
def test_the_sites_own_intro_and_logo_win(app):
    page = _home(app)
    intro = page.select_one(".hg-home-intro")
    assert _text(intro) == "Le portail de nos communes."
    assert intro.select_one("em").get_text() == "nos"
    assert page.select_one("header .logo img")["src"].endswith("/images/notre-logo.png")
