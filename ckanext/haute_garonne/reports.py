"""Validation of a resource's file and storage of its report: the CKAN side
of the pure engine in ``validation/``.

A file is fetched once into a temporary file (from the upload or its URL),
hashed, validated, and its report kept in our table keyed by resource and
hash, so the same file is never validated twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import requests

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search

from ckanext.haute_garonne import config
from ckanext.haute_garonne.model import ERROR, INVALID, VALID, ResourceValidation, _now
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import SchemaVersion

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


class FetchError(Exception):
    """The file could not be read; the message is for the publisher."""


@dataclass
class Fetched:
    path: Path
    filename: str
    sha256: str
    size: int


def _copy(
    stream: IO[bytes] | Iterator[bytes], target: IO[bytes], limit: int | None
) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    chunks = (
        iter(lambda: stream.read(CHUNK), b"") if hasattr(stream, "read") else stream
    )
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
        if limit is not None and size > limit:
            break
    return digest.hexdigest(), size


@contextlib.contextmanager
def fetched_upload(upload: Any, limit: int | None = None) -> Iterator[Fetched]:
    """The uploaded file, copied to a temporary file; the upload's stream is
    rewound so that CKAN can store it afterwards."""
    stream = upload.stream
    with tempfile.NamedTemporaryFile(suffix=Path(upload.filename or "").suffix) as tmp:
        sha256, size = _copy(stream, tmp, limit)
        tmp.flush()
        stream.seek(0)
        yield Fetched(Path(tmp.name), upload.filename or "", sha256, size)


@contextlib.contextmanager
def fetched_url(url: str, limit: int | None = None) -> Iterator[Fetched]:
    """The file at ``url``, downloaded to a temporary file."""
    filename = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    try:
        response = requests.get(
            url, stream=True, timeout=config.validation_url_timeout()
        )
        response.raise_for_status()
    except requests.RequestException as e:
        raise FetchError(
            tk._("The file at {url} could not be downloaded ({reason}).").format(
                url=url, reason=type(e).__name__
            )
        ) from e
    with response, tempfile.NamedTemporaryFile(suffix=Path(filename).suffix) as tmp:
        sha256, size = _copy(response.iter_content(CHUNK), tmp, limit)
        tmp.flush()
        yield Fetched(Path(tmp.name), filename, sha256, size)


@contextlib.contextmanager
def fetched_stored(resource: dict[str, Any]) -> Iterator[Fetched]:
    """A resource's file as CKAN stored it (upload) or at its URL."""
    if resource.get("url_type") == "upload":
        filename = resource["url"].rsplit("/", 1)[-1]
        with tempfile.NamedTemporaryFile(suffix=Path(filename).suffix) as tmp:
            sha256, size = _copy(_stored_chunks(resource), tmp, None)
            tmp.flush()
            yield Fetched(Path(tmp.name), filename, sha256, size)
    else:
        with fetched_url(resource["url"]) as fetched:
            yield fetched


def _stored_chunks(resource: dict[str, Any]) -> Iterator[bytes]:
    """The bytes of an uploaded resource, from CKAN 2.12's file storages
    (file-keeper) or from CKAN 2.11's storage path."""
    from ckan.lib import uploader

    upload = uploader.get_resource_uploader(resource)
    location = upload.get_path(resource["id"])
    storage = getattr(upload, "storage", None)
    if storage is not None and hasattr(storage, "stream"):
        from ckan.lib import files

        location = files.Location(location)
        yield from storage.stream(files.FileData(location, size=storage.size(location)))
        return
    with open(location, "rb") as f:
        yield from iter(lambda: f.read(CHUNK), b"")


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


# A file is checked in a child process bounded in memory and time
# (validation/sandbox.py), so that no file can make the web process or a
# worker grow or hang.
VALIDATION_MEMORY = 1024 * 1024 * 1024  # bytes the child may add
REQUEST_SECONDS = 8.0  # within a web request; beyond, a background job checks it
JOB_SECONDS = 600.0  # within a background job; beyond, the file is refused


def run(
    fetched: Fetched, version: SchemaVersion, chosen: bool, *, in_request: bool = False
) -> dict[str, Any] | None:
    """Validate a fetched file; the report as a dict. In a web request
    (``in_request``), None when the check takes longer than
    ``REQUEST_SECONDS``: the caller hands the file over to a background job."""
    from ckanext.haute_garonne.validation import sandbox

    outcome = sandbox.run(
        fetched.path,
        version.standard,
        version.version if chosen else None,
        filename=fetched.filename,
        max_errors=config.validation_max_errors(),
        memory=VALIDATION_MEMORY,
        seconds=REQUEST_SECONDS if in_request else JOB_SECONDS,
    )
    if in_request and outcome.limit == sandbox.TIME_LIMIT:
        return None
    return outcome.report.to_dict()


def error_count(report: dict[str, Any]) -> int:
    """Errors of a report, warnings (e.g. a missing optional column) left out."""
    warnings = set(report.get("warning_types", []))
    return sum(
        n for kind, n in report.get("error_counts", {}).items() if kind not in warnings
    )


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
    row.finished = _now() if status in (VALID, INVALID, ERROR) else None
    model.Session.commit()
    # The dataset's "Conformité" facet follows its files' statuses.
    search.rebuild(resource["package_id"])
    if status in (INVALID, ERROR) and was not in (INVALID, ERROR):
        from ckanext.haute_garonne import reminders

        tk.enqueue_job(
            reminders.notify_invalid,
            [resource["id"]],
            title=f"haute_garonne invalid file {resource['id']}",
        )

    if status in (VALID, INVALID, ERROR):
        # The department-wide file of its standard is rebuilt in a job.
        from ckanext.haute_garonne import jobs

        try:
            jobs.source_changed(resource, row.standard, row.version)
        except Exception:  # a rebuild not queued never refuses a file
            log.exception("Consolidation not queued for %s", resource["id"])
    return row
