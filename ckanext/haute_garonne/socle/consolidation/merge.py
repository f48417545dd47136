"""Merging files of one standard version into one harmonised CSV.

Pure module: no CKAN import (the CKAN side is ``consolidation/portal.py``).

Every source is read as the validation engine reads it (CSV in any encoding
and separator the engine accepts, XLSX, ODS), its columns are matched by name
with the standard's, and each row is written at once, in the standard's
column order (an optional column the file lacks is left empty), to two
files:

- the **consolidated file**: exactly the standard's columns, UTF-8, the
  standard's separator, so that it validates against the standard (our
  engine and frictionless report any column the standard does not define as
  an error, so provenance columns would make it invalid);
- the **provenance file**: the same rows and columns, followed by the
  ``PROVENANCE_COLUMNS`` (collectivité, SIREN, source dataset and file, date
  of the file), for reusers who need to know where each row comes from.

Memory holds one row at a time, whatever the number and size of the files.
A source that fails half-way is cut back out of both files (they are
truncated to where it started), so a file contributes all its rows or none.

Spreadsheet formulas (CSV injection): a text cell a spreadsheet would run
as a formula never leaves the portal as it is (``neutralise``). Such a cell
starts with ``=``, ``+``, ``-`` or ``@`` (or their full-width and small
forms, which some spreadsheets fold), a tab or a carriage return, possibly
after spaces and invisible characters a spreadsheet may trim (`` =1+1``,
``\u200b@SUM(A1)``). It is left alone when it is a number (``-12.5``,
``+33``), or a valid value of a typed field (numbers, dates, booleans are
never formulas); otherwise it becomes the first of these that the field's
rule accepts (pattern, length…), so that the consolidated file still
validates:

1. the value behind an apostrophe, which spreadsheets show as text
   (``'=1+1``): nothing is lost;
2. the apostrophe *instead of* the first character (``'aaa…`` for
   ``=aaa…``), for a value at the maximum length of its field: the length
   stays the same, and only the character that made it a formula is lost;
3. the value without its formula start (``Roques`` for ``-Roques``), for a
   pattern that refuses apostrophes;
4. if the field's rule refuses all three, the value behind an apostrophe all
   the same: safety comes first (no field of our standards gets there).

Quoting: every text cell is written between double quotes, so that a ``;``
or a ``,`` inside a value cannot split it, whatever separator the
spreadsheet assumes (French Excel splits on ``;`` even in a comma-separated
file); numbers are written bare, so that they stay numbers
(``QuotedWriter``). The header row is written as the standard spells it.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

from ckanext.haute_garonne.types import ConsolidationSource, SchemaVersion
from ckanext.haute_garonne.validation import read
from ckanext.haute_garonne.validation.compile import (
    CompiledField,
    CompiledSchema,
    compiled,
)
from ckanext.haute_garonne.validation.headers import match_header

__all__ = [
    "PROVENANCE_COLUMNS",
    "Merged",
    "QuotedWriter",
    "SourceFailed",
    "merge",
    "neutralise",
]

PROVENANCE_COLUMNS = (
    "source_collectivite",
    "source_siren",
    "source_jeu_de_donnees",
    "source_ressource",
    "source_date",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FOLDED_STARTS = frozenset("=+-@")  # after NFKC: "\uff1d" (full-width =) is "="
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
# A number written bare in a CSV file: no separator, quote or space inside.
_BARE_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
TEXT_TYPES = ("string", "any")
NUMBER_TYPES = ("integer", "number", "year")
_UTF8_THEN_1252 = "hg-utf8-cp1252-fallback"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 read as Windows-1252, as the engine reads a
    file that turns out not to be UTF-8 after its first 64 kB."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = bytes(error.object[error.start : error.end])
    return bad.decode(read.WINDOWS_1252, errors="hg-latin1-fallback"), error.end


codecs.register_error(_UTF8_THEN_1252, _cp1252_fallback)


class SourceFailed(Exception):
    """A source could not be read; ``str(exc)`` says why (French, from the
    reader)."""


@dataclass
class Merged:
    files: int = 0
    rows: int = 0
    neutralised: int = 0


def _ignorable(char: str) -> bool:
    """A character a spreadsheet may trim or not show before a formula."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def _formula_start(value: str) -> int | None:
    """Where the formula a spreadsheet would see in the value starts (see
    the module's docstring); None when it would see none."""
    for index, char in enumerate(value):
        if char in "\t\r":
            return index
        if char.isalnum() or char == "'":
            return None
        if _ignorable(char):
            continue
        return (
            index if unicodedata.normalize("NFKC", char)[:1] in _FOLDED_STARTS else None
        )
    return None


def _without_formula_start(value: str) -> str:
    index = 0
    while index < len(value) and (
        _ignorable(value[index]) or _formula_start(value[index]) == 0
    ):
        index += 1
    return value[index:]


def neutralise(value: str, field: CompiledField | None = None) -> str | None:
    """The value made safe when a spreadsheet would run it as a formula;
    None when it is safe as it is (see the module's docstring)."""
    if not value or value[0].isalnum():
        return None  # the usual case, decided at once
    if _formula_start(value) is None:
        return None
    if (
        field is not None
        and field.type not in TEXT_TYPES
        and (field.check is None or field.check(value) is None)
    ):
        return None  # a valid number, date or boolean is no formula
    if _NUMBER.fullmatch(value.strip()):
        return None
    candidates = ["'" + value]
    if field is not None and field.check is not None:
        candidates += ["'" + value[1:], _without_formula_start(value)]
        for candidate in candidates:
            if field.check(candidate) is None and _formula_start(candidate) is None:
                return candidate
    return candidates[0]


