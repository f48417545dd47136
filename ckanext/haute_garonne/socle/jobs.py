"""Background jobs of the département's view: rebuilding a standard's
department-wide consolidated file (run by ``ckan jobs worker``)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from ckanext.haute_garonne import background
from ckanext.haute_garonne.language import in_default_language
from ckanext.haute_garonne.socle.consolidation import portal
from ckanext.haute_garonne.uploads import jobs as upload_jobs

log = logging.getLogger(__name__)

__all__ = ["consolidate", "queue_consolidation"]


def queue_consolidation(standard: str, version: str) -> bool:
    """Queue the consolidation of a standard version, unless one already
    waits in the queue (it will see this change too); while one runs, one
    follow-up is queued. True if queued. A job whose worker dies is run
    again (``background``)."""
    return background.enqueue_once(
        consolidate,
        [standard, version],
        key=f"consolidation-{standard}-{version}",
        title=f"haute_garonne consolidation {standard} {version}",
        timeout=3600,
    )


def consolidate(standard: str, version: str | None = None) -> dict[str, Any]:
    """Merge the valid public files of a standard version into the
    Département's consolidated dataset; the report as a dict."""
    upload_jobs.sweep_now_and_then()
    try:
        with in_default_language():
            report = portal.consolidate(standard, version, force=False)
    except portal.ConsolidationError as e:
        log.warning("Consolidation of %s not done: %s", standard, e)
        return {"standard": standard, "version": version, "problem": str(e)}
    return asdict(report)
