"""The report store: one row per resource and file hash in our table
(``model.ResourceValidation``), so the same file is never validated twice.

Storing only stores, then sends ``signals.report_recorded``; re-indexing,
reminders and consolidation are the subscribers' business.
"""

from __future__ import annotations

import datetime
from typing import Any

from ckan import model

from ckanext.haute_garonne.model import (
    ERROR,
    FINAL_STATUSES,
    INVALID,
    VALID,
    ResourceValidation,
    _now,
    dataset_status_of,
)
from ckanext.haute_garonne.types import RecordedReport, SchemaVersion
from ckanext.haute_garonne.uploads import signals

__all__ = [
    "dataset_status",
    "error_count",
    "error_report",
    "save",
    "stored_status",
]


def error_count(report: dict[str, Any]) -> int:
    """Errors of a report, warnings (e.g. a missing optional column) left out."""
    warnings = set(report.get("warning_types", []))
    return sum(
        n for kind, n in report.get("error_counts", {}).items() if kind not in warnings
    )


def error_report(message: str, version: str) -> dict[str, Any]:
    """The report of a file that could not be checked: ``message`` says why,
    for the publisher."""
    return {
        "status": ERROR,
        "fatal": message,
        "errors": [],
        "error_counts": {},
        "version": version,
    }


def stored_status(report: dict[str, Any]) -> str:
    """The status a finished report is stored with: the engine's verdict
    (valid or invalid), or error for a file that could not be read."""
    status = report.get("status")
    return status if status in (VALID, INVALID) else ERROR


def save(
    resource: dict[str, Any],
    fetched_hash: str,
    version: SchemaVersion,
    report: dict[str, Any] | None,
    status: str,
) -> ResourceValidation:
    """Record a report (or a pending validation) for a resource's file."""
    row = ResourceValidation.for_hash(resource["id"], fetched_hash)
    was = row.status if row is not None else None
    if row is None:
        row = ResourceValidation(resource_id=resource["id"], file_hash=fetched_hash)
        model.Session.add(row)
    row.package_id = resource["package_id"]
    row.standard = version.standard
    row.version = (report or {}).get("version") or version.version
    row.status = status
    row.report = report
    row.error_count = error_count(report) if report else 0
    row.created = _now()
    row.finished = _now() if status in FINAL_STATUSES else None
    model.Session.commit()
    signals.report_recorded.send(
        resource["id"],
        resource=resource,
        record=RecordedReport(
            resource_id=resource["id"],
            package_id=resource["package_id"],
            standard=row.standard,
            version=row.version,
            status=status,
            previous_status=was,
        ),
    )
    return row


def dataset_status(package_id: str) -> tuple[str | None, datetime.datetime | None]:
    """The status of a dataset's files taken together, and the date of the
    latest validation: invalid if one file is invalid or unreadable, pending
    if one is being checked, valid if all the checked ones are valid."""
    rows = ResourceValidation.latest_of(
        [package_id],
        ResourceValidation.status,
        ResourceValidation.finished,
        ResourceValidation.created,
    ).all()
    status = dataset_status_of({row.status for row in rows})
    if status is None:
        return None, None
    return status, max(row.finished or row.created for row in rows)
