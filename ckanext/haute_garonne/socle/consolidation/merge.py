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

Spreadsheet formulas: a text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would run as a formula when the file is
opened in a spreadsheet (CSV injection). Such a cell gets a leading
apostrophe (``'=1+1``), which spreadsheets show as text, unless it is a
number (``-12.5``, ``+33``) or a column of a typed field (numbers, dates,
booleans are never formulas). The standard's constraints are kept: when the
apostrophe would break a pattern or a length limit of the field, the value
is left as is, since the standard's rule already limits what it may hold.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator
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
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
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


def neutralise(value: str, field: CompiledField | None = None) -> str | None:
    """The value with a leading apostrophe when a spreadsheet would run it as
    a formula; None when it is safe as it is (see the module docstring)."""
    if not value or not value.startswith(FORMULA_STARTS):
        return None
    if field is not None and field.type != "string":
        return None
    if _NUMBER.fullmatch(value):
        return None
    safe = "'" + value
    if field is not None and field.check is not None and field.check(safe):
        return None  # the standard would refuse it: its rule limits the value
    return safe


def _records(
    opened: read.Opened, known: set[str], delimiter: str
) -> Iterator[list[str]]:
    head = read.read_head(opened)
    file_format = read.sniff_format(opened, head)
    if file_format == "xlsx":
        yield from read.xlsx_rows(opened)
        return
    if file_format == "ods":
        yield from read.ods_rows(opened)
        return
    if file_format != "csv":
        raise read.UnreadableFile(f"format {file_format}")
    encoding = read.detect(head, len(head) < read.HEAD_SIZE)
    sample = head[encoding.skip :].decode(encoding.codec, errors="replace")
    found = read.detect_delimiter(sample, known, delimiter)
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
    data = csv.writer(data_out, delimiter=schema.delimiter)
    provenance = csv.writer(provenance_out, delimiter=schema.delimiter)
    data.writerow(names)
    provenance.writerow([*names, *PROVENANCE_COLUMNS])
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
    data: Any,
    provenance: Any,
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
