"""The DataStore's and the Table Designer's actions, chained for online
tables of SCDL datasets (``entry/``): a new table gets its standard's
columns, and rows are checked like a file's before they are stored.

Registered only when the ``datastore`` and ``tabledesigner`` plugins are
loaded (``logic/__init__.py``): a chained action needs the action it chains.
Authorisation stays CKAN's: the chained actions run the core action's auth
function first.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.haute_garonne.entry import service

__all__ = ["actions"]


@tk.chained_action
def resource_create(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """An online table of an SCDL dataset starts with its standard's
    columns."""
    result = next_action(context, data_dict)
    if result.get("url_type") == service.URL_TYPE:
        service.set_up_table(context, result)
    return result


@tk.chained_action
def resource_update(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """A file or link turned into an online table gets its standard's
    columns, as a new one does (refused in French when the DataStore
    already holds the file's own table)."""
    if data_dict.get("url_type") == service.URL_TYPE:
        tk.check_access("resource_update", context, data_dict)
    converted = service.check_conversion(data_dict)
    result = next_action(context, data_dict)
    if converted and result.get("url_type") == service.URL_TYPE:
        service.set_up_table(context, result)
    return result


@tk.chained_action
def datastore_upsert(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """Rows of an online table are refused with the file validation's French
    messages when they break the standard; nothing is stored then. The core
    action's auth runs first, so that an outsider learns nothing."""
    tk.check_access("datastore_upsert", context, data_dict)
    service.check_records(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def datastore_create(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """Rows given with ``datastore_create`` to an existing online table are
    checked as ``datastore_upsert`` checks them."""
    if data_dict.get("records") and isinstance(data_dict.get("resource_id"), str):
        tk.check_access("datastore_create", context, data_dict)
        service.check_records({**data_dict, "method": "insert"})
    return next_action(context, data_dict)


def actions() -> dict[str, Any]:
    return {
        "resource_create": resource_create,
        "resource_update": resource_update,
        "datastore_upsert": datastore_upsert,
        "datastore_create": datastore_create,
    }
