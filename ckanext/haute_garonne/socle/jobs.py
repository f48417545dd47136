"""Background jobs of the département's view: rebuilding a standard's
department-wide consolidated file (run by ``ckan jobs worker``)."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib import jobs as ckan_jobs

from ckanext.haute_garonne.language import in_default_language
from ckanext.haute_garonne.socle.consolidation import portal

log = logging.getLogger(__name__)

__all__ = ["consolidate", "queue_consolidation"]


def _consolidation_job_id(standard: str, version: str) -> str:
    site_id = tk.config.get("ckan.site_id") or "default"
    job_id = f"{site_id}-haute_garonne-consolidation-{standard}-{version}"
    return re.sub(r"[^\w-]", "_", job_id)  # what RQ accepts


def queue_consolidation(standard: str, version: str) -> bool:
    """Queue the consolidation of a standard version, unless one is already
    waiting in the queue (it will see this change too). True if queued."""
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


def consolidate(standard: str, version: str | None = None) -> dict[str, Any]:
    """Merge the valid public files of a standard version into the
    Département's consolidated dataset; the report as a dict."""
    try:
        with in_default_language():
            report = portal.consolidate(standard, version)
    except portal.ConsolidationError as e:
        log.warning("Consolidation of %s not done: %s", standard, e)
        return {"standard": standard, "version": version, "problem": str(e)}
    return asdict(report)
