"""The published file of an online table is an exact SCDL file: the
standard's columns in order, no DataStore ``_id``, UTF-8 and comma, valid
for our engine, its report kept like any file's; private tables stay with
their collectivité; the DCAT feed lists the file with its schema URL."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
from entry_tables import FIELDS, ROW, SUBVENTIONS, add_rows, make_table

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.entry import publish
from ckanext.haute_garonne.validation import validate

pytestmark = pytest.mark.usefixtures("clean_datastore")


def _path(resource: dict[str, Any]) -> str:
    return urlparse(resource["url"]).path


def _published(app: Any, resource: dict[str, Any], **kwargs: Any) -> Any:
    return app.get(_path(resource), **kwargs)


def test_the_published_file_has_the_standards_columns_in_order_and_validates(
    app: Any, subventions: dict[str, Any], run_queued_jobs: Callable[[], None]
) -> None:
    # Columns created in another order than the standard's, one missing.
    columns = list(reversed(FIELDS))
    columns.remove("dispositifAide")
    table = make_table(subventions, columns)
    add_rows(table["id"], [ROW, {**ROW, "montant": "150", "notificationUE": True}])
    run_queued_jobs()

    resource = call_action("resource_show", id=table["id"])
    assert resource["url"].endswith(
        publish.download_path(subventions["id"], table["id"], "subventions.csv")
    )
    assert resource["format"] == "CSV"
    response = _published(app, resource)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.data
    text = body.decode("utf-8")  # UTF-8, no BOM
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == FIELDS  # the standard's columns, in its order; no _id
    assert "_id" not in rows[0]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["montant"] == "2400.50"
    assert first["dateConvention"] == "2024-04-11"
    assert first["notificationUE"] == "non"  # the standard's words
    assert first["dispositifAide"] == ""
    assert dict(zip(rows[0], rows[2], strict=True))["notificationUE"] == "oui"

    report = validate(
        body, "subventions", SUBVENTIONS.version, filename="subventions.csv"
    )
    assert report.status == "valid", report.to_dict()["errors"]
    assert (report.encoding, report.delimiter) == ("utf-8", ",")

    # Its report and badge are kept like any file's.
    shown = call_action("haute_garonne_validation_show", resource_id=table["id"])
    assert shown["status"] == "valid"
    assert shown["version"] == SUBVENTIONS.version


def test_a_change_of_rows_makes_the_file_again_and_dates_the_table(
    app: Any, subventions: dict[str, Any], run_queued_jobs: Callable[[], None]
) -> None:
    table = make_table(subventions)
    run_queued_jobs()
    empty = _published(app, call_action("resource_show", id=table["id"]))
    assert empty.data.decode().splitlines() == [",".join(FIELDS)]
    before = call_action("resource_show", id=table["id"])["last_modified"]

    add_rows(table["id"], [ROW])
    run_queued_jobs()
    resource = call_action("resource_show", id=table["id"])
    assert resource["last_modified"] and resource["last_modified"] > (before or "")
    assert len(_published(app, resource).data.decode().splitlines()) == 2

    # A second row, then deleted: the file follows, each time.
    add_rows(table["id"], [{**ROW, "nomBeneficiaire": "Comité des fêtes"}])
    run_queued_jobs()
    assert b"Comit\xc3\xa9 des f\xc3\xaates" in _published(app, resource).data
    call_action(
        "datastore_records_delete",
        resource_id=table["id"],
        filters={"nomBeneficiaire": "Comité des fêtes"},
        force=True,
    )
    run_queued_jobs()
    assert len(_published(app, resource).data.decode().splitlines()) == 2
    shown = call_action("haute_garonne_validation_show", resource_id=table["id"])
    assert shown["status"] == "valid"
    assert shown["report"]["rows"] == 1


def test_a_private_tables_file_stays_with_its_collectivite(
    app: Any,
    roques: dict[str, Any],
    editor: dict[str, Any],
    run_queued_jobs: Callable[[], None],
) -> None:
    dataset = call_action(
        "package_create",
        type="subventions",
        name="subventions-privees",
        title="Subventions (brouillon)",
        notes="Pas encore publiées.",
        owner_org=roques["id"],
        private=True,
    )
    table = make_table(dataset)
    add_rows(table["id"], [ROW])
    run_queued_jobs()
    resource = call_action("resource_show", id=table["id"])

    assert _published(app, resource).status_code in (403, 404)  # anonymous
    outsider = factories.User()
    token = factories.APIToken(user=outsider["name"])["token"]
    got = _published(app, resource, headers={"Authorization": token})
    assert got.status_code in (403, 404)
    assert b"Tennis" not in got.data

    got = _published(app, resource, headers=editor["headers"])
    assert got.status_code == 200
    assert b"Tennis Roques Olympic Club" in got.data


def test_the_dcat_feed_lists_the_file_with_its_schema_url(
    app: Any, subventions: dict[str, Any], run_queued_jobs: Callable[[], None]
) -> None:
    table = make_table(subventions)
    add_rows(table["id"], [ROW])
    run_queued_jobs()
    resource = call_action("resource_show", id=table["id"])

    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    graph = Graph().parse(data=app.get("/catalog.ttl").data, format="turtle")
    downloads = set(graph.subjects(DCAT.downloadURL, URIRef(resource["url"])))
    assert len(downloads) == 1
    distribution = downloads.pop()
    assert URIRef(SUBVENTIONS.url) in set(
        graph.objects(distribution, DCTERMS.conformsTo)
    )
