"""An online table ("Saisie en ligne") of an SCDL dataset, on CKAN's Table
Designer: its columns are the standard's, rows that break the standard are
refused with the file validation's French message, and only the
collectivité's editors and admins change rows. Real DataStore, no mock."""

from __future__ import annotations

from typing import Any

import pytest
from entry_tables import TYPED_ROW, publisher_dataset, publisher_table, typed_row

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.entry import fields
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.validation import validate

SUBVENTIONS = registry.get_standard("subventions").latest  # type: ignore[union-attr]
ROQUES_SIRET = TYPED_ROW["idAttribuant"]
BENEFICIARY = "44137080600016"  # a valid SIRET
BAD_SIRET = ROQUES_SIRET[:-1] + str((int(ROQUES_SIRET[-1]) + 1) % 10)

pytestmark = pytest.mark.usefixtures("clean_datastore")


def _file_message(column: str, value: str) -> str:
    """The message our file validation gives for this value in a file."""
    names = [f["id"] for f in fields.table_designer_fields(SUBVENTIONS)]
    row = typed_row(**{column: value}, notificationUE="non")
    body = (
        ",".join(names)
        + "\r\n"
        + ",".join(f'"{row.get(n, "")}"' for n in names)
        + "\r\n"
    )
    report = validate(body.encode(), "subventions", SUBVENTIONS.version)
    return next(e.message for e in report.errors if e.field == column)


@pytest.fixture
def table(roques: dict[str, Any], editor: dict[str, Any]) -> dict[str, Any]:
    return publisher_table(publisher_dataset(roques, editor), editor)


def _upsert(user: str | None, resource_id: str, *records: dict[str, Any]) -> Any:
    context = {"user": user or "", "ignore_auth": False}
    return call_action(
        "datastore_upsert",
        context,
        resource_id=resource_id,
        method="insert",
        records=list(records),
    )


def test_the_table_has_the_standards_columns(table: dict[str, Any]) -> None:
    info = call_action("datastore_info", id=table["id"])
    columns = [f for f in info["fields"] if f["id"] != "_id"]
    assert [f["id"] for f in columns] == [
        f["id"] for f in fields.table_designer_fields(SUBVENTIONS)
    ]
    by_id = {f["id"]: f for f in columns}
    assert by_id["idAttribuant"]["tdtype"] == fields.SIRET
    assert by_id["nature"]["tdtype"] == "choice"
    assert by_id["montant"]["type"] == "numeric"
    assert by_id["nomAttribuant"]["info"]["label"] == (
        "Nom de la collectivité qui accorde la subvention"
    )


def test_a_valid_row_is_stored(table: dict[str, Any], editor: dict[str, Any]) -> None:
    _upsert(editor["name"], table["id"], typed_row())
    found = call_action("datastore_search", resource_id=table["id"])
    assert [r["nomBeneficiaire"] for r in found["records"]] == ["Rugby club de Roques"]


def test_a_bad_siret_is_refused_with_the_file_message(
    table: dict[str, Any], editor: dict[str, Any]
) -> None:
    with pytest.raises(tk.ValidationError) as refused:
        _upsert(
            editor["name"], table["id"], typed_row(), typed_row(idAttribuant=BAD_SIRET)
        )
    text = refused.value.error_dict["records"][0]
    assert text.startswith("TAB-DELIMITED\tidAttribuant\t")
    assert _file_message("idAttribuant", BAD_SIRET) in text
    assert "SIRET" in text and "clé de contrôle" in text
    # Nothing is half-saved: the good row of the same call is not stored.
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("dateConvention", "11/04/2024"),
        ("montant", "1 500,50"),
        ("datesPeriodeVersement", "2024-01-01 au 2024-12-31"),
        ("nature", "subvention"),
        ("pourcentageSubvention", "2"),
    ],
)
def test_bad_values_get_the_file_message(
    table: dict[str, Any], editor: dict[str, Any], column: str, value: str
) -> None:
    with pytest.raises(tk.ValidationError) as refused:
        _upsert(editor["name"], table["id"], typed_row(**{column: value}))
    assert _file_message(column, value) in refused.value.error_dict["records"][0]


def test_the_row_form_shows_the_french_message(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    names = [f["id"] for f in fields.table_designer_fields(SUBVENTIONS)]
    row = typed_row(idAttribuant=BAD_SIRET, notificationUE="false")
    form = {f"col__{i}__value": str(row.get(n, "")) for i, n in enumerate(names, 1)}
    response = app.post(
        tk.url_for(
            "tabledesigner.add_row", id=table["package_id"], resource_id=table["id"]
        ),
        data=form,
        headers=editor["headers"],
        extra_environ={"REMOTE_USER": editor["name"]},
    )
    assert response.status_code == 200
    assert "clé de contrôle" in response.get_data(as_text=True)
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 0


@pytest.fixture
def people(roques: dict[str, Any], make_collectivite: Any) -> dict[str, str | None]:
    """An editor of another collectivité, a member of Roques, anonymous."""
    outsider = factories.User()
    member = factories.User()
    other = make_collectivite()
    call_action(
        "organization_member_create",
        id=other["id"],
        username=outsider["name"],
        role="editor",
    )
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=member["name"],
        role="member",
    )
    return {"outsider": outsider["name"], "member": member["name"], "anonymous": None}


