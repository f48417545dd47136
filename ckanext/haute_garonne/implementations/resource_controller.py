"""Upload-time validation of SCDL files (IResourceController).

Before a resource of an SCDL dataset is created or its file replaced, the
file is validated; an invalid file is refused with its report, so nothing is
saved and the previous file stays published. Files larger than the
configured size are saved, then validated by a background job.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.haute_garonne import config, jobs, reports
from ckanext.haute_garonne.model import (
    ERROR,
    INVALID,
    PENDING,
    VALID,
    ResourceValidation,
)
from ckanext.haute_garonne.types import SchemaVersion

CONTEXT_KEY = "haute_garonne_validation"


def _new_file(resource: dict[str, Any], current: dict[str, Any] | None) -> str | None:
    """'upload' or 'url' when the call brings a new file, else None."""
    upload = resource.get("upload")
    if isinstance(upload, FileStorage) and upload.filename:
        return "upload"
    url = resource.get("url") or ""
    if not url.startswith(("http://", "https://")):
        return None
    if current and current.get("url") == url:
        return None
    return "url"


def _refuse(report: dict[str, Any], label: str) -> None:
    if report["status"] == ERROR:
        message = report.get("fatal") or tk._("The file could not be read.")
    else:
        message = tk._(
            "The file does not follow the standard {standard} {version}: "
            "{count} error(s). Fix them and upload the file again."
        ).format(
            standard=label, version=report["version"], count=reports.error_count(report)
        )
    raise tk.ValidationError(
        {
            "url": [message],
            "validation": report["errors"],
            "validation_hints": report.get("hints") or [],
        },
        error_summary={tk._("File"): message},
    )


Outcome = tuple[Any, SchemaVersion, str]


def check_file(
    context: Context,
    dataset: dict[str, Any],
    resource: dict[str, Any],
    current: dict[str, Any] | None,
) -> Outcome | None:
    """Validate the new file a call brings for a resource of ``dataset``.

    Raises ``ValidationError`` when the file is refused. Returns what to
    record once the resource is saved (a report, or a pending validation for
    a large file), or None when there is nothing to check.
    """
    kind = _new_file(resource, current)
    if kind is None:
        return None
    found = reports.standard_of(dataset, resource)
    if found is None:
        return None
    version, chosen = found
    if context.get("haute_garonne_defer_validation"):  # type: ignore[misc]
        # Set by trusted code only (the demo loader): save, then validate
        # in the background.
        return (None, version, PENDING)
    limit = config.validation_sync_max_bytes()
    try:
        fetch = (
            reports.fetched_upload(resource["upload"], limit)
            if kind == "upload"
            else reports.fetched_url(resource["url"], limit)
        )
        with fetch as fetched:
            if fetched.size > limit:
                return (None, version, PENDING)
            known = current and ResourceValidation.for_hash(
                current["id"], fetched.sha256
            )
            if known and known.report and known.version == version.version:
                report = known.report  # the same file: no second run
            else:
                report = reports.run(fetched, version, chosen)
    except reports.FetchError as e:
        raise tk.ValidationError(
            {"url": [str(e)]}, error_summary={tk._("File"): str(e)}
        ) from e
    if report["status"] != VALID:
        standard = dataset.get("scdl_standard") and version.title
        _refuse(report, standard or version.identifier)
    return ((fetched.sha256, report), version, VALID)


def record(resource: dict[str, Any], outcome: Outcome) -> None:
    """Store the outcome of ``check_file`` for the saved resource."""
    result, version, status = outcome
    if status == PENDING:
        jobs.queue(resource, version)
        return
    sha256, report = result
    reports.save(
        resource,
        sha256,
        version,
        report,
        INVALID if report["status"] == INVALID else status,
    )


class ResourceValidationMixin(p.SingletonPlugin):
    p.implements(p.IResourceController, inherit=True)

    def before_resource_create(
        self, context: Context, resource: dict[str, Any]
    ) -> None:
        self._check(context, resource, None)

    def before_resource_update(
        self, context: Context, current: dict[str, Any], resource: dict[str, Any]
    ) -> None:
        self._check(context, resource, current)

    def after_resource_create(self, context: Context, resource: dict[str, Any]) -> None:
        self._record(context, resource)

    def after_resource_update(self, context: Context, resource: dict[str, Any]) -> None:
        self._record(context, resource)

    def _check(
        self, context: Context, resource: dict[str, Any], current: dict[str, Any] | None
    ) -> None:
        if _new_file(resource, current) is None:
            return
        package_id = resource.get("package_id") or (current or {}).get("package_id")
        dataset = tk.get_action("package_show")(
            {"ignore_auth": True}, {"id": package_id}
        )
        outcome = check_file(context, dataset, resource, current)
        if outcome is not None:
            context[CONTEXT_KEY] = outcome  # type: ignore[literal-required]

    def _record(self, context: Context, resource: dict[str, Any]) -> None:
        outcome = context.pop(CONTEXT_KEY, None)  # type: ignore[misc]
        if outcome is not None:
            record(resource, outcome)
