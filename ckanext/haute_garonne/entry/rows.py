"""The check of rows typed in the online table, before they are stored.

Pure: no CKAN import. Each row is written as a one-row CSV file with the
standard's header and checked by the validation engine, so that a value is
refused with the very message a file with that value gets. Everything one
row can say is kept, the rules across the columns of a row too (one of two
columns required, columns filled in together, vote counts that add up, a
combined identifier); only the rules across rows (unique values, same value
per group) are left to the check of the whole table before it is published.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ckanext.haute_garonne.entry.fields import descriptor
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.validation import is_warning, validate

# Rules across rows: left to the check of the whole table (one row cannot
# break them). Every other rule, across the columns of a row too, is checked
# when the row is saved.
TABLE_RULES = frozenset({"unique-error", "primary-key", "same-value-per-group"})


def cell_text(value: Any, field: dict[str, Any]) -> str:
    """A value of the DataStore (or of a form) as the standard writes it in
    a file: booleans with the standard's true/false values, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        values = field.get("trueValues" if value else "falseValues")
        return values[0] if values else ("true" if value else "false")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f")
            if value == value.to_integral()
            else str(value)
        )
    if field.get("type") == "boolean" and isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):  # the Table Designer's drop-down
            return cell_text(lowered == "true", field)
    return str(value)


def row_errors(
    version: SchemaVersion, row: dict[str, Any], language: str | None = None
) -> dict[str, list[str]]:
    """Column -> the engine's messages for this row (empty when it may be
    stored). Columns absent from ``row`` are read as empty."""
    fields = descriptor(version)["fields"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([f["name"] for f in fields])
    writer.writerow([cell_text(row.get(f["name"]), f) for f in fields])
    report = validate(
        buffer.getvalue().encode("utf-8"),
        version.standard,
        version.version,
        filename="saisie.csv",
        language=language,
    )
    errors: dict[str, list[str]] = {}
    if report.fatal:
        errors.setdefault("", []).append(report.fatal)
    for error in report.errors:
        if is_warning(error.type) or error.type in TABLE_RULES:
            continue
        if error.row is None or not error.field:
            continue
        messages = errors.setdefault(error.field, [])
        if error.message not in messages:
            messages.append(error.message)
    return errors


def rows_errors(
    version: SchemaVersion, rows: Iterable[dict[str, Any]], language: str | None = None
) -> list[dict[str, list[str]]]:
    """The errors of each row (see ``row_errors``)."""
    return [row_errors(version, row, language) for row in rows]
