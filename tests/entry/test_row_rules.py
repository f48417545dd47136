"""A rule of the standard across the columns of one row (one of two columns
required, columns filled in together, counts that add up or compare, a
combined identifier) is checked when the row is saved, with the very message
the published file's report gives; a refused row stores nothing. Real
DataStore, no mock."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from entry_tables import publisher_dataset, publisher_table, typed_row
from markupsafe import escape

from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.entry import fields, rows
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.validation import validate

SUBVENTIONS = registry.get_standard("subventions").latest  # type: ignore[union-attr]
BENEFICIARY = "44137080600016"  # a valid SIRET

# The engine's rules that read several columns of one row.
ROW_RULES = {
    "one-of-required",
    "cohesive-columns-value",
    "compare-columns-value",
    "sum-columns-value",
    "concatenated-columns-value",
    "bal-cle-interop-value",
}

# For each standard, a row breaking its rules across columns.
BROKEN = {
    "subventions": {"nomAttribuant": "Roques", "montant": "10"},
    "deliberations": {
        "DELIB_DATE": "2024-03-12",
        "PREF_DATE": "2024-03-01",
        "BUDGET_ANNEE": "2024",
        "VOTE_EFFECTIF": "10",
        "VOTE_REEL": "12",
        "VOTE_POUR": "5",
        "VOTE_CONTRE": "1",
        "VOTE_ABSTENTION": "1",
    },
    "decp-table": {
        "acheteur_id": "21310555400017",
        "id": "2024-001",
        "uid": "213105554000172024-002",
        "origineUE": "0.1",
        "origineFrance": "0.5",
    },
    "bal": {
        "cle_interop": "31555_0001_00005",
        "commune_insee": "31555",
        "numero": "7",
        "commune_deleguee_insee": "31069",
    },
}


def _table_version(standard: str) -> Any:
    """The latest version of ``standard`` written as a table."""
    found = registry.get_standard(standard)
    assert found is not None
    return next(v for v in found.versions if v.kind == "table")


def _report_messages(standard: str, row: dict[str, str]) -> set[str]:
    version = _table_version(standard)
    names = [f["name"] for f in fields.descriptor(version)["fields"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerow([row.get(n, "") for n in names])
    report = validate(buffer.getvalue().encode(), standard, version.version)
    return {e.message for e in report.errors if e.type in ROW_RULES}


@pytest.mark.parametrize("standard", sorted(BROKEN))
def test_every_rule_across_columns_is_checked_on_thetyped_row(standard: str) -> None:
    version = _table_version(standard)
    expected = _report_messages(standard, BROKEN[standard])
    assert expected, "the row should break a rule across columns"
    found = rows.row_errors(version, BROKEN[standard])
    messages = {m for ms in found.values() for m in ms}
    assert expected <= messages


# Through CKAN: the API and the row forms --------------------------------------


NEITHER = typed_row(rnaBeneficiaire="", idBeneficiaire="")


def _one_of_message() -> str:
    found = _report_messages(
        "subventions",
        {k: ("non" if isinstance(v, bool) else str(v)) for k, v in NEITHER.items()},
    )
    assert len(found) == 1
    return found.pop()


@pytest.fixture
def table(roques: dict[str, Any], editor: dict[str, Any]) -> dict[str, Any]:
    return publisher_table(publisher_dataset(roques, editor), editor)


def _upsert(user: str, resource_id: str, method: str, *records: Any) -> Any:
    return call_action(
        "datastore_upsert",
        {"user": user, "ignore_auth": False},
        resource_id=resource_id,
        method=method,
        records=list(records),
    )


def _stored(resource_id: str) -> list[dict[str, Any]]:
    return call_action("datastore_search", resource_id=resource_id)["records"]


@pytest.mark.usefixtures("clean_datastore")
def test_a_row_without_siret_nor_rna_is_refused_on_insert(
    table: dict[str, Any], editor: dict[str, Any]
) -> None:
    with pytest.raises(tk.ValidationError) as refused:
        _upsert(editor["name"], table["id"], "insert", typed_row(), NEITHER)
    text = refused.value.error_dict["records"][0]
    assert text.startswith("TAB-DELIMITED\tidBeneficiaire\t")
    assert _one_of_message() in text
    assert "idBeneficiaire" in text and "rnaBeneficiaire" in text
    # Nothing half-saved: the good row of the same call is not stored.
    assert _stored(table["id"]) == []


@pytest.mark.usefixtures("clean_datastore")
def test_an_update_that_empties_the_last_identifier_is_refused(
    table: dict[str, Any], editor: dict[str, Any]
) -> None:
    _upsert(editor["name"], table["id"], "insert", typed_row())
    (stored,) = _stored(table["id"])
    with pytest.raises(tk.ValidationError) as refused:
        # A partial update: the stored row is completed before the check.
        _upsert(
            editor["name"],
            table["id"],
            "update",
            {"_id": stored["_id"], "rnaBeneficiaire": ""},
        )
    assert _one_of_message() in refused.value.error_dict["records"][0]
    assert _stored(table["id"])[0]["rnaBeneficiaire"] == "W313001234"
    # The other identifier instead: accepted.
    _upsert(
        editor["name"],
        table["id"],
        "update",
        {"_id": stored["_id"], "rnaBeneficiaire": "", "idBeneficiaire": BENEFICIARY},
    )
    assert _stored(table["id"])[0]["idBeneficiaire"] == BENEFICIARY


def _form(row: dict[str, Any]) -> dict[str, str]:
    names = [f["id"] for f in fields.table_designer_fields(SUBVENTIONS)]
    values = {**row, "notificationUE": "false"}
    return {f"col__{i}__value": str(values.get(n, "")) for i, n in enumerate(names, 1)}


@pytest.mark.usefixtures("clean_datastore")
def test_the_row_forms_show_the_report_message(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    message = _one_of_message()
    ids = {"id": table["package_id"], "resource_id": table["id"]}
    env = {"REMOTE_USER": editor["name"]}
    added = app.post(
        tk.url_for("tabledesigner.add_row", **ids),
        data=_form(NEITHER),
        headers=editor["headers"],
        extra_environ=env,
    )
    assert added.status_code == 200
    assert str(escape(message)) in added.get_data(as_text=True)
    assert _stored(table["id"]) == []

    _upsert(editor["name"], table["id"], "insert", typed_row())
    (stored,) = _stored(table["id"])
    edited = app.post(
        tk.url_for("tabledesigner.edit_row", _id=stored["_id"], **ids),
        data=_form(NEITHER),
        headers=editor["headers"],
        extra_environ=env,
    )
    assert edited.status_code == 200
    assert str(escape(message)) in edited.get_data(as_text=True)
    assert _stored(table["id"])[0]["rnaBeneficiaire"] == "W313001234"
