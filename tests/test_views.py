"""Pages render, in French."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup


def _page(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_home_page_is_in_french(app):
    page = _page(app.get("/"))
    assert page.html["lang"] == "fr"
    footer = page.select_one(".haute-garonne-footer-tagline").get_text(" ", strip=True)
    assert footer == (
        "Portail des données ouvertes du département de la Haute-Garonne "
        "et de ses collectivités"
    )
    # CKAN's own strings come from its French catalogue too.
    assert "Jeux de données" in page.get_text()


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_page_is_in_french(app, make_dataset, roques):
    org = roques
    dataset = make_dataset(
        owner_org=org["id"],
        title="Délibérations",
        notes="Conseil municipal.",
        contact=[{"name": "Mairie de Roques", "email": "mairie@roques.example"}],
    )
    page = _page(app.get(f"/dataset/{dataset['name']}"))
    assert page.html["lang"] == "fr"
    assert page.select_one("h1").get_text(strip=True) == "Délibérations"
    # CKAN's headings and the labels of our scheming schema, in French.
    rows = {
        th.get_text(strip=True): th.find_next("td").get_text(strip=True)
        for th in page.select("table th")
    }
    assert {"Champ", "Valeur"} <= rows.keys()
    assert rows["Fréquence de mise à jour"] == "Annuelle"
