"""The validation report: what a publisher reads after an upload.

Pure module: no CKAN import.

Error types that are *warnings* (listed in ``WARNING_TYPES``) are reported but
do not make a file invalid:

- ``missing-optional-header``: an optional column of the standard is absent;
- ``header-order``: the columns are all there but not in the standard's order
  (columns are matched by name, so the file can still be checked);
- ``encoding-warning``: the file is readable but not encoded in UTF-8
  (Windows-1252, UTF-16…);
- ``delimiter-warning``: the separator is not the one of the standard
  (``;`` instead of ``,`` for the SCDL, ``,`` instead of ``;`` for the BAL);
- ``<check>-warning``: a custom check that our schema declares with
  ``"severity": "warning"`` (a consistency rule the portal adds to the
  standard, that the official examples themselves do not follow).

Every other type is an error.

What a report echoes of the file is bounded, whatever the file holds: the
collector cuts the ``field`` and ``value`` of each error to ``VALUE_LIMIT``
characters, and each message, hint and fatal message to ``MESSAGE_LIMIT``
(an ellipsis "…" ends a cut text; the messages quote values cut shorter
still, see ``messages.quote``). With at most ``max_errors`` errors kept and
one hint per key, the size of a report is bounded too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from ckanext.haute_garonne.validation.hints import hint_text
from ckanext.haute_garonne.validation.messages import clip

# The longest text of the file a report echoes (a cell, a column name, a JSON
# path), and the longest message (see the module's docstring).
VALUE_LIMIT = 200
MESSAGE_LIMIT = 1500

WARNING_TYPES = frozenset(
    {
        "missing-optional-header",
        "header-order",
        "encoding-warning",
        "delimiter-warning",
    }
)


def is_warning(type_: str) -> bool:
    """Whether an error type is a warning (see the module's docstring)."""
    return type_ in WARNING_TYPES or type_.endswith("-warning")


def _fields(instance: Any) -> dict[str, Any]:
    """A dataclass's fields by name, in their order (not copied)."""
    return {f.name: getattr(instance, f.name) for f in fields(instance)}


@dataclass
class Error:
    """One problem found in a file.

    ``row`` is the line number a spreadsheet user sees (header = 1), None for a
    problem of the whole file or of its header; ``field`` is the column name
    (a JSON path for JSON files); ``value`` the raw text of the cell.
    """

    type: str
    row: int | None = None
    field: str | None = None
    value: str | None = None
    message: str = ""

    @property
    def warning(self) -> bool:
        return is_warning(self.type)

    def to_dict(self) -> dict[str, Any]:
        return _fields(self)


@dataclass
class Report:
    valid: bool = False
    status: str = "error"  # "valid" | "invalid" | "error" (unreadable file)
    standard: str | None = None  # registry name, e.g. "subventions"
    schema: str | None = None  # identifier, e.g. "scdl/subventions"
    version: str | None = None
    schema_url: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    format: str | None = None  # "csv" | "xlsx" | "ods" | "json"
    rows: int = 0
    errors: list[Error] = field(default_factory=list)
    error_counts: dict[str, int] = field(default_factory=dict)
    truncated: bool = False
    fatal: str | None = None
    hints: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[Error]:
        return [e for e in self.errors if e.warning]

    def to_dict(self) -> dict[str, Any]:
        """Every field (lists and counts copied), then the warnings' types."""
        data = _fields(self)
        data["errors"] = [e.to_dict() for e in self.errors]
        data["error_counts"] = dict(self.error_counts)
        data["hints"] = list(self.hints)
        data["warning_types"] = sorted(t for t in self.error_counts if is_warning(t))
        return data


class Collector:
    """Counts every error by type and keeps the first ``max_errors``.

    Messages are built lazily: ``add`` takes a callable, called only for an
    error that is kept, so that a file with a million bad cells costs one
    counter increment per cell beyond the limit.
    """

    def __init__(self, max_errors: int) -> None:
        self.max_errors = max(0, int(max_errors))
        self.errors: list[Error] = []
        self.counts: Counter[str] = Counter()
        self.hints: dict[str, str] = {}  # key -> text, first seen first

    @property
    def full(self) -> bool:
        return len(self.errors) >= self.max_errors

    def add(
        self,
        type_: str,
        row: int | None,
        field: str | None,
        value: str | None,
        message: str | Callable[[], str],
    ) -> None:
        self.counts[type_] += 1
        if len(self.errors) < self.max_errors:
            text = message() if callable(message) else message
            self.errors.append(
                Error(
                    type_,
                    row,
                    None if field is None else clip(field, VALUE_LIMIT),
                    None if value is None else clip(value, VALUE_LIMIT),
                    clip(text, MESSAGE_LIMIT),
                )
            )

    def count_only(self, types: list[str]) -> None:
        self.counts.update(types)

    def hint(self, key: str, text: str | None = None) -> None:
        """Add a hint once; without ``text``, the standard hint of ``key``
        (``hints.HINTS``), translated only when it is new."""
        if key not in self.hints:
            self.hints[key] = (
                hint_text(key) if text is None else clip(text, MESSAGE_LIMIT)
            )

    def has_hint(self, key: str) -> bool:
        return key in self.hints

    def invalid(self) -> bool:
        return any(n and not is_warning(t) for t, n in self.counts.items())

    def fill(self, report: Report) -> Report:
        report.errors = list(self.errors)
        report.error_counts = dict(sorted(self.counts.items()))
        report.truncated = sum(self.counts.values()) > len(self.errors)
        report.hints = list(self.hints.values())
        if report.fatal:
            report.fatal = clip(report.fatal, MESSAGE_LIMIT)
        return report
