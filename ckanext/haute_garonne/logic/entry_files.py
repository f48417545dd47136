"""Actions of online tables (Saisie en ligne) about their files: importing
rows from a spreadsheet (``entry/importing.py``). The published file follows
the rows through a subscription to CKAN's ``action_succeeded`` signal
(``entry/publish.py``), not a chained action."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.haute_garonne.entry import importing


def haute_garonne_entry_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Add the rows of a spreadsheet (``upload``: CSV, XLSX or ODS) to an
    online table (``resource_id``). The file is checked against the
    dataset's standard first: one that fails inserts nothing and the
    ``ValidationError`` carries its report. Returns ``rows`` (how many were
    added) and ``report``."""
    resource_id = tk.get_or_bust(data_dict, "resource_id")
    tk.check_access("haute_garonne_entry_import", context, {"resource_id": resource_id})
    show = {"ignore_auth": True}
    resource = tk.get_action("resource_show")(dict(show), {"id": resource_id})
    dataset = tk.get_action("package_show")(dict(show), {"id": resource["package_id"]})
    return importing.import_rows(context, resource, dataset, data_dict.get("upload"))
