"""Candidates: a new file that must pass before it replaces a published one.

When a call brings a file that cannot be checked within the request (a
large file, say) for a resource whose current file is public, the new file
does not go over it. The call saves everything else, while the new file is
held back (``hold_back``): an upload is staged in CKAN's resource storage
under a key of its own, a URL is only noted. Once the resource is saved it is
recorded as a candidate in our table (``record``; see ``model.py``) and a
background job checks it (``validate``). If it passes, the job puts it in
place through ``resource_patch``, as its publisher would have, with the
verdict it found; if it fails, the public keeps the previous file and its
metadata, and the collectivité sees the candidate's report
(``haute_garonne_validation_show``, the report page). A newer file for the
same resource discards the candidate (``discard``).

Works the same on CKAN 2.12's file storages and 2.11's ``ckan.storage_path``:
staged files go through CKAN's own resource uploader (``files.py``).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from typing import Any, cast

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.model.types import make_uuid
from ckan.types import Context

from ckanext.haute_garonne import background
from ckanext.haute_garonne.model import (
    CANDIDATE_PREFIX,
    FINAL_STATUSES,
    PENDING,
    RUNNING,
    VALID,
    ResourceValidation,
    _now,
)
from ckanext.haute_garonne.types import Checked, HeldFile
from ckanext.haute_garonne.uploads import files, store, visibility
from ckanext.haute_garonne.uploads.runner import run, standard_of

log = logging.getLogger(__name__)

__all__ = [
    "VERDICT_KEY",
    "discard",
    "hold_back",
    "latest",
    "queue",
    "record",
    "validate",
]

# What a resource's dict says about its file: kept as they are while a new
# file waits aside.
FILE_FIELDS = (
    "url",
    "url_type",
    "size",
    "mimetype",
    "mimetype_inner",
    "hash",
    "last_modified",
    "format",
)

# Where the job puts the verdict it found, for the upload-time check of the
# resource_patch that puts a candidate in place (set by trusted code only).
VERDICT_KEY = "haute_garonne_verdict"


def _published(current: dict[str, Any]) -> bool:
    """Whether the resource has a file the public sees now."""
    return bool(current.get("url")) and not visibility.resource_hidden(current["id"])


def hold_back(
    context: Context,
    resource: dict[str, Any],
    current: dict[str, Any] | None,
    checked: Checked,
) -> Checked:
    """Keep the new file of a call away from the resource while it waits
    for its verdict, if the resource has a published file: ``resource`` (the
    dict the call is about to save) gets its current file back, and the new
    file is staged. Raises ``ValidationError`` when CKAN refuses to store the
    file (too large, say), before anything is saved."""
    if checked.status != PENDING or current is None or not _published(current):
        return checked
    user = str(cast(dict[str, Any], context).get("user") or "")
    upload = resource.pop("upload", None)
    key = make_uuid()
    if isinstance(upload, FileStorage) and upload.filename:
        held = HeldFile(key, filename=files.store_upload(key, upload), user=user)
    else:
        held = HeldFile(key, url=str(resource.get("url") or ""), user=user)
    format_ = resource.get("format")
    if format_ and format_ != current.get("format"):
        held = dataclasses.replace(held, format=str(format_))
    resource.pop("clear_upload", None)
    for field in FILE_FIELDS:
        if field in current:
            resource[field] = current[field]
        else:
            resource.pop(field, None)
    return dataclasses.replace(checked, held=held)


def _rows(resource_id: str) -> list[ResourceValidation]:
    return (
        model.Session.query(ResourceValidation)
        .filter(ResourceValidation.file_hash == CANDIDATE_PREFIX + resource_id)
        .order_by(ResourceValidation.created.desc())
        .all()
    )


def _row(key: str) -> ResourceValidation | None:
    return (
        model.Session.query(ResourceValidation)
        .filter(ResourceValidation.resource_id == key)
        .filter(ResourceValidation.file_hash.startswith(CANDIDATE_PREFIX))
        .first()
    )


def _held(row: ResourceValidation) -> dict[str, Any]:
    return dict((row.report or {}).get("candidate") or {})


def _unstage(row: ResourceValidation) -> None:
    filename = _held(row).get("filename")
    if filename:
        try:
            files.remove_stored(row.resource_id, filename)
        except Exception:  # a file left behind never stops the portal
            log.exception("Staged file %s not removed", row.resource_id)


def discard(resource_id: str) -> None:
    """Forget the candidates of a resource (a newer file came), staged
    files included."""
    rows = _rows(resource_id)
    for row in rows:
        _unstage(row)
        model.Session.delete(row)
    if rows:
        model.Session.commit()


def latest(resource_id: str) -> dict[str, Any] | None:
    """The latest candidate of a resource, waiting or refused, if any."""
    rows = _rows(resource_id)
    if not rows:
        return None
    row = rows[0]
    held = _held(row)
    return {
        **row.as_dict(),
        "key": row.resource_id,
        "resource_id": resource_id,
        "filename": held.get("filename") or held.get("url", "").rsplit("/", 1)[-1],
        "url": held.get("url", ""),
    }


def record(
    resource: dict[str, Any], checked: Checked, held: HeldFile
) -> ResourceValidation:
    """Record a file held back (``held``, as ``checked`` says) as the
    candidate of the saved resource (the one before it, if any, is
    discarded) and queue its check."""
    discard(resource["id"])
    row = ResourceValidation(
        resource_id=held.key,
        package_id=resource["package_id"],
        file_hash=CANDIDATE_PREFIX + resource["id"],
        standard=checked.version.standard,
        version=checked.version.version,
        status=PENDING,
        error_count=0,
        report={
            "candidate": {"resource_id": resource["id"], **dataclasses.asdict(held)}
        },
        created=_now(),
    )
    model.Session.add(row)
    model.Session.commit()
    queue(held.key)
    return row


def job_key(key: str) -> str:
    """The ``background`` key of a candidate's job."""
    return f"candidate-{key}"


