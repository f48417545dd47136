"""The public catalogue of standards: actions, pages and templates."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from bs4 import BeautifulSoup

from ckanext.haute_garonne.standards import registry

TABLE_VERSIONS = [
    (s.name, v.version)
    for s in registry.standards().values()
    if s.kind == "table"
    for v in s.versions
]


def _result(app, action: str, status: int = 200, **params):
    response = app.get(f"/api/3/action/{action}", query_string=params)
    assert response.status_code == status, response.json
    return response.json


def test_schema_list_gives_every_standard_with_its_versions(app):
    standards = {
        s["name"]: s for s in _result(app, "haute_garonne_schema_list")["result"]
    }
    assert set(standards) == {
        "deliberations", "subventions", "decp", "decp-table", "bal", "equipements", "prenoms"
    }  # fmt: skip
    assert standards["bal"]["latest_version"] == "1.5"
    assert [v["version"] for v in standards["bal"]["versions"]] == ["1.5", "1.4"]
    assert standards["decp"]["dataset_type"] == "marches"
    marches = _result(app, "haute_garonne_schema_list", dataset_type="marches")[
        "result"
    ]
    assert [s["name"] for s in marches] == ["decp", "decp-table"]


def test_schema_show_documents_the_deliberations_standard(app):
    shown = _result(app, "haute_garonne_schema_show", id="scdl/deliberations")["result"]
    assert shown["version"] == "2.1.5"
    assert (
        shown["url"]
        == "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json"
    )
    assert len(shown["fields"]) == 17
    siret = next(f for f in shown["fields"] if f["name"] == "COLL_SIRET")
    assert siret["required"] is True
    assert siret["type"] == "string"
    assert siret["constraints"]["pattern"] == r"^\d{14}$"
    assert siret["description"]
    assert {c["name"] for c in shown["custom_checks"]} >= {"french-siret-value"}


def test_schema_show_answers_404_in_french_for_an_unknown_standard_or_version(app):
    missing = _result(app, "haute_garonne_schema_show", status=404, id="scdl/budget")
    # CKAN prefixes the message with an untranslated "Not found: ".
    assert missing["error"]["message"].endswith("Standard inconnu : scdl/budget")
    old = _result(app, "haute_garonne_schema_show", status=404, id="bal", version="1.3")
    assert "1.3" in old["error"]["message"]


def test_standards_page_presents_every_type_in_french(app):
    response = app.get("/standards")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    headings = [
        h.get_text(strip=True) for h in page.select(".haute-garonne-standard h2")
    ]
    assert headings == [
        "Délibérations", "Subventions", "Marchés publics", "Base adresse locale",
        "Équipements publics", "Prénoms des nouveau-nés",
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "version"), TABLE_VERSIONS)
def test_each_standard_page_lists_its_fields_and_templates(app, name, version):
    response = app.get(f"/standards/{name}/{version}")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    documented = [
        row["id"].removeprefix("field-") for row in page.select("tr[id^=field-]")
    ]
    shown = registry.get_standard(name).version(version)
    from ckanext.haute_garonne.standards.fields import document_fields

    assert documented == [f["name"] for f in document_fields(shown)]
    links = {a["href"] for a in page.select(".haute-garonne-templates a")}
    assert links == {
        f"/standards/{name}/{version}/template.csv",
        f"/standards/{name}/{version}/template.xlsx",
    }


def test_standard_page_speaks_french_about_types_and_constraints(app):
    page = BeautifulSoup(
        app.get("/standards/deliberations").get_data(as_text=True), "html.parser"
    )
    cells = [
        td.get_text(" ", strip=True) for td in page.select("tr#field-COLL_SIRET td")
    ]
    assert cells[1] == "texte"
    assert cells[2] == "oui"
    assert cells[3].startswith("motif (expression régulière) :")


def test_unknown_standard_page_is_a_404(app):
    assert app.get("/standards/budget").status_code == 404
    assert app.get("/standards/bal/1.3/template.csv").status_code == 404
    assert app.get("/standards/decp/2.0.2/template.csv").status_code == 404


@pytest.mark.parametrize(("name", "version"), TABLE_VERSIONS)
def test_csv_template_is_a_header_row_in_utf8(app, name, version):
    response = app.get(f"/standards/{name}/{version}/template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        f'filename="modele-{name}-{version}.csv"'
        in response.headers["Content-Disposition"]
    )
    shown = app.get(
        "/api/3/action/haute_garonne_schema_show",
        query_string={"id": name, "version": version},
    ).json["result"]
    delimiter = ";" if name == "bal" else ","
    rows = list(
        csv.reader(
            io.StringIO(response.get_data().decode("utf-8")), delimiter=delimiter
        )
    )
    assert rows == [[f["name"] for f in shown["fields"]]]


@pytest.mark.parametrize(("name", "version"), TABLE_VERSIONS)
def test_xlsx_template_opens_with_the_header_comments_and_lists(app, name, version):
    response = app.get(f"/standards/{name}/{version}/template.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Données"
    shown = app.get(
        "/api/3/action/haute_garonne_schema_show",
        query_string={"id": name, "version": version},
    ).json["result"]
    header = [c.value for c in sheet[1]]
    assert header == [f["name"] for f in shown["fields"]]
    assert all(c.comment is not None for c in sheet[1])
    enum_columns = [
        i for i, f in enumerate(shown["fields"], 1) if f["constraints"].get("enum")
    ]
    validated = {
        str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation
    }
    assert len(validated) == len(enum_columns)


def test_the_subventions_template_offers_the_nature_values(app):
    response = app.get("/standards/subventions/2.1.1/template.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet, lists = workbook.worksheets
    header = [c.value for c in sheet[1]]
    column = header.index("nature") + 1
    values = [
        c.value
        for c in lists.iter_rows(min_col=column, max_col=column, values_only=False)
        for c in c
        if c.value
    ]
    assert "aide en numéraire" in values
    assert "Colonne obligatoire." in sheet.cell(row=1, column=column).comment.text


def test_publish_page_offers_the_six_types_then_the_generic_one(app):
    response = app.get("/publish", query_string={"group": "roques"})
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    cards = page.select(".haute-garonne-type")
    assert [c["data-dataset-type"] for c in cards] == [
        *[t.name for t in registry.DATASET_TYPES],
        "dataset",
    ]
    first = cards[0]
    assert first.select_one("h2").get_text(strip=True) == "Délibérations"
    assert (
        first.select_one("a.btn-primary")["href"] == "/deliberations/new?group=roques"
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_add_dataset_button_leads_to_the_choice_of_type(app, sysadmin_headers):
    page = BeautifulSoup(
        app.get("/dataset/", headers=sysadmin_headers).get_data(as_text=True),
        "html.parser",
    )
    button = page.select_one(
        ".page_primary_action a.btn-primary, a.btn-primary[href='/publish']"
    )
    assert button is not None and button["href"] == "/publish"
    assert button.get_text(strip=True) == "Ajouter un jeu de données"
