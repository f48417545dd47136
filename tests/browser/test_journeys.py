"""The three everyday journeys, end to end in a real browser, with a
screenshot of each step in test-artifacts/browser/journeys/: a visitor, a
publisher of Roques, the département's admin."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from support import call_action, submit
from werkzeug.datastructures import FileStorage

from ckan.tests import factories

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "browser" / "journeys"
PASSWORD = "Editeur-Test-31"
FREQ = "http://publications.europa.eu/resource/authority/frequency/"
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_text(encoding="utf-8")
HEADER, FIRST = VALID.splitlines()[:2]


def _excel(text: str) -> bytes:
    """A CSV as French Excel saves it: semicolons, Windows-1252, CRLF."""
    lines = [line.replace(",", ";") for line in text.splitlines()]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


# Excel's CSV of the grants, one amount written in words.
FAULTY = _excel("\n".join([HEADER, FIRST.replace(",2400,", ",deux mille,")]))
FIXED = _excel("\n".join([HEADER, FIRST]))


def _shot(page: Page, journey: str, step: int, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"{journey}-{step:02d}-{name}.png"), full_page=True
    )


def _text(page: Page, selector: str = "body") -> str:
    return " ".join(page.locator(selector).first.inner_text().split())


def _login(page: Page, server: str, name: str) -> None:
    page.goto(f"{server}/user/login")
    page.fill("input[name=login]", name)
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("input[name=password]"), "Enter")


def _file(dataset: dict[str, Any], body: bytes, name: str = "subventions.csv"):
    return call_action(
        "resource_create",
        package_id=dataset["id"],
        name="Subventions 2024",
        upload=FileStorage(io.BytesIO(body), name, content_type="text/csv"),
    )


@pytest.fixture
def roques(make_collectivite):
    """Roques with a valid grants file, in the Sicoval."""
    org = make_collectivite(
        name="roques", title="Roques", siren="213104581", insee="31458",
        population=5436, agents=65,
    )  # fmt: skip
    dataset = call_action(
        "package_create", type="subventions", name="subventions-roques",
        title="Subventions de Roques", notes="Subventions aux associations.",
        owner_org=org["id"], frequency=FREQ + "ANNUAL",
    )  # fmt: skip
    _file(dataset, VALID.encode())
    return org


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_visitor_finds_the_portal_a_collectivite_a_dataset_and_the_standards(
    server, page, roques
):
    page.goto(server)
    _shot(page, "visitor", 1, "home")
    home = _text(page)
    assert "Bienvenue sur CKAN" not in home
    assert "Haute-Garonne" in home

    page.goto(f"{server}/organization/")
    submit(page, page.get_by_role("link", name="Roques").first)
    _shot(page, "visitor", 2, "collectivite")
    assert page.url.endswith("/organization/roques")
    assert "Subventions de Roques" in _text(page)

    submit(page, page.get_by_role("link", name="Subventions de Roques").first)
    _shot(page, "visitor", 3, "dataset")
    assert "Subventions aux associations." in _text(page)
    badge = page.locator(".haute-garonne-validation-badge").first
    assert badge.inner_text().strip() == "Conforme à Subventions 2.1.1"

    page.goto(f"{server}/standards")
    _shot(page, "visitor", 4, "standards")
    assert "Subventions" in _text(page, ".main")
    submit(page, page.get_by_role("link", name="Subventions").first)
    _shot(page, "visitor", 5, "standard")
    assert "montant" in _text(page, ".main")

    page.goto(f"{server}/socle-commun")
    _shot(page, "visitor", 6, "overview")
    assert "Roques" in _text(page, ".main")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_publisher_creates_fixes_publishes_edits_and_replaces(
    server, page, roques, tmp_path
):
    editor = factories.User(name="editeur-roques", password=PASSWORD)
    call_action(
        "organization_member_create", id=roques["id"], username=editor["name"],
        role="editor",
    )  # fmt: skip
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))

    _login(page, server, editor["name"])
    _shot(page, "publisher", 1, "ma-collectivite")
    assert page.url.endswith("/ma-collectivite/roques")
    assert "Roques" in _text(page, ".main")

    # Create a grants dataset (the one of Roques already exists: a second).
    page.goto(f"{server}/subventions/new?group={roques['id']}")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=title]", "Subventions 2025 de Roques")
    if page.locator("input[name=name]").is_visible():
        page.fill("input[name=name]", "subventions-2025-roques")
    page.fill("textarea[name=notes]", "Les subventions votées en 2025.")
    _shot(page, "publisher", 2, "new-dataset")
    submit(page, page.locator("form button[name=save]").last)
    _shot(page, "publisher", 3, "add-file")
    assert "/resource/new" in page.url
    new = page.url.split("/")[-3]

    # Excel's file, with an amount in words: refused, nothing saved.
    faulty = tmp_path / "subventions-excel.csv"
    faulty.write_bytes(FAULTY)
    page.set_input_files("input[name=upload]", str(faulty))
    page.fill("input[name=name]", "Subventions 2025")
    submit(page, page.locator("form#resource-edit button[name=save]").last)
    _shot(page, "publisher", 4, "refused")
    report = _text(page, ".haute-garonne-form-report")
    assert "montant" in report
    assert "deux mille" in report
    assert call_action("package_show", id=new)["resources"] == []

    # Fixed in the same file format: published.
    fixed = tmp_path / "subventions-excel-corrige.csv"
    fixed.write_bytes(FIXED)
    page.set_input_files("input[name=upload]", str(fixed))
    page.fill("input[name=name]", "Subventions 2025")
    submit(page, page.locator("form#resource-edit button[name=save]").last)
    page.goto(f"{server}/subventions/{new}")
    _shot(page, "publisher", 5, "published")
    badge = page.locator(".haute-garonne-validation-badge").first
    assert badge.inner_text().strip() == "Conforme à Subventions 2.1.1"
    dataset = call_action("package_show", id=new)
    assert dataset["state"] == "active" and len(dataset["resources"]) == 1

    # Edit the title.
    page.goto(f"{server}/subventions/edit/{new}")
    page.fill("input[name=title]", "Subventions aux associations 2025")
    _shot(page, "publisher", 6, "edit")
    submit(page, page.locator("form button[name=save]").last)
    _shot(page, "publisher", 7, "edited")
    assert "Subventions aux associations 2025" in _text(page, ".main")
    assert "Ce n'est pas" not in _text(page)

    # Replace the file.
    resource = dataset["resources"][0]
    page.goto(f"{server}/subventions/{new}/resource/{resource['id']}/edit")
    page.wait_for_load_state("networkidle")
    replacement = tmp_path / "subventions-2025.csv"
    replacement.write_text(VALID, encoding="utf-8")
    page.set_input_files("input[name=upload]", str(replacement))
    _shot(page, "publisher", 8, "replace")
    submit(page, page.locator("form#resource-edit button[name=save]").last)
    _shot(page, "publisher", 9, "replaced")
    replaced = call_action("resource_show", id=resource["id"])
    assert replaced["url"].endswith("subventions-2025.csv")

    # Delete the file, after CKAN's confirmation, in French.
    page.goto(f"{server}/subventions/{new}/resource/{resource['id']}/edit")
    page.wait_for_load_state("networkidle")
    page.locator("a[data-module=confirm-action]", has_text="Supprimer").click()
    modal = page.locator(".modal.show")
    modal.wait_for()
    _shot(page, "publisher", 10, "delete")
    assert "Êtes-vous sûr de vouloir supprimer cette ressource ?" in modal.inner_text()
    submit(page, modal.get_by_role("button", name="Confirmer"))
    _shot(page, "publisher", 11, "deleted")
    assert call_action("package_show", id=new)["resources"] == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_admin_sees_the_overview_a_report_and_a_theme_refused_then_accepted(
    server, page, roques
):
    factories.Sysadmin(name="admin-hg", password=PASSWORD)
    faulty = call_action(
        "package_create", type="subventions", name="subventions-roques-2023",
        title="Subventions 2023 de Roques", notes="Subventions de 2023.",
        owner_org=roques["id"], frequency=FREQ + "ANNUAL",
    )  # fmt: skip
    from ckanext.haute_garonne.uploads import jobs

    bad = call_action(
        "resource_create",
        {"haute_garonne_defer_validation": True},
        package_id=faulty["id"],
        name="Subventions 2023",
        upload=FileStorage(
            io.BytesIO(FAULTY), "subventions.csv", content_type="text/csv"
        ),
    )
    jobs.validate_resource(bad["id"])

    _login(page, server, "admin-hg")
    page.goto(f"{server}/ckan-admin/socle-commun")
    page.wait_for_load_state("networkidle")
    _shot(page, "admin", 1, "overview")
    assert "Roques" in _text(page, ".main")

    page.goto(f"{server}/subventions/subventions-roques-2023")
    submit(page, page.locator("a.haute-garonne-validation-badge").first)
    _shot(page, "admin", 2, "report")
    assert page.url.endswith("/validation")
    assert "deux mille" in _text(page, ".main")

    page.goto(f"{server}/organization/edit/roques")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=primary_color]", "#ffd54f")
    submit(page, page.locator("button[name=save]"))
    _shot(page, "admin", 3, "theme-refused")
    errors = _text(page, ".error-explanation")
    assert "1,4:1" in errors and "4,5:1" in errors
    assert "primary_color" not in call_action("organization_show", id="roques")

    page.fill("input[name=primary_color]", "#00843d")
    submit(page, page.locator("button[name=save]"))
    _shot(page, "admin", 4, "theme-accepted")
    assert call_action("organization_show", id="roques")["primary_color"] == "#00843d"
    band = page.locator(".hg-band").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert band == "rgb(0, 132, 61)"