def queue(key: str) -> None:
    """Queue the check of a candidate (again, after a lost job, say), once:
    like validations, through ``background`` (retried when a worker dies)."""
    background.enqueue_once(
        validate,
        [key],
        key=job_key(key),
        title=f"haute_garonne candidate {key}",
        timeout=3600,
    )


def _finish(row: ResourceValidation, report: dict[str, Any]) -> None:
    status = store.stored_status(report)
    row.status = status
    row.report = {**report, "candidate": _held(row)}
    row.error_count = store.error_count(report)
    row.version = report.get("version") or row.version
    row.finished = _now() if status in FINAL_STATUSES else None
    _unstage(row)
    model.Session.commit()


def validate(key: str) -> str:
    """The background job: check a candidate, and put it in place if it
    passes. Returns valid, invalid, error, or superseded when the candidate
    was discarded or its resource deleted meanwhile."""
    row = _row(key)
    if row is None:
        return "superseded"
    held = _held(row)
    resource_id = held.get("resource_id", "")
    context = {"ignore_auth": True}
    try:
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        dataset = tk.get_action("package_show")(
            dict(context), {"id": resource["package_id"]}
        )
    except tk.ObjectNotFound:
        discard(resource_id)
        return "superseded"
    found = standard_of(dataset, resource)
    if found is None:  # the dataset no longer follows a standard
        discard(resource_id)
        return "superseded"
    version, chosen = found
    row.status = RUNNING
    model.Session.commit()
    source = (
        {"id": key, "url": held["filename"], "url_type": "upload"}
        if held.get("filename")
        else {"id": key, "url": held.get("url", ""), "url_type": ""}
    )
    try:
        with files.fetched_stored(source) as fetched:
            report = run(fetched, version, chosen)
            if report["status"] == VALID:
                if _row(key) is None:  # a newer file came meanwhile
                    return "superseded"
                _put_in_place(
                    resource_id,
                    held,
                    fetched,
                    Checked(version, VALID, fetched.sha256, report),
                )
                return VALID
    except (files.FetchError, OSError) as e:
        log.warning("Validation of candidate %s failed: %s", key, e)
        report = store.error_report(str(e), version.version)
    except tk.ValidationError as e:
        log.warning("Candidate %s could not be put in place: %s", key, e.error_dict)
        report = store.error_report(
            tk._("The new file could not replace the published one."),
            version.version,
        )
    row = _row(key)
    if row is None:
        return "superseded"
    _finish(row, report)
    return row.status


def _put_in_place(
    resource_id: str, held: dict[str, Any], fetched: files.Fetched, checked: Checked
) -> None:
    """Replace the resource's file by the candidate that passed, through
    resource_patch, as the publisher who sent it (the site, if that user is
    gone), carrying the verdict so that it is not checked again."""
    user = model.User.get(held.get("user") or "")
    if user is None:
        user_name = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    else:
        user_name = user.name
    context = {"ignore_auth": True, "user": user_name, VERDICT_KEY: checked}
    patch: dict[str, Any] = {"id": resource_id}
    if held.get("format"):
        patch["format"] = held["format"]
    if held.get("filename"):
        with open(fetched.path, "rb") as stream:
            patch["upload"] = FileStorage(stream, filename=held["filename"])
            tk.get_action("resource_patch")(context, patch)
    else:
        patch.update(url=held["url"], url_type="", clear_upload=True)
        tk.get_action("resource_patch")(context, patch)


def requeue_lost(cutoff: datetime.datetime) -> int:
    """Queue again the candidates waiting since before ``cutoff`` whose job
    was lost (none waits or runs for them); one whose job gave up after its
    retries gets an error verdict, and the published file stays. Returns how
    many were queued again."""
    rows = (
        model.Session.query(ResourceValidation)
        .filter(ResourceValidation.file_hash.startswith(CANDIDATE_PREFIX))
        .filter(ResourceValidation.status.in_((PENDING, RUNNING)))
        .filter(ResourceValidation.created < cutoff)
        .all()
    )
    requeued = 0
    for row in rows:
        state = background.state(job_key(row.resource_id))
        if state == "failed":
            _finish(
                row,
                store.error_report(
                    tk._("The new file could not be checked."), row.version
                ),
            )
        elif state is None:
            log.warning("Check of candidate %s was lost: queued again", row.resource_id)
            queue(row.resource_id)
            requeued += 1
    return requeued
