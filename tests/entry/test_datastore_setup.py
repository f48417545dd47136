"""The DataStore and the Table Designer work in the test configuration: a
table is created, filled and read back through CKAN's own actions, and the
read-only user of datastore_search_sql cannot write."""

from __future__ import annotations

from typing import Any

import pytest

from ckan.tests.helpers import call_action

from ckanext.datastore.backend.postgres import get_read_engine


@pytest.mark.usefixtures("clean_datastore")
def test_a_table_designer_resource_stores_and_returns_rows(
    make_dataset: Any, sysadmin: dict[str, Any]
) -> None:
    dataset = make_dataset()
    resource = call_action(
        "resource_create",
        {"user": sysadmin["name"]},
        package_id=dataset["id"],
        name="Saisie",
        url_type="tabledesigner",
    )
    call_action(
        "datastore_create",
        {"user": sysadmin["name"]},
        resource_id=resource["id"],
        force=True,
        fields=[
            {"id": "nom", "type": "text", "tdtype": "text", "tdpkreq": "pk"},
            {"id": "montant", "type": "numeric", "tdtype": "numeric"},
        ],
    )
    call_action(
        "datastore_upsert",
        {"user": sysadmin["name"]},
        resource_id=resource["id"],
        method="insert",
        records=[{"nom": "Club de rugby", "montant": "1500.50"}],
    )
    found = call_action("datastore_search", resource_id=resource["id"])
    assert [(r["nom"], float(r["montant"])) for r in found["records"]] == [
        ("Club de rugby", 1500.5)
    ]
    query = f'SELECT nom FROM "{resource["id"]}"'  # noqa: S608 (a UUID made by CKAN)
    sql = call_action("datastore_search_sql", sql=query)
    assert [r["nom"] for r in sql["records"]] == ["Club de rugby"]


def test_the_read_only_user_cannot_create_tables() -> None:
    """`ckan datastore set-permissions` was applied by dev/services."""
    import sqlalchemy as sa

    with get_read_engine().connect() as connection:
        can_create = connection.execute(
            sa.text("SELECT has_schema_privilege(current_user, 'public', 'CREATE')")
        ).scalar()
        metadata = connection.execute(
            sa.text("SELECT count(*) >= 0 FROM _table_metadata")
        ).scalar()
    assert can_create is False
    assert metadata is True
