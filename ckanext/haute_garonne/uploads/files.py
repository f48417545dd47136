"""The one fetch of a resource's file: from the upload being made, from
CKAN's storage, or from its URL, into a temporary file, hashed on the way.

Every reader of a resource's bytes (upload-time validation, background
validation, consolidation) goes through these context managers.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ckan.lib import uploader

try:  # CKAN 2.12's file storages; CKAN 2.11 has none
    from ckan.lib import files as ckan_files
except ImportError:  # pragma: no cover - CKAN 2.11
    ckan_files = None

from ckanext.haute_garonne import config
from ckanext.haute_garonne.uploads import fetch
from ckanext.haute_garonne.uploads.fetch import FetchError

__all__ = [
    "FetchError",
    "Fetched",
    "fetched_stored",
    "fetched_upload",
    "fetched_url",
    "remove_stored",
    "store_upload",
    "stored_chunks",
]

# Resources whose file CKAN's storage holds: uploads, and online tables
# (Table Designer), whose published file is stored under their id.
STORED = ("upload", "tabledesigner")

CHUNK = 1024 * 1024


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
    """The file at ``url``, downloaded to a temporary file through the
    outbound-fetch policy (``fetch.download``). With a ``limit``, the download
    stops once the file is known to be larger (its size then says so)."""
    filename = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    with tempfile.NamedTemporaryFile(suffix=Path(filename).suffix) as tmp:
        got = fetch.download(
            url,
            tmp,
            max_bytes=config.fetch_max_bytes() if limit is None else limit,
            timeout=config.validation_url_timeout(),
            truncate=limit is not None,
        )
        tmp.flush()
        yield Fetched(Path(tmp.name), filename, got.sha256, got.size)


@contextlib.contextmanager
def fetched_stored(resource: dict[str, Any]) -> Iterator[Fetched]:
    """A resource's file as CKAN stored it (upload) or at its URL."""
    if resource.get("url_type") in STORED:
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
    upload = uploader.get_resource_uploader(resource)
    location = upload.get_path(resource["id"])
    storage = getattr(upload, "storage", None)
    if ckan_files is not None and storage is not None and hasattr(storage, "stream"):
        location = ckan_files.Location(location)
        yield from storage.stream(
            ckan_files.FileData(location, size=storage.size(location))
        )
        return
    with open(location, "rb") as f:
        yield from iter(lambda: f.read(CHUNK), b"")


def stored_chunks(key: str, filename: str) -> Iterator[bytes]:
    """The bytes ``store_upload`` stored for ``key``, streamed
    (``FileNotFoundError`` when there are none)."""
    return _stored_chunks({"id": key, "url": filename, "url_type": "upload"})


def store_upload(key: str, upload: Any, max_size: int | None = None) -> str:
    """Store an upload in CKAN's resource storage as the file of ``key``
    (an id of a resource's kind), as CKAN stores a resource's upload and with
    the same limits unless ``max_size`` (in MB, as CKAN counts) says otherwise; its file
    name as CKAN records it. Raises ``ValidationError`` for a file CKAN
    refuses (too large, say)."""
    staged: dict[str, Any] = {"id": key, "url": "", "upload": upload}
    stored = uploader.get_resource_uploader(staged)
    stored.upload(key, max_size or uploader.get_max_resource_size())
    return str(staged.get("url") or upload.filename or "")


def remove_stored(key: str, filename: str) -> None:
    """Remove the file ``store_upload`` stored for ``key``, if it is there."""
    upload = uploader.get_resource_uploader(
        {"id": key, "url": filename, "url_type": "upload"}
    )
    location = upload.get_path(key)
    storage = getattr(upload, "storage", None)
    if ckan_files is not None and storage is not None and hasattr(storage, "remove"):
        with contextlib.suppress(ckan_files.exc.MissingFileError):
            storage.remove(ckan_files.FileData(ckan_files.Location(location)))
        return
    with contextlib.suppress(FileNotFoundError):
        Path(location).unlink()
