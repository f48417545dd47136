"""The validation engine: ``validate(source, standard, version)``.

Pure module: no CKAN import.

How a table is checked
----------------------
Rows are read in batches of ``BATCH_SIZE`` rows (fewer when rows are wide:
a batch holds about ``BATCH_CELLS`` cells) and checked **column by column**:
for each column the batch's distinct values are computed (``set``), the
values already known to be right or wrong are looked up in two bounded
per-field caches, and only new values go through the compiled checker
(``compile.py``). Errors are then located row by row, sorted by line and
column, counted by type, and the first ``max_errors`` are kept with their
message, built then in the language of the validation (``i18n``). The custom
checks (``checks.py``) run on the same column tuples. Memory holds one batch,
the bounded caches, the first errors, and only what a declared rule needs
across rows: the keys of ``unique``, ``primaryKey`` and ``uniqueKeys``
constraints, and the groups of ``same-value-per-group`` (bounded).

Decisions
---------
- Columns are matched by name (see ``headers.py``); a required column that is
  missing is reported once (``missing-header``), never on each row. A custom
  check applies even when its columns are absent: a rule the header alone
  breaks ("one of these columns is required", none of them is there) is
  reported once, for the header (``Check.absent``); the others read an absent
  column as empty on every row.
- Row numbers are those a spreadsheet shows: header = 1, a multi-line cell
  stays one row, an empty line counts as a row (frictionless counts rows the
  same way).
- A row whose cells are all empty is one ``blank-row`` error (as
  frictionless); trailing empty rows of a spreadsheet are ignored.
- A short CSV row gives one ``missing-cell`` error per absent column (not
  also a ``required-error``); a long one an ``extra-cell`` per extra cell.
- A file with a header and no data row is valid (and empty): no rule of our
  standards requires rows. A hint says so.
- An unreadable file (empty, binary, HTML, encrypted or broken workbook, a ZIP
  archive, invalid JSON, an unknown standard or version) gives status
  "error" and a ``fatal`` message; ``validate`` never raises.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any, TypedDict

from ckanext.haute_garonne.standards.bal import detect_bal_version
from ckanext.haute_garonne.standards.registry import get_standard, load_descriptor
from ckanext.haute_garonne.types import SchemaVersion, Standard
from ckanext.haute_garonne.validation import read
from ckanext.haute_garonne.validation.checks import Batch, Check, build_checks
from ckanext.haute_garonne.validation.compile import (
    ABSENT,
    DEVIATION,
    CompiledField,
    CompiledSchema,
    compiled,
)
from ckanext.haute_garonne.validation.headers import column_letter, match_header
from ckanext.haute_garonne.validation.hints import diagnose
from ckanext.haute_garonne.validation.i18n import _
from ckanext.haute_garonne.validation.i18n import language as _language
from ckanext.haute_garonne.validation.json_schema import validate_json
from ckanext.haute_garonne.validation.limits import (
    DEFAULT_LIMITS,
    Limits,
    out_of_memory_message,
)
from ckanext.haute_garonne.validation.messages import (
    blank_row_message,
    clip,
    constraint_message,
    extra_cell_message,
    missing_cell_message,
    quote,
    required_message,
    type_message,
    unique_message,
)
from ckanext.haute_garonne.validation.report import VALUE_LIMIT, Collector, Report

log = logging.getLogger(__name__)

BATCH_SIZE = 2048
BATCH_CELLS = 2048 * 64  # a batch of rows of 16,384 cells holds 8 of them
_SLICE = 64  # rows taken at a time while a batch is filled
CACHE_SIZE = 8192  # values remembered per field, right and wrong each
HINT_LIMIT = 50_000  # errors examined for hints
SPREADSHEET_FORMATS = ("xlsx", "ods")


def _repeats(
    seen: dict[Any, int], candidates: Iterable[tuple[int, Any]]
) -> Iterator[tuple[int, Any, int]]:
    """(line, value, line of its first occurrence) for each candidate whose
    value was seen before, in this batch or an earlier one; the line of each
    new value is remembered in ``seen`` (a unique column, a key)."""
    for number, value in candidates:
        first = seen.get(value)
        if first is None:
            seen[value] = number
        else:
            yield number, value, first


class Fatal(Exception):
    """Stops a validation with a message (the file is unreadable)."""


# Entry point -----------------------------------------------------------------


class Options(TypedDict, total=False):
    """The keyword options of ``validate``, which ``sandbox.run`` passes
    through to it."""

    filename: str | None
    max_errors: int
    language: str | None
    limits: Limits | None


def validate(
    source: Any,
    standard: str,
    version: str | None = None,
    *,
    filename: str | None = None,
    max_errors: int = 1000,
    language: str | None = None,
    limits: Limits | None = None,
) -> Report:
    """Check a file against a standard of the registry.

    ``source`` is a path, bytes, or a binary file object; ``standard`` a
    registry name ("deliberations") or identifier ("scdl/deliberations");
    ``version`` None for the latest version (for the BAL: the version the
    header follows). Never raises: an unreadable file gives a report with
    status "error" and a ``fatal`` message.

    The messages and hints are in ``language`` ("fr", "en"…); None keeps the
    current one (``i18n.language``), French by default.

    ``limits`` bounds what a workbook may expand to once decompressed
    (``limits.Limits``; None: the defaults). Run it in a child process with
    ``sandbox.validate`` to bound its memory and time as well.
    """
    with _language(language):
        return _validate(
            source, standard, version, filename, max_errors, limits or DEFAULT_LIMITS
        )


def _validate(
    source: Any,
    standard: str,
    version: str | None,
    filename: str | None,
    max_errors: int,
    limits: Limits,
) -> Report:
    report = Report()
    collector = Collector(max_errors)
    try:
        found = get_standard(standard) if standard else None
        if found is None:
            raise Fatal(
                _(
                    "The standard {standard} is unknown to the portal. Accepted "
                    "standards: {accepted}."
                ).format(
                    standard=quote(standard), accepted=", ".join(_standard_names())
                )
            )
        report.standard = found.name
        report.schema = found.identifier
        chosen = _version(found, version)
        if chosen is not None:
            _describe(report, chosen)
        with read.open_source(source, filename) as opened:
            head = read.read_head(opened)
            file_format = read.sniff_format(opened, head, limits)
            report.format = file_format
            if found.kind == "json":
                if file_format != "json":
                    raise Fatal(
                        _(
                            "This standard expects a JSON file (essential data in "
                            "the national format), but this file is a table "
                            "({format}). To publish a table, choose the DECP table "
                            "format (decp-table)."
                        ).format(format=file_format.upper())
                    )
                # A JSON standard has its versions: _version gives one.
                json_version = chosen or found.latest
                encoding, rows = validate_json(
                    opened, head, load_descriptor(json_version.path), collector
                )
                report.encoding, report.rows = encoding, rows
            else:
                if file_format == "json":
                    raise Fatal(
                        _(
                            "This standard expects a table (CSV, XLSX or ODS), but "
                            "this file is a JSON document."
                        )
                    )
                _validate_table(
                    opened, head, file_format, found, chosen, report, collector, limits
                )
    except (Fatal, read.UnreadableFile) as exc:
        report.fatal = str(exc)
    except MemoryError:
        report.fatal = out_of_memory_message()
    except Exception:  # never raise on bad input: report it
        log.exception(
            "validation of %r against %r failed",
            clip(filename, VALUE_LIMIT) if filename else _describe_source(source),
            standard,
        )
        report.fatal = _(
            "The file could not be checked because of an unexpected error of the "
            "validator. Check that it is a CSV, XLSX or ODS table (or a JSON file "
            "for public contracts) and try again; if the problem persists, contact "
            "the portal team."
        )
    collector.fill(report)
    if report.fatal:
        report.status, report.valid = "error", False
    elif collector.invalid():
        report.status, report.valid = "invalid", False
    else:
        report.status, report.valid = "valid", True
    return report


def _describe_source(source: Any) -> str:
    """The source for a log line: a path, never the content of the file."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return f"<{len(source)} bytes>"
    if isinstance(source, str):
        return clip(source, VALUE_LIMIT)
    return repr(type(source))


