"""Saisie en ligne, end to end in a real browser, with a screenshot of each
step in test-artifacts/browser/entry/: a publisher of Labège (4,392
inhabitants) creates a grants table without a spreadsheet, types three
rows (one refused with the French SIRET message, then corrected), imports
two rows from an XLSX, and downloads the published file, which our engine
and frictionless both find valid and the DCAT feed lists with its schema."""

from __future__ import annotations

import copy
import csv
import io
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS
from stdnum import luhn
from stdnum.fr import siret
from support import call_action, submit

from ckan.tests import factories

from ckanext.haute_garonne.standards.registry import get_standard, load_descriptor
from ckanext.haute_garonne.validation import validate

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "browser" / "entry"
PASSWORD = "Editeur-Test-31"
VERSION = get_standard("subventions").latest  # type: ignore[union-attr]
DESCRIPTOR = load_descriptor(VERSION.path)
FIELDS = [f["name"] for f in DESCRIPTOR["fields"]]
SCHEMA_URL = "https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json"

LABEGE_SIREN = "213102544"


def _siret(siren: str, nic: str) -> str:
    """A SIRET with its check digit: ``siren`` and the first four digits of
    the establishment number."""
    base = siren + nic
    number = base + luhn.calc_check_digit(base)
    assert siret.is_valid(number)
    return number


LABEGE_SIRET = _siret(LABEGE_SIREN, "0001")
CLUB_SIRET = _siret("441370806", "0001")
# The club's SIRET with its last digit changed: the check digit is wrong.
TYPO_SIRET = CLUB_SIRET[:-1] + str((int(CLUB_SIRET[-1]) + 1) % 10)
assert not siret.is_valid(TYPO_SIRET)

# The rows the publisher types, as the forms take them.
TYPED = [
    {
        "nomBeneficiaire": "Labège Tennis Club",
        "idBeneficiaire": CLUB_SIRET,
        "objet": "Fonctionnement de l'école de tennis, saison 2025",
        "montant": "2400.50",
        "dateConvention": "2025-04-11",
        "datesPeriodeVersement": "2025-05-15",
    },
    {
        "nomBeneficiaire": "Comité des fêtes de Labège",
        "idBeneficiaire": _siret("775672272", "0001"),
        "objet": "Fête locale de juin",
        "montant": "800",
        "dateConvention": "2025-03-02",
        "datesPeriodeVersement": "2025-03-01/2025-06-30",
    },
    {
        "nomBeneficiaire": "Les Amis de la bibliothèque",
        "idBeneficiaire": "",
        "rnaBeneficiaire": "W313012345",
        "objet": "Achat de livres pour le prix des lecteurs",
        "montant": "350",
        "dateConvention": "2025-02-20",
        "datesPeriodeVersement": "2025-03-10",
    },
]
# The rows of the publisher's spreadsheet (text cells, the standard's words).
IMPORTED = [
    {
        "nomAttribuant": "Labège",
        "idAttribuant": LABEGE_SIRET,
        "dateConvention": "2025-01-15",
        "referenceDecision": "DEL-2025-002",
        "nomBeneficiaire": "Association sportive du collège",
        "idBeneficiaire": _siret("552100554", "0002"),
        "objet": "Tournoi de handball des collèges",
        "montant": "1200",
        "nature": "aide en numéraire",
        "conditionsVersement": "unique",
        "datesPeriodeVersement": "2025-02-01",
        "notificationUE": "non",
        "pourcentageSubvention": "0.5",
    },
    {
        "nomAttribuant": "Labège",
        "idAttribuant": LABEGE_SIRET,
        "dateConvention": "2025-01-15",
        "referenceDecision": "DEL-2025-002",
        "nomBeneficiaire": "Chorale de Labège",
        "rnaBeneficiaire": "W313000123",
        "objet": "Prêt de la salle des fêtes pour le concert de Noël",
        "montant": "300",
        "nature": "aide en nature",
        "conditionsVersement": "unique",
        "datesPeriodeVersement": "2025-12-20",
        "notificationUE": "non",
        "pourcentageSubvention": "1",
    },
]


