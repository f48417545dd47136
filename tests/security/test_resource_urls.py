"""A file of an SCDL dataset is an upload or an http(s) link, never nothing:
a resource without either is refused in French, by the API and by the
form, and nothing is saved (the feeds would otherwise carry a distribution
without the ``dcat:accessURL`` DCAT-AP requires; tests/dcat/
test_distribution_urls.py checks the feeds leave out older ones)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
REFUSED = "Déposez le fichier, ou indiquez l'adresse web"


def _resources(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    return call_action("package_show", id=dataset["id"])["resources"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_scdl_resource_without_a_file_or_a_link_is_refused(
    app: Any, editor: dict[str, Any], subventions: dict[str, Any]
) -> None:
    for extra in (
        {},
        {"url": ""},
        {"url": "   "},
        {"url": "subventions.csv"},
        {"url": "ftp://ftp.roques.example/subventions.csv"},
        {"url": "javascript:alert(1)"},
        {"url": "http://"},
        {"url": "http://["},
    ):
        response = app.post(
            "/api/3/action/resource_create",
            json={"package_id": subventions["id"], "name": "Fichier", **extra},
            headers=editor["headers"],
        )
        assert response.status_code == 409, extra
        # (the outbound-fetch policy may be the first to refuse a link)
        assert "adresse web" in response.json["error"]["url"][0], extra
    assert _resources(subventions) == []

    # Inline with the dataset too.
    response = app.post(
        "/api/3/action/package_update",
        json={**subventions, "resources": [{"name": "Fichier"}]},
        headers=editor["headers"],
    )
    assert response.status_code == 409
    assert REFUSED in str(response.json["error"]["resources"])
    assert _resources(subventions) == []

    # The form says it next to the field.
    response = app.post(
        "/subventions/subventions-roques/resource/new",
        data={"id": "", "name": "Fichier", "url": "", "save": "go-metadata"},
        headers=editor["headers"],
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert REFUSED in page.select_one(".error-explanation").get_text(" ")
    assert _resources(subventions) == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_upload_or_a_link_is_accepted_and_cannot_be_cleared(
    app: Any, editor: dict[str, Any], subventions: dict[str, Any]
) -> None:
    response = app.post(
        "/api/3/action/resource_create",
        data={
            "package_id": subventions["id"],
            "name": "Fichier",
            "upload": (io.BytesIO(VALID), "subventions.csv"),
        },
        headers=editor["headers"],
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    resource = response.json["result"]
    assert resource["url_type"] == "upload"

    # Emptying its address would leave a resource without a file.
    response = app.post(
        "/api/3/action/resource_patch",
        json={"id": resource["id"], "url": "", "url_type": ""},
        headers=editor["headers"],
    )
    assert response.status_code == 409
    assert REFUSED in response.json["error"]["url"][0]
    (kept,) = _resources(subventions)
    assert kept["url_type"] == "upload"
    assert kept["url"].endswith("/subventions.csv")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_generic_dataset_may_still_describe_a_file_to_come(
    app: Any, editor: dict[str, Any], roques: dict[str, Any], make_dataset: Any
) -> None:
    dataset = make_dataset(owner_org=roques["id"])
    response = app.post(
        "/api/3/action/resource_create",
        json={"package_id": dataset["id"], "name": "À venir"},
        headers=editor["headers"],
    )
    assert response.status_code == 200