def _standard_names() -> list[str]:
    from ckanext.haute_garonne.standards.registry import standards

    return list(standards())


def _version(standard: Standard, version: str | None) -> SchemaVersion | None:
    """The requested version; None = to detect (BAL) or the latest."""
    if version is None:
        return None if standard.name == "bal" else standard.latest
    wanted = str(version).strip().lstrip("vV")
    found = standard.version(wanted)
    if found is None:
        for candidate in standard.versions:
            declared = str(load_descriptor(candidate.path).get("version", "")).lstrip(
                "vV"
            )
            if declared == wanted:
                found = candidate
    if found is None:
        accepted = ", ".join(v.version for v in standard.versions)
        raise Fatal(
            _(
                "Version {version} of the standard {standard} is not supported by "
                "the portal. Accepted versions: {accepted}."
            ).format(version=quote(version), standard=standard.name, accepted=accepted)
        )
    return found


def _describe(report: Report, version: SchemaVersion) -> None:
    report.version = version.version
    report.schema = version.identifier
    report.schema_url = version.url


# Tables ----------------------------------------------------------------------


def _known_names(standard: Standard) -> set[str]:
    names: set[str] = set()
    for version in standard.versions:
        names.update(f["name"] for f in load_descriptor(version.path).get("fields", []))
    return names


