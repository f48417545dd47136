"""Importing rows from a spreadsheet into an online table: checked like an
upload; a file that fails inserts nothing and its report says why, in
French; only the collectivité's editors and admins may import."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import openpyxl
import pytest
from entry_tables import FIELDS, ROW, make_table, row_count

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("clean_datastore")

# Two grants as a publisher's spreadsheet holds them (text cells).
CELLS = {**ROW, "notificationUE": "non"}
SECOND = {**CELLS, "nomBeneficiaire": "Comité des fêtes de Roques", "montant": "800"}


@pytest.fixture
def table(subventions: dict[str, Any]) -> dict[str, Any]:
    return make_table(subventions)


def _csv(
    rows: list[dict[str, Any]], delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(FIELDS)
    for row in rows:
        sheet.append([row.get(name) or None for name in FIELDS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(
    app: Any, headers: dict[str, str], table: dict[str, Any], body: bytes, name: str
) -> Any:
    """The action through the API, as a publisher's client calls it."""
    return app.post(
        "/api/3/action/haute_garonne_entry_import",
        data={"resource_id": table["id"], "upload": (io.BytesIO(body), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def _import(
    app: Any, user: dict[str, Any], table: dict[str, Any], body: bytes, name: str
) -> Any:
    """The action's result; ``ValidationError`` with its errors when refused."""
    response = _post(app, user["headers"], table, body, name)
    if response.status_code == 409:
        raise tk.ValidationError(response.json["error"])
    assert response.status_code == 200, response.json
    return response.json["result"]


def test_an_xlsx_adds_its_rows(
    app: Any, editor: dict[str, Any], table: dict[str, Any]
) -> None:
    result = _import(app, editor, table, _xlsx([CELLS, SECOND]), "subventions.xlsx")
    assert result["rows"] == 2
    found = call_action("datastore_search", resource_id=table["id"], sort="_id")
    assert [r["nomBeneficiaire"] for r in found["records"]] == [
        "Tennis Roques Olympic Club",
        "Comité des fêtes de Roques",
    ]
    assert found["records"][0]["notificationUE"] is False  # "non" read as false


def test_a_windows_1252_csv_with_semicolons_adds_its_rows(
    app: Any, editor: dict[str, Any], table: dict[str, Any]
) -> None:
    body = _csv([CELLS], delimiter=";", encoding="cp1252")
    assert _import(app, editor, table, body, "export.csv")["rows"] == 1
    found = call_action("datastore_search", resource_id=table["id"])
    assert found["records"][0]["objet"] == CELLS["objet"]  # accents intact


def test_an_invalid_file_adds_nothing_and_says_why_in_french(
    app: Any, editor: dict[str, Any], table: dict[str, Any]
) -> None:
    bad = {**SECOND, "dateConvention": "11/04/2024"}
    with pytest.raises(tk.ValidationError) as refused:
        _import(app, editor, table, _csv([CELLS, bad]), "subventions.csv")
    errors = refused.value.error_dict
    assert "Aucune ligne n'a été ajoutée" in errors["upload"][0]
    assert errors["validation"][0]["row"] == 3
    assert "date" in errors["validation"][0]["message"].lower()
    assert row_count(table["id"]) == 0  # not even the valid first row


def test_a_row_the_table_refuses_adds_nothing(
    app: Any, roques: dict[str, Any], editor: dict[str, Any]
) -> None:
    # Two grants of the same decision: the standard allows it, this table's
    # primary key does not. The first row is not kept either.
    dataset = call_action(
        "package_create",
        type="subventions",
        name="subventions-cle",
        title="Subventions de Roques (clé)",
        notes="Une décision, une subvention.",
        owner_org=roques["id"],
    )
    keyed = make_table(dataset, key="referenceDecision")
    with pytest.raises(tk.ValidationError) as refused:
        _import(app, editor, keyed, _csv([CELLS, SECOND]), "subventions.csv")
    assert "Aucune ligne n'a été ajoutée" in refused.value.error_dict["upload"][0]
    assert row_count(keyed["id"]) == 0


def test_an_unreadable_file_adds_nothing(
    app: Any, editor: dict[str, Any], table: dict[str, Any]
) -> None:
    with pytest.raises(tk.ValidationError) as refused:
        _import(app, editor, table, b"\x00\x01binary", "subventions.csv")
    assert refused.value.error_dict["upload"][0]
    assert row_count(table["id"]) == 0


def test_only_the_collectivites_publishers_import(
    app: Any, table: dict[str, Any]
) -> None:
    outsider = factories.User()
    token = factories.APIToken(user=outsider["name"])["token"]
    for headers in ({}, {"Authorization": token}):
        refused = _post(app, headers, table, _csv([CELLS]), "subventions.csv")
        assert refused.status_code == 403
    assert row_count(table["id"]) == 0


def test_the_import_form_shows_the_report_in_french(
    app: Any, editor: dict[str, Any], table: dict[str, Any]
) -> None:
    url = f"/dataset/{table['package_id']}/resource/{table['id']}/import-rows"
    assert app.get(url).status_code in (403, 404)  # anonymous
    page = app.get(url, headers=editor["headers"])
    assert "Importer" in page.get_data(as_text=True)
    bad = {**CELLS, "montant": "2400,50"}
    got = app.post(
        url,
        data={"upload": (io.BytesIO(_csv([bad])), "subventions.csv")},
        headers=editor["headers"],
        content_type="multipart/form-data",
    )
    assert got.status_code == 400
    text = html.unescape(got.get_data(as_text=True))
    assert "Aucune ligne n'a été ajoutée" in text
    assert row_count(table["id"]) == 0
    got = app.post(
        url,
        data={"upload": (io.BytesIO(_csv([CELLS])), "subventions.csv")},
        headers=editor["headers"],
        content_type="multipart/form-data",
        follow_redirects=False,
    )
    assert got.status_code == 302
    assert row_count(table["id"]) == 1