def _shot(page: Page, step: int, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"publisher-{step:02d}-{name}.png"), full_page=True
    )


def _text(page: Page, selector: str = "body") -> str:
    return " ".join(page.locator(selector).first.inner_text().split())


def _field(page: Page, name: str) -> Any:
    return page.locator(f"[name=col__{FIELDS.index(name) + 1}__value]")


def _add_row(page: Page, resource_page: str) -> None:
    """From the table's page, the Table Designer's "add row" button, in the
    toolbar of the table view (an iframe), which opens the row form."""
    page.goto(resource_page)
    page.wait_for_load_state("networkidle")
    button = page.frame_locator("iframe").first.get_by_role(
        "button", name="Ajouter une ligne"
    )
    try:
        # CKAN adds the button once the view's rows have loaded (a request of
        # its own, slow on a loaded machine).
        button.wait_for(timeout=60_000)
    except PlaywrightTimeout:
        # CKAN's table view sometimes never adds its buttons (its script
        # missed the view's "init-complete" event): a publisher reloads.
        warnings.warn("the table view showed no buttons: page reloaded", stacklevel=2)
        page.reload()
        page.wait_for_load_state("networkidle")
        button.wait_for(timeout=60_000)
    submit(page, button)
    assert page.url.endswith("/add-row")


def _type_row(page: Page, row: dict[str, str]) -> None:
    """Fill the add-row form: the row's own cells, the decision and terms
    shared by this year's grants; the attributing body as pre-filled."""
    cells = {
        "referenceDecision": "DEL-2025-013",
        "conditionsVersement": "unique",
        "pourcentageSubvention": "1",
        **row,
    }
    if not _field(page, "idAttribuant").input_value():
        cells["idAttribuant"] = LABEGE_SIRET  # the first row only
    for name, value in cells.items():
        _field(page, name).fill(value)
    _field(page, "nature").select_option("aide en numéraire")
    _field(page, "notificationUE").select_option("false")


def _xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(FIELDS)
    for row in IMPORTED:
        sheet.append([row.get(name) or None for name in FIELDS])
    book.save(path)


