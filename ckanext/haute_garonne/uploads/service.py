"""Upload-time validation of SCDL files: the one service that CKAN's hooks
(``implementations/resource_controller.py``) and our chained actions
(``logic/action.py``, files given inline to package_create/_update) call.

Before a resource of an SCDL dataset is created or its file replaced, the
file is validated; an invalid file is refused with its report, so nothing is
saved and the previous file stays published. Files larger than the
configured size are validated by a background job: a new resource's file is
saved and stays hidden until it passes; one that would replace a published
file waits aside as a candidate (``candidates.py``) and replaces it only
once it passes.
"""

from __future__ import annotations

from typing import Any, cast

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.haute_garonne import config
from ckanext.haute_garonne.model import ERROR, PENDING, VALID, ResourceValidation
from ckanext.haute_garonne.types import Checked
from ckanext.haute_garonne.uploads import candidates, files, jobs, store
from ckanext.haute_garonne.uploads.runner import run_in_request, standard_of

__all__ = ["check_file", "new_file", "record", "stash", "stashed", "take"]

# Where a hook keeps the outcome of its before_* call for its after_* call.
_CONTEXT_KEY = "haute_garonne_validation"


def new_file(resource: dict[str, Any], current: dict[str, Any] | None) -> str | None:
    """'upload' or 'url' when the call brings a new file, else None (an
    online table's file is made from its rows, never brought by a call)."""
    if resource.get("url_type") == files.STORED[1]:
        return None
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
        count = store.error_count(report)
        message = tk.ungettext(
            "The file does not follow the standard {standard} {version}: "
            "{count} error. Fix it and upload the file again.",
            "The file does not follow the standard {standard} {version}: "
            "{count} errors. Fix them and upload the file again.",
            count,
        ).format(standard=label, version=report["version"], count=count)
    raise tk.ValidationError(
        {
            "url": [message],
            "validation": report["errors"],
            "validation_hints": report.get("hints") or [],
        },
        error_summary={tk._("File"): message},
    )


def check_file(
    context: Context,
    dataset: dict[str, Any],
    resource: dict[str, Any],
    current: dict[str, Any] | None,
) -> Checked | None:
    """Validate the new file a call brings for a resource of ``dataset``.

    Raises ``ValidationError`` when the file is refused. Returns what to
    record once the resource is saved (a report, or a pending validation for
    a large file), or None when there is nothing to check. A file left to a
    background job that would replace a published file is held back from
    ``resource`` (``candidates.hold_back``).
    """
    verdict = cast(dict[str, Any], context).get(candidates.VERDICT_KEY)
    if isinstance(verdict, Checked) and new_file(resource, current):
        return verdict  # a candidate that passed, put in place by its job
    checked = _checked(context, dataset, resource, current)
    if checked is None:
        return None
    return candidates.hold_back(context, resource, current, checked)


def _checked(
    context: Context,
    dataset: dict[str, Any],
    resource: dict[str, Any],
    current: dict[str, Any] | None,
) -> Checked | None:
    kind = new_file(resource, current)
    if kind is None:
        return None
    found = standard_of(dataset, resource)
    if found is None:
        return None
    version, chosen = found
    if cast(dict[str, Any], context).get("haute_garonne_defer_validation"):
        # Set by trusted code only (the demo loader): save, then validate
        # in the background.
        return Checked(version, PENDING)
    limit = config.validation_sync_max_bytes()
    try:
        fetch = (
            files.fetched_upload(resource["upload"], limit)
            if kind == "upload"
            else files.fetched_url(resource["url"], limit)
        )
        with fetch as fetched:
            if fetched.size > limit:
                return Checked(version, PENDING)
            known = current and ResourceValidation.for_hash(
                current["id"], fetched.sha256
            )
            if known and known.report and known.version == version.version:
                report = known.report  # the same file: no second run
            else:
                checked = run_in_request(fetched, version, chosen)
                if checked is None:  # too long to check within the request
                    return Checked(version, PENDING)
                report = checked
    except files.FetchError as e:
        raise tk.ValidationError(
            {"url": [str(e)]}, error_summary={tk._("File"): str(e)}
        ) from e
    if report["status"] != VALID:
        standard = dataset.get("scdl_standard") and version.title
        _refuse(report, standard or version.identifier)
    return Checked(version, VALID, fetched.sha256, report)


def record(resource: dict[str, Any], checked: Checked) -> None:
    """Store the outcome of ``check_file`` for the saved resource."""
    if checked.held is not None:
        candidates.record(resource, checked, checked.held)
        return
    candidates.discard(resource["id"])  # this file comes after any candidate
    if checked.status == PENDING:
        jobs.queue(resource, checked.version)
        return
    report = checked.report or {}
    store.save(
        resource, checked.sha256, checked.version, report, store.stored_status(report)
    )


def stash(context: Context, checked: Checked) -> None:
    """Keep a before_* hook's outcome in the action's context."""
    cast(dict[str, Any], context)[_CONTEXT_KEY] = checked


def stashed(context: Context) -> bool:
    """Whether a hook already checked the file of this call."""
    return _CONTEXT_KEY in cast(dict[str, Any], context)


def take(context: Context) -> Checked | None:
    """The outcome a before_* hook kept, removed from the context."""
    return cast(dict[str, Any], context).pop(_CONTEXT_KEY, None)
