"""Background jobs (run by `ckan jobs worker`)."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne import reports
from ckanext.haute_garonne.model import ERROR, PENDING, RUNNING, ResourceValidation
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import SchemaVersion

log = logging.getLogger(__name__)


def queue(resource: dict[str, Any], version: SchemaVersion) -> ResourceValidation:
    """Record a pending validation of a resource's file and queue the job."""
    row = reports.save(resource, f"pending:{resource['id']}", version, None, PENDING)
    tk.enqueue_job(
        validate_resource,
        [resource["id"]],
        title=f"haute_garonne validation {resource['id']}",
        rq_kwargs={"timeout": 3600},
    )
    return row


def validate_resource(resource_id: str) -> str:
    """Validate a resource's stored file and record its report.

    Returns the status: valid, invalid or error.
    """
    context = {"ignore_auth": True}
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    dataset = tk.get_action("package_show")(
        dict(context), {"id": resource["package_id"]}
    )
    found = reports.standard_of(dataset, resource)
    if found is None:
        return "skipped"
    version, chosen = found
    placeholder = ResourceValidation.for_hash(resource_id, f"pending:{resource_id}")
    if placeholder is not None:
        placeholder.status = RUNNING
        model.Session.commit()
    try:
        with reports.fetched_stored(resource) as fetched:
            report = reports.run(fetched, version, chosen)
            sha256 = fetched.sha256
    except (reports.FetchError, OSError) as e:
        log.warning("Validation of resource %s failed: %s", resource_id, e)
        report = {
            "status": ERROR,
            "fatal": str(e),
            "errors": [],
            "error_counts": {},
            "version": version.version,
        }
        sha256 = f"error:{resource_id}"
    if placeholder is not None:
        model.Session.delete(placeholder)
        model.Session.commit()
    reports.save(resource, sha256, version, report, report["status"])
    return report["status"]


# Department-wide consolidation -----------------------------------------------


def _consolidation_job_id(standard: str, version: str) -> str:
    site_id = tk.config.get("ckan.site_id") or "default"
    job_id = f"{site_id}-haute_garonne-consolidation-{standard}-{version}"
    return re.sub(r"[^\w-]", "_", job_id)  # what RQ accepts


def queue_consolidation(standard: str, version: str) -> bool:
    """Queue the consolidation of a standard version, unless one is already
    waiting in the queue (it will see this change too). True if queued."""
    from ckan.lib import jobs as ckan_jobs

    job_id = _consolidation_job_id(standard, version)
    waiting = ckan_jobs.get_queue().fetch_job(job_id)
    if waiting is not None and waiting.get_status() == "queued":
        return False
    tk.enqueue_job(
        consolidate,
        [standard, version],
        title=f"haute_garonne consolidation {standard} {version}",
        rq_kwargs={"timeout": 3600, "job_id": job_id},
    )
    return True


def source_changed(resource: dict[str, Any], standard: str, version: str) -> None:
    """A file's validation was recorded: rebuild its standard's consolidated
    file, if the portal has a Département to publish it."""
    from ckanext.haute_garonne import config
    from ckanext.haute_garonne.consolidation import portal

    if not config.consolidation_auto():
        return
    found = registry.get_standard(standard)
    if found is None or found.kind != "table":
        return
    if portal.wants_rebuild(resource) and portal.department() is not None:
        queue_consolidation(standard, version)


@contextlib.contextmanager
def in_default_language() -> Iterator[None]:
    """Jobs and commands run outside any web request, where translated
    strings stay in English: run them in the request context CKAN itself
    uses outside requests (for url_for), whose language is the portal's
    default (ckan.locale_default)."""
    import flask

    from ckan.config import middleware

    context = getattr(middleware, "_internal_test_request_context", None)
    if flask.has_request_context() or context is None:
        yield
        return
    with context:
        yield


def consolidate(standard: str, version: str | None = None) -> dict[str, Any]:
    """Merge the valid public files of a standard version into the
    Département's consolidated dataset; the report as a dict."""
    from dataclasses import asdict

    from ckanext.haute_garonne.consolidation import portal

    try:
        with in_default_language():
            report = portal.consolidate(standard, version)
    except portal.ConsolidationError as e:
        log.warning("Consolidation of %s not done: %s", standard, e)
        return {"standard": standard, "version": version, "problem": str(e)}
    return asdict(report)
