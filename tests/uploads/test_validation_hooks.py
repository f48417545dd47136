"""SCDL files are validated when they are uploaded, before anything is saved."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
# The same grant with a decimal comma and a date as a French spreadsheet
# writes them: two mistakes a publisher makes every day.
INVALID = "\r\n".join(
    [HEADER, FIRST.replace("2024-04-11", "11/04/2024").replace(",2400,", ',"2400,50",')]
).encode()


def _upload(
    app,
    headers: dict[str, str],
    dataset_id: str,
    body: bytes,
    name: str = "subventions.csv",
    action: str = "resource_create",
    **extra: Any,
):
    return app.post(
        f"/api/3/action/{action}",
        data={
            "package_id": dataset_id,
            "name": "Subventions 2024",
            **extra,
            "upload": (io.BytesIO(body), name),
        },
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_invalid_upload_is_refused_with_french_errors_and_nothing_is_created(
    app, editor, subventions
):
    response = _upload(app, editor["headers"], subventions["id"], INVALID)
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert "Subventions 2.1.1" in error["url"][0]
    fields = {e["field"] for e in error["validation"]}
    assert {"dateConvention", "montant"} <= fields
    assert all(
        e["message"] and e["row"] == 2
        for e in error["validation"]
        if e["field"] in fields
    )
    assert call_action("package_show", id=subventions["id"])["resources"] == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_valid_upload_is_created_with_status_valid_and_its_badge(
    app, editor, subventions
):
    response = _upload(app, editor["headers"], subventions["id"], VALID)
    assert response.status_code == 200, response.json
    resource = response.json["result"]
    validation = call_action(
        "haute_garonne_validation_show", resource_id=resource["id"]
    )
    assert validation["status"] == "valid"
    assert validation["version"] == "2.1.1"
    assert validation["report"]["rows"] == len(VALID.decode().splitlines()) - 1

    page = BeautifulSoup(
        app.get(f"/subventions/subventions-roques/resource/{resource['id']}").get_data(
            as_text=True
        ),
        "html.parser",
    )
    badge = page.select_one(".haute-garonne-validation-badge")
    assert badge.get_text(strip=True) == "Conforme à Subventions 2.1.1"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_invalid_replacement_keeps_the_previous_file(app, editor, subventions):
    resource = _upload(app, editor["headers"], subventions["id"], VALID).json["result"]
    response = _upload(
        app,
        editor["headers"],
        subventions["id"],
        INVALID,
        action="resource_update",
        id=resource["id"],
    )
    assert response.status_code == 409
    kept = call_action("resource_show", id=resource["id"])
    assert kept["url"] == resource["url"]
    assert (
        call_action("haute_garonne_validation_show", resource_id=resource["id"])[
            "status"
        ]
        == "valid"
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_generic_dataset_is_validated_only_when_a_file_declares_a_standard(
    app, editor, roques
):
    dataset = call_action(
        "package_create",
        name="divers",
        title="Divers",
        notes="Autres données.",
        owner_org=roques["id"],
        frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    )
    response = _upload(app, editor["headers"], dataset["id"], INVALID)
    assert response.status_code == 200
    resource = response.json["result"]
    assert (
        app.get(
            f"/api/3/action/haute_garonne_validation_show?resource_id={resource['id']}"
        ).status_code
        == 404
    )

    # ...unless the file declares a standard of the portal.
    declared = _upload(
        app, editor["headers"], dataset["id"], INVALID, scdl_standard="subventions"
    )
    assert declared.status_code == 409
    assert declared.json["error"]["validation"]
    accepted = _upload(
        app, editor["headers"], dataset["id"], VALID, scdl_standard="subventions"
    )
    assert accepted.status_code == 200, accepted.json
    shown = call_action(
        "haute_garonne_validation_show", resource_id=accepted.json["result"]["id"]
    )
    assert (shown["standard"], shown["status"]) == ("subventions", "valid")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_file_given_by_url_is_downloaded_and_validated(
    app, editor, subventions, allow_local
):
    response = app.post(
        "/api/3/action/resource_create",
        json={
            "package_id": subventions["id"],
            "url": allow_local.file("/subventions.csv", INVALID),
        },
        headers=editor["headers"],
    )
    assert response.status_code == 409
    assert response.json["error"]["validation"]
    missing = app.post(
        "/api/3/action/resource_create",
        json={
            "package_id": subventions["id"],
            "url": allow_local.url("/absent.csv"),
        },
        headers=editor["headers"],
    )
    assert missing.status_code == 409
    assert "n'a pas pu être téléchargé" in missing.json["error"]["url"][0]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_form_shows_the_french_report_inline(app, editor, subventions):
    response = app.post(
        "/subventions/subventions-roques/resource/new",
        data={
            "id": "",
            "name": "Subventions 2024",
            "save": "go-metadata",
            "upload": (io.BytesIO(INVALID), "subventions.csv"),
        },
        headers=editor["headers"],
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    report = page.select_one(".haute-garonne-form-report")
    assert report is not None, page.select_one(
        "#resource-edit, .error-explanation, main"
    )
    columns = [
        row.select("td")[1].get_text(strip=True) for row in report.select("tbody tr")
    ]
    assert "montant" in columns
    assert call_action("package_show", id=subventions["id"])["resources"] == []


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@pytest.mark.ckan_config("ckanext.haute_garonne.validation.sync_max_size", 0)
def test_a_large_file_is_saved_then_validated_by_a_background_job(
    app, editor, subventions
):
    response = _upload(app, editor["headers"], subventions["id"], INVALID)
    assert response.status_code == 200, response.json
    resource = response.json["result"]
    assert (
        call_action("haute_garonne_validation_show", resource_id=resource["id"])[
            "status"
        ]
        == "pending"
    )
    pending_url = (
        f"/subventions/subventions-roques/resource/{resource['id']}/validation"
    )
    page = app.get(pending_url, headers=editor["headers"])
    assert "Validation en cours" in page.get_data(as_text=True)
    # A file without a verdict is not public.
    assert app.get(pending_url).status_code == 403
    assert (
        app.get(f"/api/3/action/resource_show?id={resource['id']}").status_code == 403
    )

    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ckan")), "-c", ini, "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]

    validation = call_action(
        "haute_garonne_validation_show", resource_id=resource["id"]
    )
    assert validation["status"] == "invalid", result.stderr[-2000:]
    report_url = f"/subventions/subventions-roques/resource/{resource['id']}/validation"
    # The report of a hidden file is for the collectivité only.
    assert app.get(report_url).status_code == 403
    report = BeautifulSoup(
        app.get(report_url, headers=editor["headers"]).get_data(as_text=True),
        "html.parser",
    )
    assert (
        report.select_one(".haute-garonne-validation-badge")
        .get_text(strip=True)
        .startswith("Non conforme")
    )
    assert report.select("table.haute-garonne-errors tbody tr")

    # The invalid file is kept out of public view until it is fixed...
    public = app.get(f"/api/3/action/package_show?id={subventions['id']}").json[
        "result"
    ]
    assert public["resources"] == []
    assert (
        app.get(f"/api/3/action/resource_show?id={resource['id']}").status_code == 403
    )
    found = app.get("/api/3/action/package_search?q=name:subventions-roques").json[
        "result"
    ]
    assert found["results"][0]["resources"] == []
    # ...but the collectivité's editors see it, and its report.
    mine = app.get(
        f"/api/3/action/package_show?id={subventions['id']}", headers=editor["headers"]
    )
    assert [r["id"] for r in mine.json["result"]["resources"]] == [resource["id"]]
    assert (
        app.get(
            f"/api/3/action/resource_show?id={resource['id']}",
            headers=editor["headers"],
        ).status_code
        == 200
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_who_may_see_and_run_validations(app, editor, subventions, make_collectivite):
    resource = _upload(app, editor["headers"], subventions["id"], VALID).json["result"]
    anonymous = app.get(
        f"/api/3/action/haute_garonne_validation_show?resource_id={resource['id']}"
    )
    assert anonymous.status_code == 200

    other = factories.User()
    make_collectivite(users=[{"name": other["name"], "capacity": "editor"}])
    other_headers = {"Authorization": factories.APIToken(user=other["name"])["token"]}
    run = app.post(
        "/api/3/action/haute_garonne_validation_run",
        json={"resource_id": resource["id"]},
        headers=other_headers,
    )
    assert run.status_code == 403
    batch = app.post(
        "/api/3/action/haute_garonne_validation_run_all",
        json={},
        headers=editor["headers"],
    )
    assert batch.status_code == 403
    mine = app.post(
        "/api/3/action/haute_garonne_validation_run",
        json={"resource_id": resource["id"]},
        headers=editor["headers"],
    )
    assert mine.status_code == 200
    assert mine.json["result"]["status"] == "pending"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_same_file_is_not_validated_twice(app, editor, subventions):
    from ckan import model

    from ckanext.haute_garonne.model import ResourceValidation

    resource = _upload(app, editor["headers"], subventions["id"], VALID).json["result"]
    again = _upload(
        app,
        editor["headers"],
        subventions["id"],
        VALID,
        action="resource_update",
        id=resource["id"],
    )
    assert again.status_code == 200
    rows = (
        model.Session.query(ResourceValidation)
        .filter_by(resource_id=resource["id"])
        .all()
    )
    assert [r.status for r in rows] == ["valid"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_files_given_inline_with_a_dataset_are_validated_too(
    app, editor, roques, allow_local
):
    bad_url = allow_local.file("/bad.csv", INVALID)
    good_url = allow_local.file("/good.csv", VALID)
    dataset = {
        "type": "subventions",
        "name": "subventions-inline",
        "title": "Subventions",
        "notes": "Subventions aux associations.",
        "owner_org": roques["id"],
    }
    bad = app.post(
        "/api/3/action/package_create",
        json={**dataset, "resources": [{"url": bad_url}]},
        headers=editor["headers"],
    )
    assert bad.status_code == 409
    assert bad.json["error"]["resources"][0]["validation"]
    assert (
        app.get("/api/3/action/package_show?id=subventions-inline").status_code == 404
    )

    good = app.post(
        "/api/3/action/package_create",
        json={
            **dataset,
            "resources": [{"url": good_url}],
        },
        headers=editor["headers"],
    )
    assert good.status_code == 200, good.json
    (resource,) = good.json["result"]["resources"]
    assert (
        call_action("haute_garonne_validation_show", resource_id=resource["id"])[
            "status"
        ]
        == "valid"
    )

    patched = app.post(
        "/api/3/action/package_update",
        json={
            **dataset,
            "id": good.json["result"]["id"],
            "resources": [{"id": resource["id"], "url": bad_url}],
        },
        headers=editor["headers"],
    )
    assert patched.status_code == 409
    kept = call_action("package_show", id="subventions-inline")["resources"][0]
    assert kept["url"] == good_url


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_kept_file_is_validated_again_when_its_standard_changes(
    app, editor, roques, allow_local
):
    good_url = allow_local.file("/good.csv", VALID)
    dataset = {
        "type": "dataset",
        "name": "donnees-roques",
        "title": "Données de Roques",
        "notes": "Un fichier qui suit un standard.",
        "owner_org": roques["id"],
        "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    }
    created = app.post(
        "/api/3/action/package_create",
        json={
            **dataset,
            "resources": [
                {
                    "url": good_url,
                    "scdl_standard": "subventions",
                }
            ],
        },
        headers=editor["headers"],
    )
    assert created.status_code == 200, created.json
    (resource,) = created.json["result"]["resources"]
    shown = call_action("haute_garonne_validation_show", resource_id=resource["id"])
    assert (shown["standard"], shown["status"]) == ("subventions", "valid")

    # Same file, another standard: its "valid" no longer holds.
    updated = app.post(
        "/api/3/action/package_update",
        json={
            **dataset,
            "id": created.json["result"]["id"],
            "resources": [{**resource, "scdl_standard": "prenoms"}],
        },
        headers=editor["headers"],
    )
    assert updated.status_code == 200, updated.json
    shown = call_action("haute_garonne_validation_show", resource_id=resource["id"])
    assert (shown["standard"], shown["status"]) == ("prenoms", "pending")
    titles = [j["title"] for j in call_action("job_list")]
    assert f"haute_garonne validation {resource['id']}" in titles


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_search_pages_have_a_conformite_facet(app, editor, subventions, roques):
    assert _upload(app, editor["headers"], subventions["id"], VALID).status_code == 200
    generic = call_action(
        "package_create",
        type="dataset",
        name="donnees-roques",
        title="Données de Roques",
        notes="Un fichier qui suit un standard.",
        owner_org=roques["id"],
        frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    )
    response = _upload(
        app, editor["headers"], generic["id"], VALID, scdl_standard="subventions"
    )
    assert response.status_code == 200, response.json

    for path in ("/dataset/", "/subventions/", "/organization/roques"):
        page = BeautifulSoup(app.get(path).body, "html.parser")
        headings = [h.get_text(" ", strip=True) for h in page.select(".module-heading")]
        assert any(h.startswith("Conformité") for h in headings), (path, headings)
        items = page.select("a[href*='validation_status=valid']")
        assert any("Conforme à son standard" in a.get_text() for a in items), path
    found = app.get("/dataset/?validation_status=valid").body
    assert "donnees-roques" in found and "subventions-roques" in found


def _ods_bomb() -> bytes:
    """About 1 kB: the valid row repeated a million times."""
    import zipfile

    def row(line: str, repeat: int = 1) -> str:
        cells = "".join(
            '<table:table-cell office:value-type="string"><text:p>'
            f"{value}</text:p></table:table-cell>"
            for value in line.split(",")
        )
        attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
        return f"<table:table-row{attribute}>{cells}</table:table-row>"

    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
        'xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
        'table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        "<office:body><office:spreadsheet><table:table>"
        + row(HEADER)
        + row(FIRST.replace('"', ""), 1_000_000)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return out.getvalue()


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_spreadsheet_bomb_is_refused_in_french_without_the_web_process_growing(
    app, editor, subventions
):
    import resource

    bomb = _ods_bomb()
    assert len(bomb) < 2048
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = _upload(app, editor["headers"], subventions["id"], bomb, "bombe.ods")
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert response.status_code == 409
    message = response.json["error"]["url"][0]
    assert message.startswith("Le fichier est trop volumineux une fois décompressé")
    assert call_action("package_show", id=subventions["id"])["resources"] == []
    assert grown < 150 * 1024  # kB


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@pytest.mark.ckan_config("ckanext.haute_garonne.validation.request_seconds", "0")
def test_a_file_too_long_to_check_within_the_request_is_left_to_a_job(
    app, editor, subventions
):
    response = _upload(app, editor["headers"], subventions["id"], VALID)
    assert response.status_code == 200, response.json
    resource = response.json["result"]
    validation = call_action(
        "haute_garonne_validation_show", resource_id=resource["id"]
    )
    assert validation["status"] == "pending"
