"""No dead ends after a refused upload: the publisher retries on the same
page, a dataset left without a file offers to add one, badges lead to their
report, and the refusal explains as much as the report does, in words."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
# A decimal comma and a French date: two mistakes with their own tips.
INVALID = "\r\n".join(
    [HEADER, FIRST.replace("2024-04-11", "11/04/2024").replace(",2400,", ',"2400,50",')]
).encode()
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
WITH_ACTIVITY = "haute_garonne dcat scheming_datasets scheming_organizations activity"


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _new_resource(app, editor: dict[str, Any], dataset: str, body: bytes, **extra):
    return app.post(
        f"/subventions/{dataset}/resource/new",
        data={"id": "", "name": "Subventions 2024", "save": "go-metadata",
              "upload": (io.BytesIO(body), "subventions.csv"), **extra},
        headers=editor["headers"], content_type="multipart/form-data",
    )  # fmt: skip


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_refused_first_upload_is_retried_on_the_same_page(app, editor, roques):
    # Stage 1 of the dataset form: the dataset is saved as a draft.
    created = app.post(
        "/subventions/new",
        data={"title": "Subventions 2024", "name": "subventions-2024",
              "notes": "Subventions aux associations.", "owner_org": roques["id"],
              "frequency": ANNUAL, "_ckan_phase": "dataset_new_1", "pkg_name": "",
              "save": "continue"},
        headers=editor["headers"], follow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 302
    assert created.headers["Location"].endswith(
        "/subventions/subventions-2024/resource/new"
    )
    assert call_action("package_show", id="subventions-2024")["state"] == "draft"

    refused = _new_resource(app, editor, "subventions-2024", INVALID)
    assert refused.status_code == 200
    page = _page(refused)
    form = page.select_one("form#resource-edit")
    # The form posts to the page it is on, ready for the next try.
    assert form.get("action", "") in ("", "/subventions/subventions-2024/resource/new")
    assert form.select_one("input[name=upload]") is not None
    assert page.select_one(".haute-garonne-form-report") is not None

    # Left there, the draft waits on "Ma collectivité" with its action.
    mine = _page(app.get("/ma-collectivite/roques", headers=editor["headers"]))
    draft = mine.select_one("[data-dataset=subventions-2024]")
    assert draft["data-state"] == "draft"
    action = draft.select_one("a.hg-action")
    assert action.get_text(strip=True) == "Ajouter un fichier"
    assert action["href"] == "/subventions/subventions-2024/resource/new"

    # The next try publishes it.
    published = _new_resource(app, editor, "subventions-2024", VALID)
    assert published.status_code == 200
    dataset = call_action("package_show", id="subventions-2024")
    assert dataset["state"] == "active"
    assert len(dataset["resources"]) == 1


@pytest.mark.parametrize("plugins", ["", WITH_ACTIVITY])
@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_dataset_without_file_offers_to_add_one(
    app, make_collectivite, plugins, migrate_db_for
):
    if plugins:
        # The activity plugin draws this part of the page without any link.
        migrate_db_for("activity")
    roques = make_collectivite(name="roques", title="Roques")
    editor = factories.User()
    call_action(
        "organization_member_create", id=roques["id"], username=editor["name"],
        role="editor",
    )  # fmt: skip
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    as_editor = {"user": editor["name"]}
    call_action(
        "package_create", as_editor, type="subventions", name="subventions-vide",
        title="Subventions", notes="Vide.", owner_org=roques["id"], state="draft",
        frequency=ANNUAL,
    )  # fmt: skip
    page = _page(app.get("/subventions/subventions-vide", headers=headers))
    link = page.select_one("#dataset-resources a.hg-add-file")
    assert link is not None, page.select_one("#dataset-resources")
    assert link["href"] == "/subventions/subventions-vide/resource/new"
    assert link.get_text(strip=True) == "Ajouter un fichier"
    stranger = factories.User()
    headers = {"Authorization": factories.APIToken(user=stranger["name"])["token"]}
    call_action("package_patch", as_editor, id="subventions-vide", state="active")
    other = _page(app.get("/subventions/subventions-vide", headers=headers))
    assert other.select_one("#dataset-resources") is not None
    assert other.select_one("a.hg-add-file") is None


@pytest.fixture(autouse=True)
def _plugins(request: pytest.FixtureRequest, ckan_config, monkeypatch) -> None:
    """Load the activity plugin too when a test is parametrised with it."""
    callspec = getattr(request.node, "callspec", None)
    if callspec and callspec.params.get("plugins"):
        monkeypatch.setitem(ckan_config, "ckan.plugins", callspec.params["plugins"])


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_badge_links_to_the_report_in_french_words(
    app, editor, roques, background_file
):
    dataset = call_action(
        "package_create", type="subventions", name="subventions-roques",
        title="Subventions", notes="Aux associations.", owner_org=roques["id"],
    )  # fmt: skip
    resource = background_file(dataset, INVALID)
    page = _page(app.get("/subventions/subventions-roques", headers=editor["headers"]))
    badge = page.select_one(".resource-item a.haute-garonne-validation-badge")
    assert badge is not None
    report_url = f"/subventions/subventions-roques/resource/{resource['id']}/validation"
    assert badge["href"] == report_url

    report = _page(app.get(report_url, headers=editor["headers"]))
    kinds = report.select_one(".haute-garonne-error-counts")
    text = kinds.get_text(" ", strip=True)
    assert "type-error" not in text and kinds.select("code") == []
    assert "Valeur du mauvais type" in text
    # The way out: replace the file.
    replace = report.select_one("a.haute-garonne-replace")
    assert replace["href"] == (
        f"/subventions/subventions-roques/resource/{resource['id']}/edit"
    )
    # The form that refuses the same file gives the same tips.
    tips = [li.get_text(strip=True) for li in report.select(".haute-garonne-hints li")]
    assert len(tips) >= 2
    other = call_action(
        "package_create", type="subventions", name="subventions-2",
        title="Subventions 2", notes="Aux associations.", owner_org=roques["id"],
    )  # fmt: skip
    refused = _page(_new_resource(app, editor, other["name"], INVALID))
    form_tips = [
        li.get_text(strip=True) for li in refused.select(".haute-garonne-hints li")
    ]
    assert form_tips == tips
    # …and the error list above the form does not print them raw.
    assert "validation_hints" not in refused.select_one(".error-explanation").get_text()
