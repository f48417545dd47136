"""NUL bytes: PostgreSQL cannot store them in text, so a NUL anywhere (URL,
query, form field, file name, JSON body, CSV cell, action parameter) gets a
French refusal instead of a database error, and nothing is saved."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.collectivites.onboarding import onboard

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
REFUSED = "caractère nul (octet 0)"


@pytest.fixture
def in_french(app: Any) -> Any:
    """Actions called from Python (a job, a command) speak the portal's
    language inside a request context of its own."""
    with app.flask_app.test_request_context():
        yield


def _text(response: Any) -> str:
    return response.get_data().decode("utf-8", "replace")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_nul_in_a_url_or_a_query_gets_a_french_400(
    app: Any, roques: dict[str, Any]
) -> None:
    for url in (
        "/socle-commun/%00",
        "/organization/ro%00ques",
        "/organization/%00/catalog.ttl",
        "/dataset/%00",
        "/subventions/a%00b.ttl",
        "/dataset/?q=%00",
        "/organization/?q=a%00",
        "/catalog.ttl?q=%00",
        "/socle-commun?kind=%00",
        "/standards?x%00=1",
    ):
        response = app.get(url)
        assert response.status_code == 400, url
        assert REFUSED in _text(response), url
    response = app.get("/api/3/action/organization_show?id=%00")
    assert response.status_code == 400
    assert response.json["success"] is False
    assert REFUSED in response.json["error"]["message"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_nul_in_a_dataset_or_organisation_form_gets_a_french_400(
    app: Any, roques: dict[str, Any], editor: dict[str, Any], sysadmin_headers: Any
) -> None:
    form = {
        "title": "Subventions\x00 de Roques",
        "name": "subventions-roques",
        "notes": "Subventions aux associations.",
        "owner_org": roques["id"],
        "frequency": ANNUAL,
        "save": "continue",
    }
    response = app.post("/subventions/new", data=form, headers=editor["headers"])
    assert response.status_code == 400
    assert REFUSED in _text(response)
    assert model.Package.get("subventions-roques") is None

    response = app.post(
        f"/organization/edit/{roques['name']}",
        data={"title": "Roques", "name": "roques", "address": "1 place\x00 de la Mairie",
              "kind": "commune", "siren": "213104581", "save": "save"},
        headers=sysadmin_headers,
    )  # fmt: skip
    assert response.status_code == 400
    assert REFUSED in _text(response)
    assert call_action("organization_show", id="roques").get("address") != (
        "1 place\x00 de la Mairie"
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_nul_in_an_api_body_or_a_file_name_gets_a_400(
    app: Any, roques: dict[str, Any], editor: dict[str, Any], sysadmin_headers: Any
) -> None:
    dataset = {
        "type": "subventions",
        "name": "subventions-roques",
        "title": "Subventions de Roques",
        "notes": "Des\x00 subventions.",
        "owner_org": roques["id"],
        "frequency": ANNUAL,
    }
    url = "/api/3/action/package_create"
    for request in (
        {"json": dataset},
        # CKAN's API also reads a JSON document sent as a form's only key.
        {"data": json.dumps(dataset), "content_type": "application/x-www-form-urlencoded"},
        {"data": {**dataset}},
    ):  # fmt: skip
        response = app.post(url, headers=editor["headers"], **request)
        assert response.status_code == 400, request
        assert REFUSED in response.json["error"]["message"]
    assert model.Package.get("subventions-roques") is None
    # Any action, not only ours: a user's full name.
    response = app.post(
        "/api/3/action/user_update",
        json={
            "id": editor["name"],
            "fullname": "Jean\x00",
            "email": "j@roques.example",
        },
        headers=editor["headers"],
    )
    assert response.status_code == 400

    created = call_action("package_create", **{**dataset, "notes": "Des subventions."})
    response = app.post(
        "/api/3/action/resource_create",
        data={
            "package_id": created["id"],
            "name": "Fichier",
            "upload": (io.BytesIO(VALID), "subventions\x00.csv"),
        },
        headers=editor["headers"],
    )
    assert response.status_code == 400
    assert call_action("package_show", id=created["id"])["resources"] == []


@pytest.mark.usefixtures("clean_db", "clean_index", "in_french")
def test_actions_called_from_python_refuse_a_nul_field_by_field(
    roques: dict[str, Any],
) -> None:
    def refused(action: str, **data: Any) -> dict[str, Any]:
        with pytest.raises(tk.ValidationError) as caught:
            call_action(action, **data)
        return caught.value.error_dict

    errors = refused(
        "package_create", type="subventions", name="subventions-roques",
        title="Subventions\x00", owner_org=roques["id"], frequency=ANNUAL,
    )  # fmt: skip
    assert REFUSED in errors["title"][0]
    assert model.Package.get("subventions-roques") is None

    dataset = call_action(
        "package_create", type="subventions", name="subventions-roques",
        title="Subventions", notes="Aides.", owner_org=roques["id"],
        frequency=ANNUAL,
    )  # fmt: skip
    errors = refused("package_patch", id=dataset["id"], notes="a\x00b")
    assert REFUSED in errors["notes"][0]
    errors = refused(
        "resource_create",
        package_id=dataset["id"],
        name="Fichier\x00",
        upload=FileStorage(io.BytesIO(VALID), "subventions.csv"),
    )
    assert REFUSED in errors["name"][0]
    assert call_action("package_show", id=dataset["id"])["resources"] == []

    errors = refused("organization_patch", id=roques["id"], address="1 place\x00")
    assert REFUSED in errors["address"][0]
    errors = refused(
        "organization_create", name="autre", title="Autre\x00", kind="commune",
        siren="213102544",
    )  # fmt: skip
    assert REFUSED in errors["title"][0]
    assert model.Group.get("autre") is None

    # Our own actions' parameters.
    sysadmin = factories.Sysadmin()
    for action, data in (
        ("haute_garonne_validation_show", {"resource_id": "\x00"}),
        ("haute_garonne_validation_run", {"resource_id": "a\x00"}),
        ("haute_garonne_validation_run_all", {"organization": "\x00"}),
        ("haute_garonne_dcat_catalog_show", {"organization": "ro\x00ques"}),
        ("dcat_dataset_show", {"id": "\x00", "format": "ttl"}),
    ):
        with pytest.raises(tk.ValidationError) as caught:
            call_action(action, {"user": sysadmin["name"]}, **data)
        assert REFUSED in str(caught.value.error_dict), action


@pytest.mark.usefixtures("clean_db", "in_french")
def test_onboarding_refuses_a_line_with_a_nul_and_applies_the_others(
    tmp_path: Path,
) -> None:
    path = tmp_path / "collectivites.csv"
    path.write_text(
        "siren,insee,title,kind,population\n"
        "213104466,31446,Ramonville-Saint-Agne,commune,15158\n"
        "213101132,31113,Castanet\x00-Tolosan,commune,14000\n",
        encoding="utf-8",
    )
    for dry_run in (True, False):
        report = onboard(path, dry_run=dry_run)
        first, second = report.lines
        assert first.status == "created"
        assert second.status == "refused"
        assert second.reasons[0].startswith("title:")
        assert REFUSED in second.reasons[0]
    assert call_action("organization_list") == ["ramonville-saint-agne"]