def _validate_table(
    opened: read.Opened,
    head: bytes,
    file_format: str,
    standard: Standard,
    chosen: SchemaVersion | None,
    report: Report,
    collector: Collector,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    expected_delimiter = (
        load_descriptor((chosen or standard.latest).path).get("dialect") or {}
    ).get("delimiter", ",")
    if file_format in SPREADSHEET_FORMATS:
        records = (
            read.xlsx_rows(opened, limits)
            if file_format == "xlsx"
            else read.ods_rows(opened, limits)
        )
        _run_table(records, file_format, standard, chosen, report, collector)
        return

    at_eof = len(head) < read.HEAD_SIZE
    encoding = read.detect(head, at_eof)
    sample = head.decode(encoding.codec, errors="replace")
    if encoding.skip:
        sample = head[encoding.skip :].decode(encoding.codec, errors="replace")
    delimiter = read.detect_delimiter(
        sample, _known_names(standard), expected_delimiter
    )
    mixed = False
    if encoding.codec == read.WINDOWS_1252:
        mixed = read.has_utf8_sequences(opened)
    while True:
        attempt = Collector(collector.max_errors)
        try:
            with read.text_stream(opened, encoding) as text:
                records = read.csv_records(text, delimiter)
                outcome = _run_table(records, "csv", standard, chosen, report, attempt)
        except UnicodeDecodeError:
            if not encoding.utf8:
                label = read.encoding_label(encoding.codec)
                raise Fatal(
                    _(
                        "The file seems to be encoded in {encoding}, but it contains "
                        "bytes that are invalid in this encoding. Save it again in "
                        "the “CSV UTF-8” format."
                    ).format(encoding=label)
                ) from None
            # Valid UTF-8 up to here, but not beyond: read again in Windows-1252.
            mixed = read.has_utf8_sequences(opened)
            skip = 3 if encoding.codec == "utf-8-sig" else 0
            encoding = read.Encoding(
                read.WINDOWS_1252, "cp1252", skip=skip, bom_mismatch=bool(skip)
            )
            continue
        break
    _merge(collector, attempt)
    report.encoding = encoding.name
    report.delimiter = delimiter
    if outcome is None:
        return
    if encoding.name == "cp1252" and encoding.bom_mismatch and not mixed:
        collector.add(
            "encoding-warning",
            None,
            None,
            None,
            _(
                "The file starts with the mark of a UTF-8 file (BOM), but its "
                "content is encoded in Windows-1252. The portal read it, but save "
                "it again in the “CSV UTF-8” format so that accents are shown "
                "correctly everywhere."
            ),
        )
        collector.hint("not-utf8")
    elif encoding.name == "cp1252" and mixed:
        collector.add(
            "encoding-error",
            None,
            None,
            None,
            _(
                "The file mixes two encodings: part of it is in UTF-8, the rest in "
                "Windows-1252. Some accented letters are therefore damaged. Save the "
                "original table again in the “CSV UTF-8” format."
            ),
        )
        collector.hint("mixed-encoding")
    elif encoding.name not in ("utf-8", "utf-8-sig"):
        label = read.encoding_label(encoding.codec)
        collector.add(
            "encoding-warning",
            None,
            None,
            None,
            _(
                "The file is encoded in {encoding} and not in UTF-8 as the standard "
                "asks. The portal read it, but save it again as “CSV UTF-8” so that "
                "accents are shown correctly everywhere."
            ).format(encoding=label),
        )
        collector.hint("not-utf8")
    if delimiter != outcome.expected_delimiter:
        found = read.delimiter_label(delimiter, quote(delimiter))
        wanted = read.delimiter_label(outcome.expected_delimiter)
        collector.add(
            "delimiter-warning",
            None,
            None,
            None,
            _(
                "The columns are separated by {found} whereas the standard asks "
                "for {wanted}. The portal read the file, but export it with the "
                "right separator."
            ).format(found=found, wanted=wanted),
        )


def _merge(target: Collector, source: Collector) -> None:
    target.errors.extend(
        source.errors[: max(0, target.max_errors - len(target.errors))]
    )
    target.counts.update(source.counts)
    for key, text in source.hints.items():
        target.hint(key, text)


@dataclass
class Outcome:
    expected_delimiter: str


def _first_record(records: Iterator[list[str]]) -> tuple[list[str] | None, int]:
    """The header (first non-empty record) and its line number."""
    line = 0
    for record in records:
        line += 1
        if any(cell.strip() for cell in record):
            return record, line
    return None, line


def _run_table(
    records: Iterable[list[str]],
    file_format: str,
    standard: Standard,
    chosen: SchemaVersion | None,
    report: Report,
    collector: Collector,
) -> Outcome | None:
    iterator = iter(records)
    try:
        header, header_row = _first_record(iterator)
    except csv.Error as exc:
        raise Fatal(_csv_error_message(1, exc)) from None
    if header is None:
        raise Fatal(_("The file contains neither a header row nor data: it is empty."))
    if chosen is None:
        detected = detect_bal_version(header) if standard.name == "bal" else None
        chosen = (standard.version(detected) if detected else None) or standard.latest
        if standard.name == "bal" and detected is None:
            collector.hint("bal-version-unknown")
    _describe(report, chosen)
    schema = compiled(chosen.path)
    match = match_header(header, schema)
    for type_, field, value, message in match.problems:
        collector.add(type_, None, field, value, message)
    if match.known == 0:
        collector.hint("no-known-column")
    if any(p[0] == "header-mismatch" for p in match.problems):
        collector.hint("header-case")
    checks, _unknown = build_checks(schema, standard.name)
    present = set(match.columns)
    for check in checks:
        absent = check.absent(present)
        if absent:
            collector.add(check.type, None, check.columns[0], None, absent)
    run = TableRun(
        schema,
        match.columns,
        checks,
        collector,
        header_row=header_row,
        width=len(header),
        spreadsheet=file_format in SPREADSHEET_FORMATS,
    )
    try:
        run.feed(iterator)
    except csv.Error as exc:
        report.rows = run.rows
        raise Fatal(_csv_error_message(header_row + run.rows + 1, exc)) from None
    report.rows = run.rows
    if run.rows == 0:
        collector.hint("header-only")
    return Outcome(schema.delimiter)


def _csv_error_message(row: int, exc: csv.Error) -> str:
    return _(
        "The file could not be read beyond line {row}: its CSV structure is "
        'damaged (most often, a quotation mark (") opened in a cell is never '
        "closed). "
        "Technical detail: {detail}."
    ).format(row=row, detail=exc)


_MISS = object()


def _next_batch(records: Iterator[list[str]]) -> list[list[str]]:
    """Up to BATCH_SIZE records, and about BATCH_CELLS cells at most."""
    batch: list[list[str]] = []
    cells = 0
    while len(batch) < BATCH_SIZE:
        rows = list(islice(records, _SLICE))
        if not rows:
            break
        batch.extend(rows)
        cells += sum(map(len, rows))
        if cells >= BATCH_CELLS:
            break
    return batch


class TableRun:
    """The checks of one table, fed with batches of records."""

    def __init__(
        self,
        schema: CompiledSchema,
        columns: dict[str, int],
        checks: list[Check],
        collector: Collector,
        *,
        header_row: int,
        width: int,
        spreadsheet: bool,
    ) -> None:
        self.schema = schema
        self.collector = collector
        self.header_row = header_row
        self.width = width
        self.spreadsheet = spreadsheet
        self.rows = 0
        self.plan: list[tuple[CompiledField, int]] = [
            (f, columns[f.name]) for f in schema.fields if f.name in columns
        ]
        self.present = set(columns)
        self.checks = [c for c in checks if c.applicable(self.present)]
        self.good: dict[str, set[str]] = {f.name: set() for f, _ in self.plan}
        self.bad: dict[str, dict[str, tuple[str, str | None]]] = {
            f.name: {} for f, _ in self.plan
        }
        self.missing_union = schema.missing_union
        self.default_missing = schema.missing_union == frozenset({""})
        # Keys seen, only for the rules that need them.
        self.unique_seen: dict[str, dict[str, int]] = {
            f.name: {} for f, _ in self.plan if f.unique
        }
        self.key_sets: list[tuple[str, list[str], dict[tuple[str, ...], int]]] = []
        if schema.primary_key and all(k in columns for k in schema.primary_key):
            self.key_sets.append(("primary-key", schema.primary_key, {}))
        for key in schema.unique_keys:
            if all(k in columns for k in key):
                self.key_sets.append(("unique-error", key, {}))
        self.order = {f.name: f.position for f in schema.fields}
        self.diagnosed = 0

    def feed(self, records: Iterator[list[str]]) -> None:
        first = self.header_row + 1
        while True:
            batch = _next_batch(records)
            if not batch:
                return
            self.rows += len(batch)
            self._batch(batch, first)
            first += len(batch)

    # One batch ---------------------------------------------------------------

    def _batch(self, batch: list[list[str]], first: int) -> None:
        found: list[tuple[Any, ...]] = []  # (row, order, type, field, value, detail)
        width = self.width

        if self.default_missing:
            blank = [i for i, r in enumerate(batch) if not any(r)]
        else:
            union = self.missing_union
            blank = [i for i, r in enumerate(batch) if all(c in union for c in r)]
        numbers: list[int] | None = None
        if blank:
            blank_set = set(blank)
            for i in blank:
                found.append((first + i, -1, "blank-row", None, None, None))
            numbers = [first + i for i in range(len(batch)) if i not in blank_set]
            batch = [r for i, r in enumerate(batch) if i not in blank_set]
            self.collector.hint("blank-rows")
        if not batch:
            self._emit(found)
            return
        if numbers is None:
            numbers = list(range(first, first + len(batch)))

        uneven = [i for i, r in enumerate(batch) if len(r) != width]
        for i in uneven:
            batch[i] = self._even(batch[i], numbers[i], found)

        cols = list(zip(*batch, strict=True)) if width else []
        n = len(batch)
        bad_rows: dict[str, set[int]] = {}
        for field, index in self.plan:
            self._column(field, cols[index], numbers, found, bad_rows)
        if self.key_sets:
            self._keys(cols, numbers, found)
        if self.checks:
            view = Batch(
                cols={f.name: cols[i] for f, i in self.plan},
                bad=bad_rows,
                rows=numbers,
                n=n,
            )
            for check in self.checks:
                involved = [bad_rows[c] for c in check.columns if c in bad_rows]
                for i, field_name, value, message in check.run(view):
                    if any(i in rows for rows in involved):
                        continue  # a cell it reads is already reported
                    order = self.order.get(field_name or "", len(self.order)) + 0.5
                    found.append(
                        (numbers[i], order, check.type, field_name, value, message)
                    )
        self._emit(found)

    def _even(
        self, row: list[str], number: int, found: list[tuple[Any, ...]]
    ) -> list[str]:
        """A row with as many cells as the header has columns."""
        width = self.width
        if len(row) > width:
            for position in range(width, len(row)):
                value = row[position]
                if self.spreadsheet and not value:
                    continue
                found.append(
                    (number, 10_000 + position, "extra-cell", None, value, position + 1)
                )
            return row[:width]
        if self.spreadsheet:
            return row + [""] * (width - len(row))
        for field, index in self.plan:
            if index >= len(row):
                found.append(
                    (number, field.position, "missing-cell", field.name, None, None)
                )
        return row + [ABSENT] * (width - len(row))

    def _column(
        self,
        field: CompiledField,
        col: tuple[str, ...],
        numbers: list[int],
        found: list[tuple[Any, ...]],
        bad_rows: dict[str, set[int]],
    ) -> None:
        check = field.check
        if check is None and not field.required and not field.unique:
            return
        distinct = set(col)
        empty = distinct & field.missing if field.required else set()
        problems: dict[str, tuple[str, str | None]] = {}
        if check is not None and not field.costly:
            # Values seen valid in earlier batches are skipped (set difference,
            # in C); the others are checked in one comprehension.
            good = self.good[field.name]
            unknown = distinct - good
            unknown.difference_update(field.absent)
            failed = [(v, p) for v in unknown if (p := check(v)) is not None]
            if len(good) < CACHE_SIZE:
                if failed:
                    good.update(unknown.difference(v for v, _ in failed))
                else:
                    good.update(unknown)
            for value, problem in failed:
                if problem == DEVIATION:
                    self._deviation(field, value)
                    continue
                problems[value] = problem
        elif check is not None:
            good = self.good[field.name]
            bad = self.bad[field.name]
            unknown = distinct - good
            unknown.difference_update(field.absent)
            for value in unknown:
                known = bad.get(value)
                if known is None:
                    known = check(value)
                    if known is None:
                        if len(good) < CACHE_SIZE:
                            good.add(value)
                        continue
                    if len(bad) < CACHE_SIZE:
                        bad[value] = known
                if known == DEVIATION:
                    self._deviation(field, value)
                    continue
                problems[value] = known
        if problems or empty:
            position = field.position
            name = field.name
            rows = bad_rows.setdefault(name, set())
            for i, value in enumerate(col):
                if value in problems:
                    problem = problems[value]
                    found.append(
                        (numbers[i], position, problem[0], name, value, problem)
                    )
                    rows.add(i)
                elif value in empty:
                    found.append(
                        (numbers[i], position, "required-error", name, value, None)
                    )
                    rows.add(i)
        if field.unique:
            rows = bad_rows.get(field.name, set())
            absent = field.absent
            candidates = (
                (numbers[i], value)
                for i, value in enumerate(col)
                if value not in absent and i not in rows
            )
            found.extend(
                (number, field.position, "unique-error", field.name, value, first)
                for number, value, first in _repeats(
                    self.unique_seen[field.name], candidates
                )
            )

    def _keys(
        self,
        cols: list[tuple[str, ...]],
        numbers: list[int],
        found: list[tuple[Any, ...]],
    ) -> None:
        columns = {f.name: i for f, i in self.plan}
        for type_, key, seen in self.key_sets:
            fields = [self.schema.by_name[k] for k in key]
            candidates = (
                (number, values)
                for number, values in zip(
                    numbers,
                    zip(*(cols[columns[k]] for k in key), strict=False),
                    strict=False,
                )
                if not all(v in f.absent for v, f in zip(values, fields, strict=False))
            )
            found.extend(
                (
                    number,
                    fields[0].position,
                    type_,
                    key[0],
                    " | ".join(values),
                    (first, key),
                )
                for number, values, first in _repeats(seen, candidates)
            )

    def _deviation(self, field: CompiledField, value: str) -> None:
        key = f"deviation:{field.name}"
        if self.collector.has_hint(key):
            return
        reason = (field.deviation or {}).get("reason", "")
        self.collector.hint(
            key,
            _(
                "The column {column} contains values (for example {value}) that the "
                "official rule of the standard would refuse, but that the portal "
                "accepts: {reason}"
            ).format(column=field.name, value=quote(value), reason=reason),
        )

    # Reporting -----------------------------------------------------------------

    def _emit(self, found: list[tuple[Any, ...]]) -> None:
        if not found:
            return
        collector = self.collector
        if collector.full and self.diagnosed >= HINT_LIMIT:
            collector.count_only([item[2] for item in found])
            return
        found.sort(key=itemgetter(0, 1))
        by_name = self.schema.by_name
        for row, _order, type_, field_name, value, detail in found:
            if type_ in ("type-error", "constraint-error"):
                field = by_name[field_name]
                suggestion = None
                if self.diagnosed < HINT_LIMIT:
                    self.diagnosed += 1
                    diagnosis = diagnose(field, value, detail)
                    if diagnosis:
                        key, suggestion = diagnosis
                        collector.hint(key)
                if collector.full:
                    collector.count_only([type_])
                    continue
                if type_ == "type-error":
                    message = type_message(field, value, suggestion)
                else:
                    message = constraint_message(field, value, detail[1], suggestion)
                collector.add(type_, row, field_name, value, message)
                continue
            if collector.full:
                collector.count_only([type_])
                continue
            collector.add(
                type_,
                row,
                field_name,
                value,
                self._message(type_, field_name, value, detail),
            )

    def _message(
        self, type_: str, field_name: str | None, value: str | None, detail: Any
    ) -> str:
        if type_ == "required-error":
            return required_message(self.schema.by_name[field_name or ""])
        if type_ == "blank-row":
            return blank_row_message()
        if type_ == "extra-cell":
            return extra_cell_message(value or "", detail, column_letter(detail - 1))
        if type_ == "missing-cell":
            return missing_cell_message(field_name or "")
        if type_ in ("unique-error", "primary-key"):
            if isinstance(detail, tuple):
                first, key = detail
                return unique_message(value or "", first, key)
            return unique_message(value or "", detail, [field_name or ""])
        if isinstance(detail, str):
            return detail
        return _("Error {type}.").format(type=type_)