def _run_jobs(server: str) -> None:
    """Run the jobs the server queued (the published file), as the portal's
    worker does, until the queue is empty: a burst worker on the server's
    configuration, so that the file's URL is the server's."""
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    ckan = str(Path(sys.executable).with_name("ckan"))
    done = subprocess.run(
        [ckan, "-c", ini, "jobs", "worker", "--burst"],
        env={**os.environ, "CKAN_SITE_URL": server},
        timeout=300,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _frictionless_errors(path: Path) -> list[Any]:
    from frictionless import Dialect, Resource, Schema

    resource = Resource(
        path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(copy.deepcopy(DESCRIPTOR)),
        dialect=Dialect.from_descriptor(dict(DESCRIPTOR.get("dialect") or {})),
        format="csv",
        encoding="utf-8",
    )
    report = resource.validate()
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.fixture
def labege(make_collectivite: Any) -> dict[str, Any]:
    """Labège, a small commune of the Sicoval, with an editor."""
    org = make_collectivite(
        name="labege", title="Labège", siren=LABEGE_SIREN, insee="31254",
        population=4392,
    )  # fmt: skip
    editor = factories.User(name="editeur-labege", password=PASSWORD)
    call_action(
        "organization_member_create", id=org["id"], username=editor["name"],
        role="editor",
    )  # fmt: skip
    return org


@pytest.mark.usefixtures("clean_datastore")
def test_a_small_commune_publishes_its_grants_without_a_spreadsheet(
    server: str, page: Page, labege: dict[str, Any], tmp_path: Path
) -> None:
    # Log in.
    page.goto(f"{server}/user/login")
    page.fill("input[name=login]", "editeur-labege")
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("input[name=password]"), "Enter")
    assert page.url.endswith("/ma-collectivite/labege")

    # A grants dataset, then "Saisir en ligne" instead of a file.
    page.goto(f"{server}/subventions/new?group={labege['id']}")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=title]", "Subventions 2025 de Labège")
    if page.locator("input[name=name]").is_visible():
        page.fill("input[name=name]", "subventions-2025-labege")
    page.fill("textarea[name=notes]", "Les subventions votées en 2025.")
    submit(page, page.locator("form button[name=save]").last)
    assert "/resource/new" in page.url
    name = page.url.split("/")[-3]
    button = page.locator("#resource-table-designer-button")
    assert button.inner_text().strip() == "Saisir en ligne"
    button.click()
    page.fill("input[name=name]", "Subventions 2025")
    _shot(page, 1, "saisir-en-ligne")
    submit(page, page.locator("form#resource-edit button[name=save]").last)
    _shot(page, 2, "table-created")
    dataset = call_action("package_show", id=name)
    assert [r["url_type"] for r in dataset["resources"]] == ["tabledesigner"]
    table = dataset["resources"][0]
    columns = call_action("datastore_info", id=table["id"])["fields"]
    assert [c["id"] for c in columns] == FIELDS

    # First row: the club's SIRET mistyped, refused in French, nothing saved.
    resource_page = f"{server}/subventions/{name}/resource/{table['id']}"
    _add_row(page, resource_page)
    assert _field(page, "nomAttribuant").input_value() == "Labège"  # pre-filled
    _type_row(page, {**TYPED[0], "idBeneficiaire": TYPO_SIRET})
    _shot(page, 3, "first-row")
    submit(page, page.get_by_role("button", name="Enregistrer"))
    _shot(page, 4, "siret-refused")
    refused = _text(page, ".main")
    assert TYPO_SIRET in refused and "n'est pas un SIRET valide" in refused
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 0
    assert _field(page, "objet").input_value() == TYPED[0]["objet"]  # kept

    # Corrected: saved. Two more rows, the attributing body's SIRET now
    # pre-filled from the last row.
    _field(page, "idBeneficiaire").fill(CLUB_SIRET)
    # The refused row's "non" is still chosen (CKAN alone showed it as yes).
    assert _field(page, "notificationUE").input_value() == "false"
    submit(page, page.get_by_role("button", name="Enregistrer"))
    assert "/add-row" not in page.url
    for row in TYPED[1:]:
        _add_row(page, resource_page)
        assert _field(page, "idAttribuant").input_value() == LABEGE_SIRET
        _type_row(page, row)
        submit(page, page.get_by_role("button", name="Enregistrer"))
        assert "/add-row" not in page.url, _text(page, "form")
    _shot(page, 5, "three-rows")
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 3

    # Two rows from the publisher's spreadsheet.
    spreadsheet = tmp_path / "subventions-janvier.xlsx"
    _xlsx(spreadsheet)
    submit(page, page.get_by_role("link", name="Importer des lignes d'un tableur"))
    _shot(page, 6, "import")
    page.set_input_files("input[name=upload]", str(spreadsheet))
    submit(page, page.get_by_role("button", name="Importer les lignes"))
    _shot(page, 7, "imported")
    assert "2 lignes ajoutées au tableau." in _text(page)
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 5

    # The worker makes the published file; the publisher sees its badge.
    _run_jobs(server)
    page.goto(f"{server}/subventions/{name}")
    page.wait_for_load_state("networkidle")
    _shot(page, 8, "published")
    badge = page.locator(".haute-garonne-validation-badge").first
    assert badge.inner_text().strip() == "Conforme à Subventions 2.1.1"

    # The file, downloaded with the publisher's session at the resource's URL.
    resource = call_action("resource_show", id=table["id"])
    assert resource["url"].startswith(f"{server}/dataset/")
    response = page.request.get(resource["url"])
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    body = response.body()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert list(rows[0]) == FIELDS
    assert len(rows) == 5
    assert [r["nomBeneficiaire"] for r in rows] == [
        *(r["nomBeneficiaire"] for r in TYPED),
        *(r["nomBeneficiaire"] for r in IMPORTED),
    ]
    assert rows[0]["idBeneficiaire"] == CLUB_SIRET
    assert rows[0]["notificationUE"] == "non"

    report = validate(body, "subventions", VERSION.version, filename="subventions.csv")
    assert report.status == "valid", report.to_dict()["errors"]
    published = tmp_path / "subventions.csv"
    published.write_bytes(body)
    assert _frictionless_errors(published) == []

    # The DCAT feed lists the file with its versioned schema.
    graph = Graph().parse(
        data=page.request.get(f"{server}/catalog.ttl").text(), format="turtle"
    )
    downloads = set(graph.subjects(DCAT.downloadURL, URIRef(resource["url"])))
    assert len(downloads) == 1
    assert URIRef(SCHEMA_URL) in set(graph.objects(downloads.pop(), DCTERMS.conformsTo))


