"""What a dataset's entry in the search index takes from its files'
validations: the dataset's status (the "Conformité" facet) and which of its
files are hidden from the public (left out of the entry).

Both are written when the dataset is indexed (``before_dataset_index``), and
asked of the index before indexing the dataset again after a report
(``socle.subscriptions.reindex``). A report that changes neither costs no
indexing: the second file checked in a dataset that already shows
"Validation in progress", the verdict of a file that leaves its dataset as it
was. Indexing a dataset costs CKAN a full read of the dataset and Solr a
commit; asking costs one search that returns no document.

The entry is also CKAN's cache of the dataset (``package_show`` reads it
back while the dataset's ``metadata_modified`` matches), so whoever changes
a dataset's rows in the database without an action (``entry.publish``: a
table's file, its date) indexes it again with ``force``.
"""

from __future__ import annotations

import hashlib
import logging

import ckan.plugins.toolkit as tk
from ckan.lib import search

from ckanext.haute_garonne import outage
from ckanext.haute_garonne.uploads import store, visibility

log = logging.getLogger(__name__)

STATUS_FIELD = "validation_status"
# A digest of the hidden files' ids, not the ids: indexed, never shown.
HIDDEN_FIELD = "validation_hidden"
NOTHING_HIDDEN = "none"


def fields(package_id: str) -> dict[str, str]:
    """The index fields of a dataset that come from its validations."""
    status, date = store.dataset_status(package_id)
    indexed = {HIDDEN_FIELD: _digest(visibility.hidden_ids([package_id]))}
    if status and date:
        indexed[STATUS_FIELD] = status
    return indexed


def _digest(hidden: set[str]) -> str:
    if not hidden:
        return NOTHING_HIDDEN
    return hashlib.sha256(",".join(sorted(hidden)).encode()).hexdigest()[:20]


def up_to_date(package_id: str) -> bool:
    """Whether the dataset's entry in the index already holds what its
    validations give today. False when the index cannot say (Solr down, an
    entry written before this field existed): the caller then indexes."""
    wanted = fields(package_id)
    status = wanted.get(STATUS_FIELD)
    filters = [
        f'+site_id:"{tk.config.get("ckan.site_id")}"',
        f'+id:"{package_id}"',
        f'+{HIDDEN_FIELD}:"{wanted[HIDDEN_FIELD]}"',
        f'+{STATUS_FIELD}:"{status}"' if status else f"-{STATUS_FIELD}:[* TO *]",
    ]
    try:
        found = search.make_connection().search(q="*:*", fq=filters, rows=0, fl="id")
    except Exception:  # any doubt means "index it again"
        log.debug("Could not ask the index about %s", package_id, exc_info=True)
        return False
    return bool(found.hits)


def index(package_id: str, force: bool = False) -> bool:
    """Index a dataset again, unless its entry already holds what its
    validations give (``force``: always). While Solr is down the dataset is
    noted and indexed once it is back (``outage``). True if it was indexed
    now."""
    try:
        if not force and up_to_date(package_id):
            return False
        search.rebuild(package_id)
    except outage.SEARCH_FAILURES as e:
        if not outage.unavailable(e):
            raise
        outage.mark_stale(package_id)
        return False
    return True
