"""The published file of an online table: an exact SCDL file.

A Table Designer resource keeps its rows in the DataStore; what visitors
download, what the DCAT feed and the overview list and what consolidation
merges is a CSV file made from those rows:

- the standard's columns, by name and in its order (a column the table lacks
  is written empty); never the DataStore's ``_id``;
- UTF-8, comma, one header row; booleans written with the standard's first
  ``trueValues``/``falseValues``, dates as ``YYYY-MM-DD``;
- produced by PostgreSQL itself (``COPY … TO STDOUT``) into a temporary file,
  so that memory stays flat whatever the number of rows.

The file is made by a background job (``publish_resource``) queued once per
table whenever its rows change (``rows_changed``), validated with our engine
(``uploads.runner``), its report stored like any file's (``uploads.store``),
and stored in CKAN's resource storage under the resource's own id, as CKAN
stores an upload (``uploads.files.store_upload``): every reader of stored
files (revalidation, consolidation) reads it there. Visitors download it at
a stable URL (``download_path``) served by our blueprint, which checks that
they may see the resource.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from ckanext.haute_garonne import background
from ckanext.haute_garonne.model import _now
from ckanext.haute_garonne.standards.registry import load_descriptor
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.uploads import files, index_state, store
from ckanext.haute_garonne.uploads.runner import run, standard_of

log = logging.getLogger(__name__)

__all__ = [
    "TABLE",
    "columns",
    "download_path",
    "filename_of",
    "is_table",
    "publish_resource",
    "rows_changed",
    "select_sql",
    "stored_chunks",
    "subscriptions",
    "write_csv",
]

TABLE = "tabledesigner"  # the url_type of Table Designer resources
TIMEOUT = 1800  # seconds a publishing job may run
CHUNK = 1024 * 1024
# Published files are ours, not uploads: CKAN's upload limit (10 MB by
# default) does not bound them, this does (about 2 million SCDL rows).
MAX_MB = 1024


def is_table(resource: dict[str, Any]) -> bool:
    return resource.get("url_type") == TABLE


def filename_of(version: SchemaVersion) -> str:
    """The name visitors' files get: the standard's, e.g. subventions.csv."""
    return f"{version.standard}.csv"


def download_path(package_id: str, resource_id: str, filename: str) -> str:
    """The stable address of the published file (same as our blueprint's
    rule): ids, never names, so that renaming a dataset breaks no link."""
    return f"/dataset/{package_id}/resource/{resource_id}/scdl/{filename}"


# Making the file ---------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _expression(column: str, pg_type: str, field: dict[str, Any]) -> str:
    """SQL giving the text of ``column`` as the standard writes it; NULL
    for an empty cell (COPY then writes nothing, not "")."""
    col = _quote(column)
    kind = pg_type.lower()
    if kind in ("bool", "boolean"):
        yes = (field.get("trueValues") or ["true"])[0]
        no = (field.get("falseValues") or ["false"])[0]
        return f"CASE WHEN {col} THEN {_literal(yes)} WHEN NOT {col} THEN {_literal(no)} END"
    if kind == "date":
        return f"to_char({col}, 'YYYY-MM-DD')"
    if kind.startswith("timestamp"):
        return f"to_char({col}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
    return f"NULLIF({col}::text, '')"


def select_sql(
    resource_id: str, fields: list[dict[str, Any]], columns: dict[str, str]
) -> str:
    """The query of the published rows: the standard's ``fields`` in order,
    read from the table's ``columns`` (name -> PostgreSQL type), in the
    order rows were added."""
    selected = [
        f"{_expression(f['name'], columns[f['name']], f) if f['name'] in columns else 'NULL'}"
        f" AS {_quote(f['name'])}"
        for f in fields
    ]
    # Identifiers are quoted (_quote), literals escaped (_literal): the
    # names come from our schema files and the DataStore's own table.
    return "SELECT {} FROM {} ORDER BY {}".format(  # noqa: S608
        ", ".join(selected), _quote(resource_id), _quote("_id")
    )


def columns(resource_id: str) -> dict[str, str]:
    """The table's columns and their types (the DataStore's ``_id`` and
    ``_full_text`` left out)."""
    info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
    return {
        f["id"]: f.get("type") or "text"
        for f in info.get("fields", [])
        if not f["id"].startswith("_")
    }


def write_csv(resource_id: str, version: SchemaVersion, target: IO[bytes]) -> None:
    """Write the published file of a table to ``target`` (binary), streamed
    by PostgreSQL: memory does not grow with the number of rows."""
    from ckanext.datastore.backend.postgres import get_read_engine

    fields = load_descriptor(version.path).get("fields", [])
    sql = select_sql(resource_id, fields, columns(resource_id))
    copy = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    connection = get_read_engine().raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
            cursor.copy_expert(copy, target, size=CHUNK)
        finally:
            cursor.close()
        connection.rollback()
    finally:
        connection.close()


def _digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# The job -----------------------------------------------------------------------


def _key(resource_id: str) -> str:
    return f"entry-publish-{resource_id}"


# The DataStore's actions that change a table's rows or columns
# (datastore_records_delete calls datastore_delete).
ROW_ACTIONS = ("datastore_create", "datastore_upsert", "datastore_delete")


def subscriptions() -> list[dict[str, Any]]:
    """Receivers of CKAN's ``action_succeeded`` signal: a change of rows,
    whoever makes it (Table Designer's forms, the API, an import)."""
    return [{"sender": action, "receiver": action_succeeded} for action in ROW_ACTIONS]


def action_succeeded(sender: str, **kwargs: Any) -> None:
    """Queue the file of the table whose rows changed; never fails the
    change itself (it is saved): a lost job is only a late file."""
    data_dict = kwargs.get("data_dict") or {}
    result = kwargs.get("result")
    found = result if isinstance(result, dict) else {}
    resource_id = found.get("resource_id") or data_dict.get("resource_id")
    if not isinstance(resource_id, str) or data_dict.get("dry_run"):
        return
    try:
        rows_changed(resource_id)
    except Exception:
        log.exception(
            "Publishing the file of table %s could not be queued", resource_id
        )
        model.Session.rollback()


def rows_changed(resource_id: str) -> bool:
    """Called after a change of a table's rows or columns: the resource is
    marked modified now (the overview's "à jour" follows rows) and its file
    is made again by a job (which does nothing for a dataset without
    standard). False for a resource that is not an online table."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.url_type != TABLE:
        return False
    resource.last_modified = _now()
    model.Session.commit()
    return background.enqueue_once(
        publish_resource,
        [resource_id],
        key=_key(resource_id),
        title=f"haute_garonne publish {resource_id}",
        timeout=TIMEOUT,
    )


def publish_resource(resource_id: str) -> str | None:
    """Make the published file of an online table, validate it, store its
    report and the file. Returns the report's status (None: nothing to
    publish, e.g. the resource is gone or has no standard)."""
    context: dict[str, Any] = {"ignore_auth": True}
    try:
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        dataset = tk.get_action("package_show")(
            dict(context), {"id": resource["package_id"]}
        )
    except tk.ObjectNotFound:
        return None
    found = standard_of(dataset, resource) if is_table(resource) else None
    if found is None or not resource.get("datastore_active"):
        return None
    version, chosen = found
    filename = filename_of(version)
    with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
        write_csv(resource_id, version, tmp)
        tmp.flush()
        path = Path(tmp.name)
        sha256, size = _digest(path)
        fetched = files.Fetched(path, filename, sha256, size)
        report = run(fetched, version, chosen)
        with path.open("rb") as stream:
            files.store_upload(
                resource_id,
                FileStorage(stream, filename, content_type="text/csv"),
                max_size=max(uploader.get_max_resource_size(), MAX_MB),
            )
    _point_at_file(resource, dataset, filename, size)
    # The dataset's index entry (CKAN's cache of it) still holds the
    # resource before the change of rows (its date) and before this file.
    index_state.index(dataset["id"], force=True)
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    store.save(resource, sha256, version, report, store.stored_status(report))
    return str(report["status"])


def _point_at_file(
    resource: dict[str, Any], dataset: dict[str, Any], filename: str, size: int
) -> None:
    """Give the resource the stable URL of its file (once), its format and
    size, without touching its modification date (rows set it)."""
    url = tk.config.get("ckan.site_url", "").rstrip("/") + download_path(
        dataset["id"], resource["id"], filename
    )
    wanted = {"url": url, "format": "CSV", "mimetype": "text/csv", "size": size}
    if all(resource.get(k) == v for k, v in wanted.items()):
        return
    row = model.Resource.get(resource["id"])
    if row is None:
        return
    modified = row.last_modified
    row.url, row.format, row.mimetype, row.size = url, "CSV", "text/csv", size
    row.last_modified = modified
    model.Session.commit()


def stored_chunks(resource_id: str, filename: str) -> Iterator[bytes]:
    """The bytes of a table's published file, as stored (``FileNotFoundError``
    when it has not been made yet)."""
    return files.stored_chunks(resource_id, filename)
