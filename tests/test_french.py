"""French everywhere: the pages a visitor, a publisher and an administrator
meet on their journeys show no English, French typography and French dates.

The crawl reads what a person sees or hears: the text of the page and the
attributes shown as text (placeholders, titles, image descriptions, labels
read aloud, confirmation messages), never scripts, code or addresses.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Comment
from werkzeug.datastructures import FileStorage

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.standards import registry

ROOT = Path(__file__).resolve().parent.parent
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
INVALID = (ROOT / "tests/data/subventions/2.1.1/invalid.csv").read_bytes()
PLUGINS = "haute_garonne dcat scheming_datasets scheming_organizations activity"

# Words that only English sentences use, and CKAN's English labels seen on
# these pages. Case matters for the capitalised labels.
ENGLISH = re.compile(
    r"\b(?:the|and|of|to|with|your|you|this|these|that|are|is|has|have|here|"
    r"for|from|by|yet|no longer|updated|created|deleted|changed|draft|"
    r"Publish|Unpublish|Profile settings|Markdown formatting|Dashboard|"
    r"Settings|Welcome|Search|Datasets?|Organizations?|Resources?|Add|Edit|"
    r"Delete|Update|View|Download|Follow|Followers|Activity|Stream|Members?|"
    r"Log in|Log out|Cancel|Save|Remove|Upload|Unknown|Show more|Show less|"
    r"Next|Previous|Home|Changes|Sysadmin|News feed|Edit profile|API Tokens?|"
    r"Groups?|Users?|Trash|Config|Placeholder|Sorry|Error|Please)\b"
)
# A colon glued to the word before it ("Collectivité:"), where French puts a
# space; times (10:30), addresses (https://) and ratios are left aside.
GLUED_COLON = re.compile(r"[^\s\u00a0\u202f:/\d]:(?=\s|$)")
MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
    "novembre|décembre"
)
ENGLISH_DATE = re.compile(
    rf"\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}|\b(?:January|February|March|April|June|"
    r"July|August|September|October|November|December) \d"
)
SHOWN_ATTRIBUTES = (
    "placeholder", "title", "alt", "aria-label", "data-bs-title",
    "data-module-content", "data-module-i18n",
)  # fmt: skip
NOT_TEXT = ("script", "style", "noscript", "template", "code", "pre", "svg")


def _attribute_texts(value: str) -> list[str]:
    """An attribute's texts; a JavaScript module's JSON gives its values."""
    if value.lstrip().startswith("{"):
        try:
            return [str(v) for v in json.loads(value).values()]
        except ValueError:
            pass
    return [" ".join(value.split())]


def shown_text(html: str) -> list[str]:
    """The texts of a page a person reads or hears, one item each."""
    page = BeautifulSoup(html, "html.parser")
    for element in page.find_all(NOT_TEXT):
        element.decompose()
    # The language chooser names the languages in their own language.
    for element in page.select("form.lang-select, #field-lang-select"):
        element.decompose()
    texts = [
        " ".join(s.split())
        for s in page.find_all(string=True)
        if not isinstance(s, Comment) and s.strip()
    ]
    for element in page.find_all(True):
        if element.name == "input" and element.get("type") == "hidden":
            continue
        for attribute in SHOWN_ATTRIBUTES:
            if element.get(attribute):
                texts.extend(_attribute_texts(str(element[attribute])))
        if element.name == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value", ""))
    return [t for t in texts if t and not re.fullmatch(r"\S+://\S+|[\w.-]+@[\w.-]+", t)]


def problems(html: str) -> list[str]:
    """The English words, glued colons and English dates of a page."""
    found = []
    for text in shown_text(html):
        for pattern, label in (
            (ENGLISH, "English"),
            (GLUED_COLON, "no space before ':'"),
            (ENGLISH_DATE, "English date"),
        ):
            match = pattern.search(text)
            if match:
                found.append(f"{label}: {match.group(0)!r} in {text[:120]!r}")
    return found


@pytest.fixture
def activity_db(clean_db, migrate_db_for) -> None:
    """The activity plugin's tables, which test.ini's plugins leave out."""
    migrate_db_for("activity")


def _upload(user: str, dataset: dict[str, Any], body: bytes, name: str):
    """A file saved first, then validated as a background worker would."""
    from ckanext.haute_garonne.uploads import jobs

    resource = call_action(
        "resource_create",
        {"user": user, "haute_garonne_defer_validation": True},
        package_id=dataset["id"],
        name=name,
        upload=FileStorage(io.BytesIO(body), name, content_type="text/csv"),
    )
    jobs.validate_resource(resource["id"])
    return resource


@pytest.fixture
def portal(activity_db, roques, editor, make_collectivite) -> dict[str, Any]:
    """Roques with an editor, a subventions dataset with a valid file and a
    refused one, edited once (for the activity stream); an administrator."""
    admin = factories.Sysadmin(about="Administrateur du portail.")

    # A fresh context for each call: CKAN keeps the objects of a call in it.
    def as_admin() -> dict[str, str]:
        return {"user": admin["name"]}

    def as_editor() -> dict[str, str]:
        return {"user": editor["name"]}

    sicoval = make_collectivite(
        name="sicoval",
        title="Sicoval",
        kind="communaute_agglomeration",
        description="La communauté d'agglomération du Sicoval.",
    )
    call_action("user_patch", as_admin(), id=editor["id"], about="Éditeur de Roques.")
    call_action(
        "organization_patch",
        as_admin(),
        id=roques["id"],
        epci_siren=sicoval["siren"],
        description="La commune de Roques et ses données publiques.",
    )
    dataset = call_action(
        "package_create",
        as_editor(),
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Les subventions aux associations.",
        owner_org=roques["id"],
        territory=["31458"],
        contact=[{"name": "Mairie de Roques", "email": "mairie@roques.example"}],
        temporal_coverage=[{"start": "2025-01-01", "end": "2025-12-31"}],
    )
    valid = _upload(editor["name"], dataset, VALID, "subventions-2025.csv")
    invalid = _upload(editor["name"], dataset, INVALID, "subventions-a-corriger.csv")
    call_action(
        "package_patch",
        as_editor(),
        id=dataset["id"],
        title="Subventions accordées par Roques",
    )
    # A first upload refused leaves a draft: its page shows its state.
    call_action(
        "package_create",
        as_editor(),
        type="subventions",
        name="brouillon-roques",
        title="Subventions 2026 de Roques",
        notes="En préparation.",
        owner_org=roques["id"],
        state="draft",
    )
    token = factories.APIToken(user=admin["name"])["token"]
    return {
        "dataset": dataset,
        "valid": valid,
        "invalid": invalid,
        "editor": editor,
        "admin": {**admin, "headers": {"Authorization": token}},
    }


def journeys(portal: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(role, path) of every page of the three journeys."""
    name = portal["dataset"]["name"]
    valid, invalid = portal["valid"]["id"], portal["invalid"]["id"]
    editor, admin = portal["editor"]["name"], portal["admin"]["name"]
    visitor = [
        "/", "/about", "/dataset/", "/subventions/", "/organization/",
        "/organization/roques", "/organization/about/roques",
        f"/subventions/{name}", f"/subventions/{name}/resource/{valid}",
        f"/subventions/{name}/resource/{valid}/validation",
        "/standards", "/standards/subventions", "/socle-commun",
        "/socle-commun/roques", "/publish", "/user/login",
        f"/dataset/activity/{name}", "/organization/activity/roques",
    ]  # fmt: skip
    publisher = [
        *visitor,
        f"/subventions/{name}/resource/{invalid}",
        f"/subventions/{name}/resource/{invalid}/validation",
        "/dashboard/datasets", "/dashboard/organizations", f"/user/{editor}",
        f"/user/edit/{editor}", f"/user/activity/{editor}", "/dashboard/",
        *(f"/{t.name}/new" for t in registry.DATASET_TYPES), "/dataset/new",
        f"/subventions/edit/{name}", f"/subventions/{name}/resource/new",
        f"/subventions/{name}/resource/{valid}/edit",
        f"/subventions/resources/{name}", "/subventions/brouillon-roques",
    ]  # fmt: skip
    administrator = [
        *publisher[: len(visitor)],
        "/ckan-admin/", "/ckan-admin/config", "/ckan-admin/socle-commun",
        "/organization/new", "/organization/edit/roques",
        "/organization/members/roques", "/organization/bulk_process/roques",
        f"/user/{admin}", "/user/",
    ]  # fmt: skip
    for role, paths in (
        ("visitor", visitor),
        ("publisher", publisher),
        ("administrator", administrator),
    ):
        for path in dict.fromkeys(paths):
            yield role, path


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_the_journeys_pages_speak_french(app, portal):
    headers = {
        "visitor": {},
        "publisher": portal["editor"]["headers"],
        "administrator": portal["admin"]["headers"],
    }
    found = {}
    for role, path in journeys(portal):
        response = app.get(path, headers=headers[role])
        assert response.status_code == 200, (role, path, response.status_code)
        page_problems = problems(response.get_data(as_text=True))
        if page_problems:
            found[f"{role} {path}"] = page_problems
    assert not found, "\n".join(
        f"{page}\n  " + "\n  ".join(items) for page, items in found.items()
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_a_file_page_shows_no_empty_row(app, portal):
    """A file that follows its dataset's standard shows no empty "Standard
    suivi par ce fichier" row; a version chosen for the file is shown."""
    name, valid = portal["dataset"]["name"], portal["valid"]["id"]
    path = f"/subventions/{name}/resource/{valid}"

    def rows() -> dict[str, str]:
        page = BeautifulSoup(app.get(path).get_data(as_text=True), "html.parser")
        table = page.find("th", string=re.compile("Format")).find_parent("table")
        return {
            " ".join(tr.th.get_text().split()): " ".join(tr.td.get_text().split())
            for tr in table.find_all("tr")
            if tr.th and tr.td
        }

    shown = rows()
    assert shown["Format"] == "CSV"
    assert "Standard suivi par ce fichier" not in shown
    assert "Version suivie par ce fichier" not in shown
    version = registry.get_standard("subventions").latest.version  # type: ignore[union-attr]
    call_action(
        "resource_patch",
        {"user": portal["editor"]["name"], "haute_garonne_defer_validation": True},
        id=valid,
        scdl_version=version,
    )
    assert rows()["Version suivie par ce fichier"].startswith(version)


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_error_pages_are_titled_in_french(app, editor):
    """CKAN titles its error pages with werkzeug's English reasons."""
    for path, headers, title in (
        ("/dataset/nexistepas", {}, "404 Page introuvable"),
        ("/ckan-admin/", editor["headers"], "403 Accès refusé"),
    ):
        response = app.get(path, headers=headers)
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        heading = page.select_one("#error-content h1")
        assert heading is not None, (path, response.status_code)
        assert " ".join(heading.get_text().split()) == title
