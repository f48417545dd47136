"""What the portal does while the search engine (Solr) cannot be reached.

CKAN raises ``SearchError`` (CKAN 2.11) or ``SolrConnectionError`` (CKAN
2.12) when a search fails, and ``SearchIndexError`` when indexing fails; its
own pages then either show an empty search with a 200, or a 500. We turn
every one of them that comes from an unreachable Solr into
``SearchUnavailable``, which no CKAN view catches: the app-wide error handler
of ``views.py`` answers it with a French 503 page (a JSON error for the API).

Writes that need the index (a dataset or a file created, edited, deleted)
are refused while Solr is down: CKAN indexes a dataset inside the commit
that saves it and aborts the commit when the index refuses it, so nothing is
saved and the database never holds a dataset that search cannot find.

What our background jobs change meanwhile (a validation's verdict, which
the "Conformité" facet shows) is saved, and its dataset is noted in Redis;
``reindex_pending``, a job queued once a search succeeds again, indexes the
noted datasets, with no manual ``ckan search-index rebuild``.
"""

from __future__ import annotations

import logging
from typing import Any

import pysolr
import requests

import ckan.plugins.toolkit as tk
from ckan.lib import jobs as ckan_jobs
from ckan.lib import search

from ckanext.haute_garonne import background

log = logging.getLogger(__name__)

__all__ = [
    "SEARCH_FAILURES",
    "SearchUnavailable",
    "after_search",
    "mark_stale",
    "pending",
    "reindex_pending",
    "solr_answers",
    "unavailable",
]

# The search failures of both CKAN versions (2.12 adds SolrConnectionError).
_CONNECTION_ERROR: tuple[type[Exception], ...] = tuple(
    cls for cls in [getattr(search, "SolrConnectionError", None)] if cls is not None
)
SEARCH_FAILURES: tuple[type[Exception], ...] = (
    search.SearchError,
    search.SearchIndexError,
    *_CONNECTION_ERROR,
)
_NETWORK = (requests.exceptions.ConnectionError, requests.exceptions.Timeout)
RETRY_AFTER = 60  # seconds, told to clients with the 503


class SearchUnavailable(Exception):
    """The search engine cannot be reached; the request may be tried again
    later (HTTP 503). ``write``: a change was refused (nothing saved)."""

    def __init__(self, write: bool = False) -> None:
        super().__init__("The search engine cannot be reached")
        self.write = write


def _network_error_in(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _NETWORK + _CONNECTION_ERROR):
            return True
        current = current.__cause__ or current.__context__
    return False


def solr_answers() -> bool:
    """Solr answers a search (a short one, on the portal's core)."""
    try:
        search.make_connection().search(q="*:*", rows=0)
    except (pysolr.SolrError, requests.RequestException, OSError):
        return False
    return True


def unavailable(error: BaseException) -> bool:
    """Whether a search failure comes from Solr being unreachable (rather
    than from a query or a document it refused)."""
    return _network_error_in(error) or not solr_answers()


def _pending_key() -> str:
    return background.job_id("reindex-pending")


def _redis() -> Any:
    return ckan_jobs.get_queue().connection


def mark_stale(package_id: str) -> None:
    """Note a dataset whose index is behind the database."""
    _redis().sadd(_pending_key(), package_id)
    log.warning(
        "Search index unreachable: dataset %s will be indexed later", package_id
    )


def pending() -> set[str]:
    """The datasets waiting to be indexed again."""
    return {
        v.decode() if isinstance(v, bytes) else str(v)
        for v in _redis().smembers(_pending_key())
    }


def after_search() -> None:
    """A search succeeded: if datasets wait to be indexed, queue the job
    that indexes them (once: a job already waiting is enough)."""
    try:
        if _redis().scard(_pending_key()):
            background.enqueue_once(
                reindex_pending,
                [],
                key="reindex-pending",
                title="haute_garonne reindex after a search outage",
            )
    except Exception:  # Redis down too: the next search will do
        log.exception("Could not queue the reindex of pending datasets")


def reindex_pending() -> int:
    """Index the datasets noted while Solr was down; those purged meanwhile
    leave the index. Returns how many were indexed. Raises while Solr is
    still down (the rest stay noted)."""
    done = 0
    for package_id in sorted(pending()):
        # Taken off first: a dataset noted again meanwhile stays noted.
        _redis().srem(_pending_key(), package_id)
        try:
            search.rebuild(package_id)
        except tk.ObjectNotFound:
            search.clear(package_id)
        except SEARCH_FAILURES as e:
            if unavailable(e):
                mark_stale(package_id)
                raise
            # A dataset the index refuses for itself: as CKAN would log it.
            log.exception("Could not index dataset %s", package_id)
        done += 1
    search.commit()
    log.info("Indexed %d datasets changed while Solr was down", done)
    return done