@pytest.mark.usefixtures("clean_datastore")
def test_the_row_pages_read_one_word_and_check_rules_across_columns(
    server: str, page: Page, labege: dict[str, Any]
) -> None:
    """The pages of row entry as a publisher reads them (screenshots
    publisher-1x-*): "ligne" everywhere, never CKAN's "rangée"; an empty
    table asks for a row; a grant without SIRET nor RNA refused on save
    with the report's message; rows numbered "N°" in the table view."""
    dataset = call_action(
        "package_create",
        {"user": "editeur-labege"},
        type="subventions",
        name="subventions-labege",
        title="Subventions de Labège",
        notes="Les subventions votées.",
        owner_org=labege["id"],
        frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    )
    table = call_action(
        "resource_create",
        {"user": "editeur-labege"},
        package_id=dataset["id"],
        name="Subventions 2025",
        url_type="tabledesigner",
    )
    page.goto(f"{server}/user/login")
    page.fill("input[name=login]", "editeur-labege")
    page.fill("input[name=password]", PASSWORD)
    submit(page, page.locator("input[name=password]"), "Enter")
    texts: dict[str, str] = {}

    # The empty table asks for a first row.
    resource_page = f"{server}/subventions/{dataset['name']}/resource/{table['id']}"
    page.goto(resource_page)
    page.wait_for_load_state("networkidle")
    _shot(page, 11, "empty-table")
    texts["empty"] = _text(page)
    assert "Ce tableau n'a encore aucune ligne" in texts["empty"]
    assert "Ajoutez au moins une ligne" in texts["empty"]

    # A grant with neither the beneficiary's SIRET nor its RNA: refused.
    _add_row(page, resource_page)
    texts["add"] = _text(page)
    _type_row(page, {**TYPED[0], "idBeneficiaire": "", "rnaBeneficiaire": ""})
    submit(page, page.get_by_role("button", name="Enregistrer"))
    _shot(page, 12, "neither-siret-nor-rna")
    texts["refused"] = _text(page, ".main")
    assert "idBeneficiaire" in texts["refused"]
    assert "rnaBeneficiaire" in texts["refused"]
    assert "sont toutes deux vides" in texts["refused"]
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 0
    _field(page, "rnaBeneficiaire").fill("W313012345")
    submit(page, page.get_by_role("button", name="Enregistrer"))
    assert "/add-row" not in page.url, _text(page, "form")

    # The table: rows numbered "N°", the buttons say "ligne".
    page.wait_for_load_state("networkidle")
    view = page.frame_locator("iframe").first
    view.locator('th[data-name="N°"]').first.wait_for()
    _shot(page, 13, "table-numbered")
    texts["table"] = " ".join(view.locator("body").inner_text().split())
    assert view.locator('th[data-name="N°"]').first.inner_text().strip() == "N°"
    assert "Ajouter une ligne" in texts["table"]
    assert "_id" not in texts["table"]  # nor in the view's sort note
    (row,) = call_action("datastore_search", resource_id=table["id"])["records"]

    # Edit and delete pages.
    base = f"{server}/dataset/{dataset['name']}/tabledesigner/{table['id']}"
    page.goto(f"{base}/edit-row?_id={row['_id']}")
    _shot(page, 14, "edit-row")
    texts["edit"] = _text(page)
    assert "Modifier la ligne" in texts["edit"]
    page.goto(f"{base}/delete-rows?_id={row['_id']}")
    _shot(page, 15, "delete-row")
    texts["delete"] = _text(page)
    assert "Supprimer 1 ligne ?" in texts["delete"]
    for name, text in texts.items():
        assert "rangée" not in text.lower(), name
