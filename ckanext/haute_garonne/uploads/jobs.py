"""Background validation of a resource's file (run by ``ckan jobs worker``),
for files too large to check during the upload and for revalidations.

A validation waits in our table (status pending, then running) until its job
records a verdict. Jobs are queued once per resource (``background``: asking
again while one waits queues nothing) and run again by RQ when their worker
dies; ``requeue_stale`` queues again those whose job was lost anyway (a Redis
restarted without persistence, a queue emptied by hand).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne import background
from ckanext.haute_garonne.language import in_default_language
from ckanext.haute_garonne.model import (
    ERROR,
    PENDING,
    RUNNING,
    ResourceValidation,
    _now,
)
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.uploads import candidates, files, store
from ckanext.haute_garonne.uploads.runner import run, standard_of

log = logging.getLogger(__name__)

__all__ = ["queue", "requeue_stale", "sweep_now_and_then", "validate_resource"]

TIMEOUT = 3600  # seconds a validation job may run
SWEEP_EVERY = 60  # seconds between two sweeps run by jobs


def _placeholder(resource_id: str) -> str:
    """The file hash of a resource's pending validation, whatever its file."""
    return f"pending:{resource_id}"


def _key(resource_id: str) -> str:
    return f"validation-{resource_id}"


def _enqueue(resource_id: str) -> bool:
    return background.enqueue_once(
        validate_resource,
        [resource_id],
        key=_key(resource_id),
        title=f"haute_garonne validation {resource_id}",
        timeout=TIMEOUT,
    )


def queue(resource: dict[str, Any], version: SchemaVersion) -> ResourceValidation:
    """Record a pending validation of a resource's file and queue the job,
    unless one already waits in the queue for it (it will read the file the
    resource has when it runs)."""
    waiting = ResourceValidation.for_hash(resource["id"], _placeholder(resource["id"]))
    if (
        waiting is not None
        and waiting.status == PENDING
        and (waiting.standard, waiting.version) == (version.standard, version.version)
        and background.state(_key(resource["id"])) == "waiting"
    ):
        return waiting
    row = store.save(resource, _placeholder(resource["id"]), version, None, PENDING)
    _enqueue(resource["id"])
    return row


def validate_resource(resource_id: str) -> str:
    """Validate a resource's stored file and record its report.

    Returns the status: valid, invalid or error.
    """
    sweep_now_and_then()
    context = {"ignore_auth": True}
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    dataset = tk.get_action("package_show")(
        dict(context), {"id": resource["package_id"]}
    )
    found = standard_of(dataset, resource)
    if found is None:
        _drop_placeholder(resource_id)
        return "skipped"
    version, chosen = found
    placeholder = ResourceValidation.for_hash(resource_id, _placeholder(resource_id))
    if placeholder is not None:
        placeholder.status = RUNNING
        model.Session.commit()
    try:
        with files.fetched_stored(resource) as fetched:
            report = run(fetched, version, chosen)
            sha256 = fetched.sha256
    except (files.FetchError, OSError) as e:
        log.warning("Validation of resource %s failed: %s", resource_id, e)
        report = store.error_report(str(e), version.version)
        sha256 = f"error:{resource_id}"
    # A request for a new file while this job ran set it back to pending,
    # for the follow-up job: leave it then. The placeholder goes in the
    # report's transaction: no one reads the file as never validated between.
    _drop_placeholder(resource_id, only=RUNNING, commit=False)
    store.save(resource, sha256, version, report, store.stored_status(report))
    return report["status"]


def _drop_placeholder(
    resource_id: str, only: str | None = None, commit: bool = True
) -> None:
    """Delete a resource's pending placeholder (only in the status ``only``,
    if given); without ``commit``, within the caller's transaction."""
    query = model.Session.query(ResourceValidation).filter(
        ResourceValidation.resource_id == resource_id,
        ResourceValidation.file_hash == _placeholder(resource_id),
    )
    if only is not None:
        query = query.filter(ResourceValidation.status == only)
    query.delete(synchronize_session=False)
    if commit:
        model.Session.commit()
    model.Session.expire_all()


def sweep_now_and_then() -> None:
    """Jobs sweep for lost validations, at most once a minute for the site;
    a sweep that fails never stops the job."""
    try:
        if background.once_per("sweep-validations", SWEEP_EVERY):
            requeue_stale()
    except Exception:
        log.exception("Sweep for lost validations failed")
        model.Session.rollback()


def requeue_stale(min_age: int = SWEEP_EVERY) -> dict[str, int]:
    """Queue again the validations no job will finish: pending or running
    for ``min_age`` seconds or more, with no job waiting or running (it was
    lost), or whose job gave up after its retries (then recorded as an
    error, so that the file gets a verdict). Returns how many were queued
    again (``requeued``), given up (``failed``) and are under way
    (``running``)."""
    background.cleanup_abandoned()
    cutoff = _now() - datetime.timedelta(seconds=min_age)
    rows = (
        model.Session.query(ResourceValidation)
        .join(model.Resource, model.Resource.id == ResourceValidation.resource_id)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(ResourceValidation.status.in_((PENDING, RUNNING)))
        .filter(ResourceValidation.created < cutoff)
        .filter(model.Resource.state == "active")
        .filter(model.Package.state == "active")
        .all()
    )
    counts = {"requeued": 0, "failed": 0, "running": 0}
    for row in rows:
        state = background.state(_key(row.resource_id))
        if state in ("waiting", "running"):
            counts["running"] += 1
        elif state == "failed":
            try:
                _give_up(row)
            except tk.ObjectNotFound:  # deleted meanwhile
                model.Session.rollback()
                continue
            counts["failed"] += 1
        else:
            log.warning(
                "Validation of resource %s was lost: queued again", row.resource_id
            )
            _enqueue(row.resource_id)
            counts["requeued"] += 1
    # Files that wait aside to replace a published one have their own job.
    counts["requeued"] += candidates.requeue_lost(cutoff)
    return counts


def _give_up(row: ResourceValidation) -> None:
    """Record an error for a file whose validation job failed every time
    (a file that kills its worker, say)."""
    resource_id = row.resource_id
    resource = tk.get_action("resource_show")(
        {"ignore_auth": True}, {"id": resource_id}
    )
    standard = registry.get_standard(row.standard)
    version = standard.version(row.version) if standard else None
    if version is None:
        _drop_placeholder(resource_id)
        return
    _drop_placeholder(resource_id, commit=False)
    log.warning("Validation of resource %s failed every time: error", resource_id)
    with in_default_language():  # stored as publishers read it
        fatal = tk._(
            "The validation of this file could not be completed: it stopped "
            "{count} times. Ask for a new validation; if it fails again, "
            "contact the portal's team."
        ).format(count=background.RETRIES + 1)
    report = store.error_report(fatal, version.version)
    store.save(resource, f"error:{resource_id}", version, report, ERROR)