def test_only_the_collectivites_editors_change_rows(
    table: dict[str, Any], editor: dict[str, Any], people: dict[str, str | None]
) -> None:
    _upsert(editor["name"], table["id"], typed_row())
    for who, name in people.items():
        with pytest.raises(tk.NotAuthorized):
            _upsert(name, table["id"], typed_row(nomBeneficiaire=who))
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "datastore_records_delete",
                {"user": name or "", "ignore_auth": False},
                resource_id=table["id"],
                filters={},
            )
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "datastore_delete",
                {"user": name or "", "ignore_auth": False},
                resource_id=table["id"],
                filters={},
                force=True,
            )
    sysadmin = factories.Sysadmin()
    _upsert(
        sysadmin["name"], table["id"], typed_row(nomBeneficiaire="Par l'administrateur")
    )
    found = call_action("datastore_search", resource_id=table["id"])
    assert sorted(r["nomBeneficiaire"] for r in found["records"]) == [
        "Par l'administrateur",
        "Rugby club de Roques",
    ]


def test_a_private_table_is_read_only_inside_the_collectivite(
    table: dict[str, Any], editor: dict[str, Any], people: dict[str, str | None]
) -> None:
    _upsert(editor["name"], table["id"], typed_row())
    call_action(
        "package_patch", {"user": editor["name"]}, id=table["package_id"], private=True
    )
    sql = f'SELECT * FROM "{table["id"]}"'  # noqa: S608 (a UUID made by CKAN)
    for who in ("outsider", "anonymous"):
        context = {"user": people[who] or "", "ignore_auth": False}
        with pytest.raises(tk.NotAuthorized):
            call_action("datastore_search", dict(context), resource_id=table["id"])
        with pytest.raises(tk.NotAuthorized):
            call_action("datastore_search_sql", dict(context), sql=sql)
    for name in (people["member"], editor["name"]):
        context = {"user": name, "ignore_auth": False}
        assert (
            call_action("datastore_search", dict(context), resource_id=table["id"])[
                "total"
            ]
            == 1
        )
        assert (
            len(call_action("datastore_search_sql", dict(context), sql=sql)["records"])
            == 1
        )


def test_an_empty_optional_cell_passes_the_pattern(
    table: dict[str, Any], editor: dict[str, Any]
) -> None:
    """CKAN's own pattern constraint refuses an empty cell; ours does not."""
    _upsert(
        editor["name"],
        table["id"],
        typed_row(rnaBeneficiaire="", idBeneficiaire=BENEFICIARY),
    )
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 1


def test_the_trigger_refuses_a_bad_siret_written_past_the_check(
    table: dict[str, Any],
) -> None:
    """Written by CKAN's core action itself (as a path that skipped ours
    would), a bad SIRET is still refused by the table's trigger."""
    from ckanext.datastore.logic.action import datastore_upsert as core_upsert

    with pytest.raises(tk.ValidationError) as refused:
        core_upsert(
            {"user": "", "ignore_auth": True, "model": model},  # type: ignore[arg-type]
            {
                "resource_id": table["id"],
                "method": "insert",
                "records": [typed_row(idAttribuant=BAD_SIRET)],
            },
        )
    assert "Invalid SIRET" in str(refused.value.error_dict)


def test_a_new_row_starts_with_the_collectivites_identity(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    url = tk.url_for(
        "tabledesigner.add_row", id=table["package_id"], resource_id=table["id"]
    )
    page = app.get(url, headers=editor["headers"]).get_data(as_text=True)
    assert 'value="Roques"' in page  # nomAttribuant
    assert f'value="{ROQUES_SIRET}"' not in page
    _upsert(editor["name"], table["id"], typed_row())
    page = app.get(url, headers=editor["headers"]).get_data(as_text=True)
    assert f'value="{ROQUES_SIRET}"' in page  # idAttribuant, as in the last row
    # Drop-downs for enumerations, French labels.
    assert "aide en numéraire" in page
    assert "Nom de la collectivité qui accorde la subvention" in page


def test_the_resource_form_offers_online_entry(
    app: Any, table: dict[str, Any], editor: dict[str, Any]
) -> None:
    page = app.get(
        tk.url_for("subventions_resource.new", id=table["package_id"]),
        headers=editor["headers"],
    ).get_data(as_text=True)
    assert "Saisir en ligne" in page
    assert 'value="tabledesigner"' in page


def test_rows_given_to_datastore_create_are_checked_too(
    table: dict[str, Any], editor: dict[str, Any]
) -> None:
    with pytest.raises(tk.ValidationError) as refused:
        call_action(
            "datastore_create",
            {"user": editor["name"], "ignore_auth": False},
            resource_id=table["id"],
            force=True,
            records=[typed_row(idAttribuant=BAD_SIRET)],
        )
    assert _file_message("idAttribuant", BAD_SIRET) in str(refused.value.error_dict)
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 0


@pytest.mark.parametrize(
    "records",
    [[None], ["texte"], [{"montant": {"$gt": 1}}], [{"objet": "a\x00b"}]],
)
def test_hostile_records_get_an_answer_not_a_crash(
    table: dict[str, Any], editor: dict[str, Any], records: list[Any]
) -> None:
    with pytest.raises(tk.ValidationError):
        _upsert(editor["name"], table["id"], *records)
    assert call_action("datastore_search", resource_id=table["id"])["total"] == 0
