"""Logo and banner uploads of a collectivité: PNG, JPEG or WebP, size-capped.

The type is read from the file's first bytes, never from its name or the
browser's claim; SVG (which can carry scripts) and everything else is refused
before anything is saved. CKAN's uploader stores the accepted files.
"""

from __future__ import annotations

import os
from typing import IO, Any

import ckan.plugins.toolkit as tk
from ckan.lib import uploader

__all__ = ["ALLOWED", "check_upload", "image_display_url", "sniff"]

ALLOWED = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}

# (url field, upload field, clear field) of each image of an organisation.
IMAGE_FIELDS = (
    ("image_url", "image_upload", "clear_upload"),
    ("banner_url", "banner_upload", "clear_banner"),
)


def sniff(head: bytes) -> str | None:
    """``png``, ``jpeg`` or ``webp`` from a file's first bytes, else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _size(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def _is_file(value: Any) -> bool:
    return hasattr(value, "stream") and bool(getattr(value, "filename", None))


def check_upload(upload: Any, max_mb: int) -> str | None:
    """A French message when ``upload`` is not an acceptable image, else None."""
    if not _is_file(upload):
        return None
    stream = upload.stream
    stream.seek(0)
    kind = sniff(stream.read(16))
    stream.seek(0)
    if kind is None:
        return tk._(
            "Only PNG, JPEG or WebP images are accepted (SVG and other formats are "
            "not): {name}"
        ).format(name=os.path.basename(upload.filename)[:80])
    size = _size(stream)
    if size > max_mb * 1024 * 1024:
        return tk._("The image weighs {size:.1f} MB; at most {limit} MB.").format(
            size=size / 1024 / 1024, limit=max_mb
        )
    return None


def check_uploads(data_dict: dict[str, Any]) -> None:
    """Refuse the request (nothing saved) when an image upload is not acceptable."""
    max_mb = uploader.get_max_image_size()
    errors = {}
    for url_field, upload_field, _clear in IMAGE_FIELDS:
        message = check_upload(data_dict.get(upload_field), max_mb)
        if message:
            errors[url_field] = [message]
    if errors:
        raise tk.ValidationError(errors)


def image_display_url(value: Any) -> str | None:
    """Where a browser finds an image: its http(s) address, or CKAN's URL of
    an uploaded file. Anything else gives None."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith(("http://", "https://")):
        return value
    if "/" in value or ":" in value or "\\" in value:
        return None
    try:  # CKAN 2.12 with a file storage for group images
        from ckan.lib import files

        storage = files.get_storage(tk.config["ckan.files.default_storages.group"])
    except Exception:
        return tk.h.url_for_static(f"uploads/group/{value}", qualified=False)
    return storage.permanent_link(files.FileData.from_string(value))
