"""CKAN's search and write actions, chained so that an unreachable Solr
raises ``outage.SearchUnavailable`` (a French 503, ``views.py``) instead of
the empty search, the 409 or the 500 of CKAN's own views.

A write is refused before anything is done when Solr does not answer; one
that Solr fails during is refused too: CKAN aborts the commit when the index
refuses the dataset, and the session is rolled back here.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.haute_garonne import outage

__all__ = ["actions"]

# The actions that index a dataset when they commit.
WRITES = (
    "package_create",
    "package_update",
    "package_patch",
    "package_revise",
    "package_delete",
    "dataset_purge",
    "package_resource_reorder",
    "package_owner_org_update",
    "resource_create",
    "resource_update",
    "resource_patch",
    "resource_delete",
    "bulk_update_private",
    "bulk_update_public",
    "bulk_update_delete",
)


def _unavailable(
    error: Exception | None, write: bool = False
) -> outage.SearchUnavailable:
    """The exception to raise, noted on the request: CKAN's action API turns
    any exception into a 500, which ``views.py`` then answers as a 503."""
    found = outage.SearchUnavailable(write=write)
    if has_request_context():
        tk.g.haute_garonne_search_unavailable = found
    return found


@tk.chained_action
@tk.side_effect_free
def package_search(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    try:
        found = next_action(context, data_dict)
    except outage.SEARCH_FAILURES as e:
        if outage.unavailable(e):
            raise _unavailable(e) from e
        raise
    outage.after_search()
    return found


def _chained_write(name: str) -> Any:
    @tk.chained_action
    def chained(next_action: Any, context: Context, data_dict: DataDict) -> Any:
        # Asked first, so that nothing is done at all: CKAN 2.12 stores an
        # uploaded file before the commit that the index would refuse.
        if not outage.solr_answers():
            raise _unavailable(None, write=True)
        try:
            return next_action(context, data_dict)
        except outage.SEARCH_FAILURES as e:
            if not outage.unavailable(e):
                raise
            model.Session.rollback()
            raise _unavailable(e, write=True) from e

    chained.__name__ = name
    return chained


def actions() -> dict[str, Any]:
    found: dict[str, Any] = {name: _chained_write(name) for name in WRITES}
    found["package_search"] = package_search
    return found
