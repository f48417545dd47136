"""Online tables of SCDL datasets (CKAN side): their columns when one is
created, and the check of rows before ``datastore_upsert`` stores them."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.haute_garonne.entry import fields, rows
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import SchemaVersion

URL_TYPE = "tabledesigner"


def _dataset_dict(package: model.Package) -> dict[str, Any]:
    """What ``schema_version_for`` reads of a dataset, from the model (no
    ``package_show`` on each row saved)."""
    return {"type": package.type, **(package.extras or {})}


def version_of(resource_id: str) -> SchemaVersion | None:
    """The table standard version an online table follows; None for any
    other resource (a file, a link, a table of a dataset without standard)."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.url_type != URL_TYPE or resource.state != "active":
        return None
    package = resource.package
    if package is None:
        return None
    version = registry.schema_version_for(
        _dataset_dict(package), dict(resource.extras or {})
    )
    if version is None or version.kind != "table":
        return None
    return version


def set_up_table(context: Context, resource: dict[str, Any]) -> None:
    """Give a new online table of an SCDL dataset the columns of its
    standard version (in place of the empty table the Table Designer made)."""
    from ckanext.tabledesigner.datastore import create_table

    version = version_of(resource["id"])
    if version is None:
        return
    create_table(
        resource["id"],
        fields.table_designer_fields(version),
        tk.fresh_context(context),
    )


def is_empty(resource_id: str) -> bool:
    """Whether an online table of an SCDL dataset has no row (False for any
    other resource, and for a table the DataStore cannot read)."""
    if version_of(resource_id) is None:
        return False
    try:
        found = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": resource_id, "limit": 0}
        )
    except (tk.ValidationError, tk.ObjectNotFound):
        return False
    return not found.get("total")


def check_conversion(data_dict: dict[str, Any]) -> bool:
    """Before ``resource_update``: whether it turns an existing resource (a
    file, a link) into an online table. Refused, in French, when the
    DataStore already holds a table for it (loaded from its file): its
    columns are the file's, not the standard's, and would be kept."""
    resource_id = data_dict.get("id")
    if data_dict.get("url_type") != URL_TYPE or not isinstance(resource_id, str):
        return False
    resource = model.Resource.get(resource_id)
    if resource is None or resource.url_type == URL_TYPE:
        return False
    if resource.extras and tk.asbool(resource.extras.get("datastore_active")):
        raise tk.ValidationError(
            {
                "url": [
                    tk._(
                        "This file's data is already in the portal's database, "
                        "with the file's own columns: it cannot become an online "
                        "table. Add a new resource with “Table Designer” instead."
                    )
                ]
            }
        )
    return True


def _existing(resource_id: str, record_id: Any) -> dict[str, Any]:
    """The stored row a partial update completes (empty when none)."""
    try:
        found = tk.get_action("datastore_search")(
            {"ignore_auth": True},
            {"resource_id": resource_id, "filters": {"_id": record_id}, "limit": 1},
        )
    except (tk.ValidationError, tk.ObjectNotFound):
        return {}
    records = found.get("records") or []
    return records[0] if records else {}


def _one_line(message: str) -> str:
    """A message in the Table Designer's tab-delimited error format."""
    return " ".join(message.replace("\t", " ").split())


def check_records(data_dict: dict[str, Any]) -> None:
    """Refuse the records of an online table that break its standard, with
    the French messages of the file validation: a ``ValidationError`` whose
    ``records`` holds, for each refused record, the Table Designer's
    ``TAB-DELIMITED`` string (column, message, ...), which its row forms show
    beside each field. Nothing is stored when one record is refused."""
    resource_id = data_dict.get("resource_id")
    records = data_dict.get("records")
    if not isinstance(resource_id, str) or not isinstance(records, list):
        return  # CKAN's own validation answers
    version = version_of(resource_id)
    if version is None:
        return
    method = data_dict.get("method") or "upsert"
    refused = []
    for record in records:
        if not isinstance(record, dict):
            continue  # CKAN's own validation answers
        row = dict(record)
        if method in ("update", "upsert") and row.get("_id") not in (None, ""):
            row = {**_existing(resource_id, row["_id"]), **row}
        errors = rows.row_errors(version, row)
        if errors:
            parts = ["TAB-DELIMITED"]
            for column, messages in errors.items():
                for message in messages:
                    parts += [column, _one_line(message)]
            refused.append("\t".join(parts))
    if refused:
        raise tk.ValidationError({"records": refused})


def prefill(dataset: dict[str, Any], resource: dict[str, Any]) -> dict[str, str]:
    """The values a new row of an online table starts with: the
    collectivité's identity where its standard asks for it (see
    ``fields.prefilled``); empty for any other table."""
    from ckanext.haute_garonne.collectivites.identity import identity

    version = version_of(resource.get("id") or "")
    owner = dataset.get("owner_org")
    if version is None or not owner:
        return {}
    try:
        organization = tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": owner, "include_datasets": False}
        )
        last = tk.get_action("datastore_search")(
            {"ignore_auth": True},
            {"resource_id": resource["id"], "sort": "_id desc", "limit": 1},
        )["records"]
    except (tk.ObjectNotFound, tk.ValidationError):
        return {}
    return fields.prefilled(version, identity(organization), last[0] if last else None)
