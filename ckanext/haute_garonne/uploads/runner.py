"""One run of the engine on a fetched file, for the standard its resource
declares. Used at upload time (``service.py``) and by jobs (``jobs.py``)."""

from __future__ import annotations

from typing import Any

from ckanext.haute_garonne import config
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.uploads.files import Fetched
from ckanext.haute_garonne.validation import validate

__all__ = ["run", "standard_of"]


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


def run(fetched: Fetched, version: SchemaVersion, chosen: bool) -> dict[str, Any]:
    """Validate a fetched file; the report as a dict."""
    report = validate(
        fetched.path,
        version.standard,
        version.version if chosen else None,
        filename=fetched.filename,
        max_errors=config.validation_max_errors(),
    )
    return report.to_dict()
