"""What the département's view does when a validation report is recorded
(``uploads.signals.report_recorded``): the dataset is indexed again (its
"Conformité" facet), the collectivité's admins are told when a file turns
invalid, and the standard's consolidated file is rebuilt. And when CKAN
changes a source dataset (``action_succeeded``: made private or public,
deleted, purged, edited, a file deleted), the consolidated files its files
are in are rebuilt, so that withdrawn rows leave them in the job that follows.
Both, and any change to a collectivité, make the compliance overview's kept
rows stale (``overview_cache.forget``).

The pattern of CKAN's own ``ckanext/activity/subscriptions.py``; wired by
``implementations/signals.py``.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import SignalMapping

from ckanext.haute_garonne import config
from ckanext.haute_garonne.collectivites import lookup
from ckanext.haute_garonne.model import FAILED_STATUSES, FINAL_STATUSES
from ckanext.haute_garonne.socle import jobs, overview_cache, reminders
from ckanext.haute_garonne.socle.consolidation import portal, sources
from ckanext.haute_garonne.types import RecordedReport
from ckanext.haute_garonne.uploads import index_state
from ckanext.haute_garonne.uploads.signals import report_recorded

log = logging.getLogger(__name__)

__all__ = ["get_subscriptions"]


def get_subscriptions() -> SignalMapping:
    return {
        # The overview forgets its rows once the dataset is indexed again.
        report_recorded: [reindex, remind, rebuild, overview_cache.forget],
        tk.signals.action_succeeded: [
            *(
                {"sender": action, "receiver": dataset_changed}
                for action in sources.ACTIONS
            ),
            *(
                {"sender": action, "receiver": overview_cache.forget}
                for action in overview_cache.ACTIONS
            ),
        ],
    }


def reindex(sender: str, *, record: RecordedReport, **kwargs: Any) -> None:
    """The dataset's "Conformité" facet follows its files' statuses, and its
    index entry leaves out its hidden files: the dataset is indexed again
    unless its entry already says the same. While Solr is down the dataset
    is noted and indexed once it is back."""
    index_state.index(record.package_id)


def remind(sender: str, *, record: RecordedReport, **kwargs: Any) -> None:
    """A file that turns invalid or unreadable: tell the admins, in a job."""
    if record.status in FAILED_STATUSES and record.previous_status not in (
        FAILED_STATUSES
    ):
        tk.enqueue_job(
            reminders.notify_invalid,
            [record.resource_id],
            title=f"haute_garonne invalid file {record.resource_id}",
        )


def rebuild(
    sender: str, *, record: RecordedReport, resource: dict[str, Any], **kwargs: Any
) -> None:
    """A file's verdict: rebuild its standard's consolidated file in a job, if
    the portal has a Département to publish it. A rebuild that cannot be
    queued never refuses a file."""
    if record.status not in FINAL_STATUSES or not config.consolidation_auto():
        return
    try:
        if not portal.wants_rebuild(resource):
            return
        _queue(
            sources.versions_after_report(
                record.package_id, record.resource_id, record.standard, record.version
            )
        )
    except Exception:
        log.exception("Consolidation not queued for %s", record.resource_id)


def dataset_changed(sender: str, **kwargs: Any) -> None:
    """A source dataset changed or lost a file (CKAN's ``action_succeeded``,
    the sender being the action): rebuild the consolidated files its files
    may be in. An action never fails because of it."""
    if not config.consolidation_auto():
        return
    try:
        _queue(
            sources.versions_after(
                sender, kwargs.get("data_dict") or {}, kwargs.get("result")
            )
        )
    except Exception:
        log.exception("Consolidation not queued after %s", sender)


def _queue(versions: set[tuple[str, str]]) -> None:
    """Queue these consolidations, if the portal has a Département to
    publish them."""
    if versions and lookup.department() is not None:
        for standard, version in sorted(versions):
            jobs.queue_consolidation(standard, version)
