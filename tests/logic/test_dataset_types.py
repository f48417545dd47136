"""The SCDL dataset types: created through the API and the forms, in French."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests.helpers import call_action

from ckanext.haute_garonne.standards import registry

SCDL_TYPES = [t.name for t in registry.DATASET_TYPES]
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"


def _create(app, headers: dict[str, str], **data: Any):
    return app.post("/api/3/action/package_create", json=data, headers=headers)


def test_scheming_lists_the_six_scdl_types_and_the_generic_one():
    assert sorted(call_action("scheming_dataset_schema_list")) == sorted(
        [
            "dataset",
            "deliberations",
            "subventions",
            "marches",
            "adresses",
            "equipements",
            "prenoms",
        ]
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("dataset_type", SCDL_TYPES)
def test_an_editor_creates_each_type_with_minimal_metadata(
    app, editor, roques, dataset_type
):
    response = _create(
        app,
        editor["headers"],
        type=dataset_type,
        name=f"{dataset_type}-roques",
        title=f"Jeu {dataset_type} de Roques",
        notes="Publié par la commune.",
        owner_org=roques["id"],
    )
    assert response.status_code == 200, response.json
    dataset = response.json["result"]
    standard = registry.standards_for(dataset_type)[0]
    # Defaults: the type's first standard at its latest version, Licence
    # Ouverte 2.0, the type's update frequency, the collectivité's territory.
    assert dataset["scdl_standard"] == standard.name
    assert dataset["scdl_version"] == standard.latest.version
    assert dataset["license_id"] == "lov2"
    assert dataset["frequency"].startswith(FREQUENCY)
    assert dataset["territory"] == ["31458"]
    assert dataset["theme"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_missing_required_field_is_refused_in_french_and_nothing_is_created(
    app, editor, roques
):
    response = _create(
        app,
        editor["headers"],
        type="deliberations",
        name="sans-description",
        title="Délibérations",
        owner_org=roques["id"],
    )
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert error["notes"] == ["Valeur manquante"]
    assert (
        call_action("package_search", q="name:sans-description", include_private=True)[
            "count"
        ]
        == 0
    )
    assert app.get("/api/3/action/package_show?id=sans-description").status_code == 404


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_unknown_version_is_refused_in_french(app, editor, roques):
    response = _create(
        app,
        editor["headers"],
        type="deliberations",
        name="deliberations-1999",
        title="Délibérations",
        notes="Anciennes.",
        owner_org=roques["id"],
        scdl_version="1.0",
    )
    assert response.status_code == 409
    assert response.json["error"]["scdl_version"] == [
        "Version non acceptée pour scdl/deliberations ; versions acceptées : 2.1.5."
    ]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_bal_dataset_accepts_the_previous_version_and_a_bad_insee_code_is_refused(
    app, editor, roques
):
    response = _create(
        app,
        editor["headers"],
        type="adresses",
        name="bal-roques",
        title="Base adresse locale de Roques",
        notes="Adresses de la commune.",
        owner_org=roques["id"],
        scdl_version="1.4",
        territory="31458 3145",
    )
    assert response.status_code == 409
    assert "3145" in response.json["error"]["territory"][0]
    assert "scdl_version" not in response.json["error"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_editor_cannot_publish_for_another_collectivite(
    app, editor, make_collectivite
):
    other = make_collectivite(name="labege", title="Labège")
    response = _create(
        app,
        editor["headers"],
        type="subventions",
        name="subventions-labege",
        title="Subventions",
        notes="Subventions de Labège.",
        owner_org=other["id"],
    )
    assert response.status_code == 403


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_file_inherits_the_dataset_version_unless_it_sets_its_own(
    app, editor, roques, allow_local
):
    # Each file is a link (an SCDL dataset's files are never empty entries),
    # served by a local server the portal is allowed to fetch from.
    bal = Path(__file__).resolve().parents[1] / "data" / "bal"
    old_url = allow_local.file("/ancienne.csv", (bal / "1.4/valid.csv").read_bytes())
    new_url = allow_local.file("/nouvelle.csv", (bal / "1.5/valid.csv").read_bytes())
    dataset = _create(
        app,
        editor["headers"],
        type="adresses",
        name="bal-roques",
        title="Base adresse locale de Roques",
        notes="Adresses de la commune.",
        owner_org=roques["id"],
        scdl_version="1.4",
        resources=[
            {"name": "Ancienne", "url": old_url},
            {
                "name": "Nouvelle",
                "url": new_url,
                "scdl_version": "1.5",
            },
        ],
    ).json["result"]
    old, new = dataset["resources"]
    assert registry.schema_version_for(dataset, old).version == "1.4"
    assert registry.schema_version_for(dataset, new).version == "1.5"
    assert registry.schema_version_for(dataset, new).url == (
        "https://schema.data.gouv.fr/schemas/etalab/schema-bal/1.5.0/schema.yml"
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("dataset_type", [*SCDL_TYPES, "dataset"])
def test_each_create_form_renders_in_french(app, editor, dataset_type):
    response = app.get(f"/{dataset_type}/new", headers=editor["headers"])
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    labels = {
        label.get_text(" ", strip=True).lstrip("* ").strip()
        for label in page.select("form label")
    }
    assert {
        "Titre",
        "Description",
        "Collectivité",
        "Licence",
        "Fréquence de mise à jour",
    } <= labels
    if dataset_type != "dataset":
        assert {"Standard suivi", "Version du standard"} <= labels


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_form_refuses_a_missing_description_in_french(app, editor, roques):
    response = app.post(
        "/deliberations/new",
        data={
            "name": "deliberations-roques",
            "title": "Délibérations",
            "notes": "",
            "owner_org": roques["id"],
            "save": "",
        },
        headers=editor["headers"],
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    errors = " ".join(page.select_one(".error-explanation").get_text(" ").split())
    assert "Le formulaire contient des entrées invalides" in errors
    assert "Description : Valeur manquante" in errors
    assert (
        call_action("package_search", include_private=True, include_drafts=True)[
            "count"
        ]
        == 0
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_type_search_page_speaks_french(app, editor, roques):
    _create(
        app,
        editor["headers"],
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=roques["id"],
    )
    page = BeautifulSoup(app.get("/subventions/").get_data(as_text=True), "html.parser")
    text = " ".join(page.get_text(" ").split())
    assert "subventionss" not in text.lower()
    assert "1 jeu de données trouvé" in text
    assert page.select_one(".breadcrumb .active").get_text(strip=True) == "Subventions"
