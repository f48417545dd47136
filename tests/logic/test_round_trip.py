"""Every form round-trips: opening the edit form of an existing record and
saving it unchanged, as a browser would, succeeds and changes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from browser_form import submit
from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage

from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests/data"
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"

# Per dataset type: the dataset's standard and version, and the file of its
# resource with the standard and version it declares itself (not always the
# dataset's, nor the latest), so that every field holds a value.
RECORDS = {
    "dataset": (None, None, "subventions", "2.1.1", "subventions/2.1.1/valid.csv"),
    "deliberations": (
        "deliberations", "2.1.5", "deliberations", "2.1.5",
        "deliberations/2.1.5/valid.csv",
    ),
    "subventions": (
        "subventions", "2.1.1", "subventions", "2.1.1", "subventions/2.1.1/valid.csv",
    ),
    "marches": ("decp-table", "2.0.0", "decp", "2.0.2", "decp-json/2.0.2/valid.json"),
    "adresses": ("bal", "1.4", "bal", "1.5", "bal/1.5/valid.csv"),
    "equipements": (
        "equipements", "0.1.5", "equipements", "0.1.5", "equipements/0.1.5/valid.csv",
    ),
    "prenoms": ("prenoms", "1.1.6", "prenoms", "1.1.6", "prenoms/1.1.6/valid.csv"),
}  # fmt: skip

# Set by every save, or kept by CKAN outside the form.
VOLATILE = {"metadata_modified", "revision_id"}


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def _errors(response: Any) -> str:
    """What a refused form says, to read in a failed assertion."""
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = page.select(".error-explanation, .error-block, .alert-error, .alert-danger")
    return " | ".join(e.get_text(" ", strip=True) for e in found) or str(
        response.status_code
    )


@pytest.fixture
def full_dataset(roques: dict[str, Any]):
    """A dataset of a type and its file, every field filled in."""

    def make(dataset_type: str) -> dict[str, Any]:
        standard, version, file_standard, file_version, path = RECORDS[dataset_type]
        fields: dict[str, Any] = {
            "type": dataset_type,
            "name": f"complet-{dataset_type}",
            "title": f"Jeu complet ({dataset_type})",
            "notes": "Première ligne.\n\nDeuxième paragraphe, *en Markdown*.",
            "owner_org": roques["id"],
            "tag_string": "conseil municipal,budget",
            "theme": [THEME + "GOVE", THEME + "ECON"],
            "license_id": "odc-odbl",
            "frequency": FREQUENCY + "MONTHLY",
            "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
            "territory": ["31458", "31003"],
            "contact": [{"name": "Service des assemblées", "email": "a@roques.fr"}],
        }
        if standard:
            fields.update(scdl_standard=standard, scdl_version=version)
        dataset = call_action("package_create", **fields)
        body = (DATA / path).read_bytes()
        call_action(
            "resource_create",
            package_id=dataset["id"],
            name="Fichier 2025",
            description="Le fichier de l'année.\n\nDécrit *en Markdown*.",
            format=Path(path).suffix[1:].upper(),
            scdl_standard=file_standard,
            scdl_version=file_version,
            upload=FileStorage(io.BytesIO(body), Path(path).name),
        )
        return call_action("package_show", id=dataset["id"])

    return make


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("dataset_type", list(RECORDS))
def test_saving_a_dataset_form_unchanged_changes_nothing(
    app, editor, full_dataset, dataset_type
):
    before = full_dataset(dataset_type)
    assert before["territory"] == ["31458", "31003"]
    response = submit(
        app,
        f"/{dataset_type}/edit/{before['name']}",
        "form#dataset-edit",
        editor["headers"],
    )
    assert response.status_code == 302, _errors(response)
    after = call_action("package_show", id=before["id"])
    assert _stable(after) == _stable(before)


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("dataset_type", list(RECORDS))
def test_saving_a_resource_form_unchanged_changes_nothing(
    app, editor, full_dataset, dataset_type
):
    before = full_dataset(dataset_type)
    resource = before["resources"][0]
    response = submit(
        app,
        f"/{dataset_type}/{before['name']}/resource/{resource['id']}/edit",
        "form#resource-edit",
        editor["headers"],
    )
    assert response.status_code == 302, _errors(response)
    after = call_action("package_show", id=before["id"])
    assert _stable(after) == _stable(before)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_saving_a_collectivite_form_unchanged_changes_nothing(
    app, make_collectivite, sysadmin_headers
):
    sicoval = make_collectivite(name="sicoval", title="Sicoval", siren="243100633")
    org = make_collectivite(
        name="roques",
        title="Commune de Roques",
        notes="La commune de Roques.\n\nSes données publiques.",
        kind="commune",
        siren="213104581",
        insee="31458",
        epci_siren=sicoval["siren"],
        population=5436,
        agents=62,
        website="https://www.mairie-roques.fr",
        email="donnees@mairie-roques.fr",
        address="Place de la Mairie, 31120 Roques",
        image_url="https://www.mairie-roques.fr/logo.png",
        banner_url="https://www.mairie-roques.fr/banniere.png",
        primary_color="#005a8c",
        secondary_color="#e5f0f7",
        tagline="Les données publiques de Roques",
    )
    before = call_action("organization_show", id=org["id"])
    assert before["open_data_obligation"] is True
    response = submit(
        app,
        "/organization/edit/roques",
        "form[data-module=basic-form]",
        sysadmin_headers,
    )
    assert response.status_code == 302, _errors(response)
    after = call_action("organization_show", id=org["id"])
    assert _stable(after) == _stable(before)
