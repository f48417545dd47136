"""Adding rows to an online table from a spreadsheet the publisher has.

A file (CSV in any encoding and separator the engine reads, XLSX, ODS) is
checked like an upload: by our engine, in its sandbox
(``uploads.runner.run_in_request``), against the standard of the dataset.
A file that fails inserts nothing: the caller gets the report. A file that
passes is read with the engine's reader (``validation.read``, whose limits
bound what a workbook may expand to), its columns matched by name to the
standard's (``validation.headers``), and all its rows inserted in one
``datastore_upsert`` call: one transaction, so that a row the table's own
rules refuse (a duplicate key, say) inserts none.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.haute_garonne import config
from ckanext.haute_garonne.entry import publish
from ckanext.haute_garonne.model import VALID
from ckanext.haute_garonne.standards.registry import load_descriptor
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.uploads import files, store
from ckanext.haute_garonne.uploads.runner import run_in_request, standard_of
from ckanext.haute_garonne.validation import read
from ckanext.haute_garonne.validation.compile import compiled
from ckanext.haute_garonne.validation.headers import match_header

__all__ = ["import_rows", "records"]

SPREADSHEETS = ("xlsx", "ods")
BOOLEANS = ("bool", "boolean")


def _refuse(message: str, report: dict[str, Any] | None = None) -> None:
    errors: dict[str, Any] = {"upload": [message]}
    if report is not None:
        errors["validation"] = report.get("errors") or []
        errors["validation_hints"] = report.get("hints") or []
    raise tk.ValidationError(errors, error_summary={tk._("File"): message})


def _table_rows(opened: read.Opened, names: set[str]) -> Iterator[list[str]]:
    head = read.read_head(opened)
    sheet = read.workbook_rows(opened, read.sniff_format(opened, head))
    if sheet is not None:
        yield from sheet
        return
    encoding, delimiter = read.csv_dialect(head, names, ",")
    try:
        with read.text_stream(opened, encoding) as text:
            # Read to the end first: a decoding error then inserts nothing.
            rows = list(read.csv_records(text, delimiter))
    except UnicodeDecodeError:
        # Valid UTF-8 at first, not beyond: the engine read it as
        # Windows-1252 (and reported it); so do we.
        fallback = read.Encoding(read.WINDOWS_1252, "cp1252", skip=encoding.skip)
        with read.text_stream(opened, fallback) as text:
            rows = list(read.csv_records(text, delimiter))
    yield from rows


def _value(cell: str, pg_type: str, field: dict[str, Any]) -> Any:
    """A cell as the table stores it: empty is NULL; a boolean written
    with the standard's words (oui/non) becomes true/false."""
    text = cell.strip()
    if not text:
        return None
    if pg_type.lower() in BOOLEANS:
        if text in (field.get("trueValues") or ()):
            return True
        if text in (field.get("falseValues") or ()):
            return False
    return cell


def records(
    path: Path, filename: str, version: SchemaVersion, columns: dict[str, str]
) -> list[dict[str, Any]]:
    """The rows of a checked file, as records of the table whose
    ``columns`` (name -> PostgreSQL type) are given: the standard's columns
    the file and the table both have, matched by name."""
    fields = {f["name"]: f for f in load_descriptor(version.path).get("fields", [])}
    with read.open_source(path, filename) as opened:
        rows = _table_rows(opened, set(fields))
        header: list[str] | None = None
        for row in rows:
            if any(cell.strip() for cell in row):
                header = row
                break
        if header is None:
            return []
        matched = match_header(header, compiled(version.path)).columns
        wanted = [(name, i) for name, i in matched.items() if name in columns]
        found: list[dict[str, Any]] = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue  # trailing empty rows of a spreadsheet
            found.append(
                {
                    name: _value(
                        row[i] if i < len(row) else "", columns[name], fields[name]
                    )
                    for name, i in wanted
                }
            )
        return found


def import_rows(
    context: Context, resource: dict[str, Any], dataset: dict[str, Any], upload: Any
) -> dict[str, Any]:
    """Check ``upload`` and insert its rows into the online table
    ``resource``; raises ``ValidationError`` (French message, and the
    report's errors) and inserts nothing when the file fails."""
    if not publish.is_table(resource):
        _refuse(tk._("Rows can only be imported into an online table."))
    found = standard_of(dataset, resource)
    if found is None:
        _refuse(tk._("This dataset follows no standard: rows cannot be imported."))
    version, _chosen = found  # type: ignore[misc]
    if not getattr(upload, "filename", None) or not hasattr(upload, "stream"):
        _refuse(tk._("Choose a file (CSV, XLSX or ODS) to import."))
    limit = config.validation_sync_max_bytes()
    with files.fetched_upload(upload, limit) as fetched:
        if fetched.size > limit:
            _refuse(
                tk._(
                    "The file is too large to be imported at once (more than "
                    "{size} MB): split it, or publish it as a file."
                ).format(size=max(1, limit // (1024 * 1024)))
            )
        report = run_in_request(fetched, version, True)
        if report is None:
            _refuse(
                tk._(
                    "The file takes too long to be checked: split it into smaller "
                    "files and import them one after the other."
                )
            )
        assert report is not None  # noqa: S101 - for mypy, _refuse raised
        if report["status"] != VALID:
            if report.get("fatal"):
                _refuse(str(report["fatal"]), report)
            count = store.error_count(report)
            _refuse(
                tk.ungettext(
                    "No row was added: the file does not follow the standard "
                    "{standard} {version} ({count} error). Fix it and import it "
                    "again.",
                    "No row was added: the file does not follow the standard "
                    "{standard} {version} ({count} errors). Fix them and import "
                    "it again.",
                    count,
                ).format(
                    standard=version.title, version=report["version"], count=count
                ),
                report,
            )
        rows = records(
            fetched.path, fetched.filename, version, publish.columns(resource["id"])
        )
    if rows:
        try:
            tk.get_action("datastore_upsert")(
                {
                    "user": context.get("user"),
                    "ignore_auth": context.get("ignore_auth", False),
                },
                {"resource_id": resource["id"], "method": "insert", "records": rows},
            )
        except tk.ValidationError as e:
            detail = _first_error(e.error_dict)
            _refuse(
                tk._(
                    "No row was added: the table refused a row of the file "
                    "({detail}). Fix the file and import it again."
                ).format(detail=detail)
            )
    return {"rows": len(rows), "report": report}


def _first_error(errors: dict[str, Any]) -> str:
    """The first message of a DataStore refusal, readable (Table Designer
    separates its field and message with tabs)."""
    for value in errors.values():
        found = value[0] if isinstance(value, list) and value else value
        if isinstance(found, dict):
            return _first_error(found)
        text = str(found)
        if text.startswith("TAB-DELIMITED\t"):
            parts = text.split("\t")[1:]
            return " ; ".join(
                f"{field} : {message}"
                for field, message in zip(parts[::2], parts[1::2], strict=False)
            )
        if text.startswith("duplicate key"):
            return tk._("a row with the same key is already in the table or the file")
        if text.startswith("invalid input"):
            return tk._("a value cannot be stored in its column")
        return text.splitlines()[0] if text else ""
    return ""
