"""One run of the engine on a fetched file, for the standard its resource
declares. Used at upload time (``service.py``) and by jobs (``jobs.py``)."""

from __future__ import annotations

from typing import Any

from ckanext.haute_garonne import config
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.uploads.files import Fetched
from ckanext.haute_garonne.validation import sandbox

__all__ = ["prepare_worker", "run", "run_in_request", "standard_of"]


def standard_of(
    dataset: dict[str, Any], resource: dict[str, Any]
) -> tuple[SchemaVersion, bool] | None:
    """The standard version a resource's file must follow, and whether the
    version was chosen (False: the BAL, whose version is then detected from
    the file's header). None for a dataset type without standard."""
    version = registry.schema_version_for(dataset, resource)
    if version is None:
        return None
    chosen = bool(resource.get("scdl_version")) or version.standard != "bal"
    return version, chosen


def _outcome(
    fetched: Fetched, version: SchemaVersion, chosen: bool, seconds: float
) -> sandbox.Outcome:
    """The engine's verdict, reached in a child process bounded in memory and
    time (``validation/sandbox.py``), so that no file can make the web
    process or a worker grow or hang."""
    return sandbox.run(
        fetched.path,
        version.standard,
        version.version if chosen else None,
        filename=fetched.filename,
        max_errors=config.validation_max_errors(),
        memory=config.validation_memory_bytes(),
        seconds=seconds,
    )


def run(fetched: Fetched, version: SchemaVersion, chosen: bool) -> dict[str, Any]:
    """Validate a fetched file in a background job; the report as a dict (a
    file that takes too long is refused with a French message)."""
    outcome = _outcome(fetched, version, chosen, config.validation_job_seconds())
    return outcome.report.to_dict()


def run_in_request(
    fetched: Fetched, version: SchemaVersion, chosen: bool
) -> dict[str, Any] | None:
    """Validate a fetched file within a web request; None when the check
    takes longer than the request may wait: the caller hands the file over
    to a background job."""
    outcome = _outcome(fetched, version, chosen, config.validation_request_seconds())
    if outcome.limit == sandbox.TIME_LIMIT:
        return None
    return outcome.report.to_dict()


def prepare_worker() -> None:
    """In a job worker, before it forks the process of a job: ready the
    checks of its jobs (``sandbox.prepare_forking_parent``), so that a job
    does not start a fork server of its own."""
    sandbox.prepare_forking_parent()
