"""The pages of an online table as a publisher reads them: one word,
"ligne", on every page of row entry (CKAN's French says "rangée"); the
table view numbers rows "N°" instead of showing the DataStore's "_id"; an
empty table says to add a row; a file turned into an online table gets the
standard's columns. Real CKAN, DataStore and Table Designer, no mock."""

from __future__ import annotations

import html
from typing import Any

import pytest
from entry_tables import TYPED_ROW, publisher_dataset, publisher_table

from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.entry import fields
from ckanext.haute_garonne.standards import registry

SUBVENTIONS = registry.get_standard("subventions").latest  # type: ignore[union-attr]

pytestmark = pytest.mark.usefixtures("clean_datastore")

# An uploaded file: the standard's header row.
HEADER = (",".join(f["id"] for f in fields.table_designer_fields(SUBVENTIONS))).encode()


@pytest.fixture
def dataset(roques: dict[str, Any], editor: dict[str, Any]) -> dict[str, Any]:
    return publisher_dataset(roques, editor)


@pytest.fixture
def table(dataset: dict[str, Any], editor: dict[str, Any]) -> dict[str, Any]:
    return publisher_table(dataset, editor)


def _get(app: Any, editor: dict[str, Any], url: str) -> str:
    response = app.get(
        url, headers=editor["headers"], extra_environ={"REMOTE_USER": editor["name"]}
    )
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _add(table: dict[str, Any], editor: dict[str, Any]) -> int:
    call_action(
        "datastore_upsert",
        {"user": editor["name"], "ignore_auth": False},
        resource_id=table["id"],
        method="insert",
        records=[TYPED_ROW],
    )
    found = call_action("datastore_search", resource_id=table["id"])["records"]
    return found[-1]["_id"]


def test_every_row_page_says_ligne_never_rangee(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    row_id = _add(table, editor)
    ids = {"id": table["package_id"], "resource_id": table["id"]}
    (view,) = call_action("resource_view_list", id=table["id"])
    pages = {
        "table view": tk.url_for("resource.view", view_id=view["id"], **ids),
        "add": tk.url_for("tabledesigner.add_row", **ids),
        "edit": tk.url_for("tabledesigner.edit_row", _id=row_id, **ids),
        "delete": tk.url_for("tabledesigner.delete_rows", _id=row_id, **ids),
    }
    texts = {name: _get(app, editor, url) for name, url in pages.items()}
    for name, text in texts.items():
        assert "rangée" not in text.lower(), name
    assert "Ajouter une ligne" in texts["table view"]
    assert "Modifier la ligne" in texts["table view"]
    assert "Supprimer des lignes" in texts["table view"]
    assert "Ajouter une ligne" in texts["add"]
    assert "Modifier la ligne" in texts["edit"]
    assert "Supprimer la ligne" in texts["delete"]
    assert "Supprimer 1 ligne ?" in texts["delete"]
    # The row to delete with its columns' French labels, yes/no in French.
    assert "Nom de l'organisme bénéficiaire" in html.unescape(texts["delete"])
    assert "<td>non</td>" in texts["delete"] and "False" not in texts["delete"]


def test_a_missing_row_is_said_in_french(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    response = app.get(
        tk.url_for(
            "tabledesigner.edit_row",
            id=table["package_id"],
            resource_id=table["id"],
            _id=999,
        ),
        headers=editor["headers"],
        extra_environ={"REMOTE_USER": editor["name"]},
    )
    assert response.status_code == 404
    assert "Ligne introuvable" in response.get_data(as_text=True)


def test_the_table_view_numbers_rows_instead_of_showing_the_technical_id(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    _add(table, editor)
    (view,) = call_action("resource_view_list", id=table["id"])
    for headers in (editor["headers"], {}):  # the publisher, a visitor
        page = app.get(
            tk.url_for(
                "resource.view",
                id=table["package_id"],
                resource_id=table["id"],
                view_id=view["id"],
            ),
            headers=headers,
        ).get_data(as_text=True)
        assert 'data-name="N°">N°</th>' in page
        assert ">_id<" not in page and 'data-name="_id"' not in page


def test_an_empty_table_asks_for_a_row(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    url = tk.url_for(
        "subventions_resource.read", id=table["package_id"], resource_id=table["id"]
    )
    hint = "Ce tableau n'a encore aucune ligne"
    assert hint in _get(app, editor, url).replace("&#39;", "'")
    _add(table, editor)
    assert hint not in _get(app, editor, url).replace("&#39;", "'")


def test_a_file_turned_into_an_online_table_gets_the_standards_columns(
    dataset: dict[str, Any], editor: dict[str, Any], background_file: Any
) -> None:
    context = {"user": editor["name"], "ignore_auth": False}
    link = background_file(dataset, HEADER)
    call_action(
        "resource_update",
        dict(context),
        id=link["id"],
        name="Subventions 2024",
        url="",
        url_type="tabledesigner",
    )
    info = call_action("datastore_info", id=link["id"])
    assert [f["id"] for f in info["fields"] if f["id"] != "_id"] == [
        f["id"] for f in fields.table_designer_fields(SUBVENTIONS)
    ]
    # And its rows are checked like any online table's.
    with pytest.raises(tk.ValidationError):
        call_action(
            "datastore_upsert",
            dict(context),
            resource_id=link["id"],
            method="insert",
            records=[{**TYPED_ROW, "rnaBeneficiaire": ""}],
        )


def test_a_file_already_in_the_datastore_is_refused_in_french(
    app: Any, dataset: dict[str, Any], editor: dict[str, Any], background_file: Any
) -> None:
    context = {"user": editor["name"], "ignore_auth": False}
    link = background_file(dataset, HEADER)
    # As a loader (xloader, datapusher) leaves it: the file's own columns.
    call_action(
        "datastore_create",
        resource_id=link["id"],
        force=True,
        fields=[{"id": "Bénéficiaire", "type": "text"}],
        records=[{"Bénéficiaire": "Rugby club"}],
    )
    with pytest.raises(tk.ValidationError):
        call_action(
            "resource_update",
            dict(context),
            id=link["id"],
            name="Subventions 2024",
            url="",
            url_type="tabledesigner",
        )
    # Through the resource form: the reason, in French.
    response = app.post(
        tk.url_for(
            "subventions_resource.edit", id=dataset["id"], resource_id=link["id"]
        ),
        data={
            "name": "Subventions 2024",
            "url": "",
            "url_type": "tabledesigner",
            "save": "",
        },
        headers=editor["headers"],
        extra_environ={"REMOTE_USER": editor["name"]},
    )
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert "ne peut pas devenir un tableau saisi en ligne" in page
    assert call_action("resource_show", id=link["id"]).get("url_type") != (
        "tabledesigner"
    )
