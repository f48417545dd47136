"""Background validation of a resource's file (run by ``ckan jobs worker``),
for files too large to check during the upload and for revalidations."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne.model import ERROR, PENDING, RUNNING, ResourceValidation
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.uploads import files, store
from ckanext.haute_garonne.uploads.runner import run, standard_of

log = logging.getLogger(__name__)


def queue(resource: dict[str, Any], version: SchemaVersion) -> ResourceValidation:
    """Record a pending validation of a resource's file and queue the job."""
    row = store.save(resource, f"pending:{resource['id']}", version, None, PENDING)
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
    found = standard_of(dataset, resource)
    if found is None:
        return "skipped"
    version, chosen = found
    placeholder = ResourceValidation.for_hash(resource_id, f"pending:{resource_id}")
    if placeholder is not None:
        placeholder.status = RUNNING
        model.Session.commit()
    try:
        with files.fetched_stored(resource) as fetched:
            report = run(fetched, version, chosen)
            sha256 = fetched.sha256
    except (files.FetchError, OSError) as e:
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
    store.save(resource, sha256, version, report, store.stored_status(report))
    return report["status"]