class QuotedWriter:
    """Writes CSV rows a spreadsheet reads safely: each text cell between
    double quotes, numbers bare (ints and floats, and in the ``numbers``
    columns the texts written as a number), empty cells empty. It does not
    neutralise formulas: the caller does (``neutralise``)."""

    def __init__(
        self,
        out: TextIO,
        delimiter: str = ",",
        numbers: Collection[int] = (),
        lineterminator: str = "\r\n",
    ) -> None:
        self.out = out
        self.delimiter = delimiter
        self.numbers = frozenset(numbers)
        self.lineterminator = lineterminator

    def _cell(self, index: int, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        text = str(value)
        if index in self.numbers and _BARE_NUMBER.fullmatch(text):
            return text
        return '"' + text.replace('"', '""') + '"'

    def writerow(self, row: Iterable[Any]) -> None:
        self.out.write(
            self.delimiter.join(self._cell(i, v) for i, v in enumerate(row))
            + self.lineterminator
        )


def _records(
    opened: read.Opened, known: set[str], delimiter: str
) -> Iterator[list[str]]:
    head = read.read_head(opened)
    file_format = read.sniff_format(opened, head)
    sheet = read.workbook_rows(opened, file_format)
    if sheet is not None:
        yield from sheet
        return
    if file_format != "csv":
        raise read.UnreadableFile(f"format {file_format}")
    encoding, found = read.csv_dialect(head, known, delimiter)
    with read.text_stream(opened, encoding) as text:
        if encoding.utf8:
            text.reconfigure(errors=_UTF8_THEN_1252)
        yield from read.csv_records(text, found)


@contextmanager
def _all_or_nothing(outputs: tuple[TextIO, ...]) -> Iterator[None]:
    """Cut the outputs back to where they were if the block fails."""
    marks = []
    for out in outputs:
        out.flush()
        marks.append(out.tell())
    try:
        yield
    except BaseException:
        for out, mark in zip(outputs, marks, strict=True):
            out.seek(mark)
            out.truncate()
        raise


def merge(
    sources: Iterable[ConsolidationSource],
    version: SchemaVersion,
    data_out: TextIO,
    provenance_out: TextIO,
    on_failure: Callable[[ConsolidationSource, str], None] | None = None,
) -> Merged:
    """Write the rows of every source to the two outputs (seekable text files
    opened with ``newline=""``), one row at a time.

    A source that cannot be read is left out of both files and passed to
    ``on_failure`` with the reason; without ``on_failure`` the error
    propagates as ``SourceFailed``.
    """
    schema = compiled(version.path)
    names = [f.name for f in schema.fields]
    numbers = {i for i, f in enumerate(schema.fields) if f.type in NUMBER_TYPES}
    data = QuotedWriter(data_out, schema.delimiter, numbers)
    provenance = QuotedWriter(provenance_out, schema.delimiter, numbers)
    header = csv.writer(data_out, delimiter=schema.delimiter, lineterminator="\r\n")
    header.writerow(names)
    csv.writer(
        provenance_out, delimiter=schema.delimiter, lineterminator="\r\n"
    ).writerow([*names, *PROVENANCE_COLUMNS])
    merged = Merged()
    for source in sources:
        try:
            with _all_or_nothing((data_out, provenance_out)):
                rows, neutralised = _merge_one(source, schema, data, provenance)
        except SourceFailed as e:
            if on_failure is None:
                raise
            on_failure(source, str(e))
            continue
        merged.files += 1
        merged.rows += rows
        merged.neutralised += neutralised
    data_out.flush()
    provenance_out.flush()
    return merged


def _merge_one(
    source: ConsolidationSource,
    schema: CompiledSchema,
    data: QuotedWriter,
    provenance: QuotedWriter,
) -> tuple[int, int]:
    rows = neutralised = 0
    origin = [
        source.collectivite,
        source.siren,
        source.dataset_url,
        source.resource_url,
        source.date,
    ]
    for i, value in enumerate(origin):
        safe = neutralise(value)
        if safe is not None:
            origin[i] = safe
    try:
        with read.open_source(source.path, source.filename) as opened:
            records = _records(opened, set(schema.by_name), schema.delimiter)
            header = next((r for r in records if any(c.strip() for c in r)), None)
            if header is None:
                return 0, 0
            columns = match_header(header, schema).columns
            plan = [(f, columns.get(f.name)) for f in schema.fields]
            for record in records:
                if not any(record):
                    continue
                width = len(record)
                row = []
                for field, index in plan:
                    value = record[index] if index is not None and index < width else ""
                    safe = neutralise(value, field)
                    if safe is not None:
                        value = safe
                        neutralised += 1
                    row.append(value)
                data.writerow(row)
                provenance.writerow(row + origin)
                rows += 1
    except (read.UnreadableFile, csv.Error, OSError, UnicodeError, ValueError) as e:
        raise SourceFailed(str(e)) from e
    return rows, neutralised
