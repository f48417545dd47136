"""How far a file may expand once read: the limits that keep a small hostile
file (a "zip bomb", a row repeated a billion times, a cell of a gigabyte…)
from taking the memory and the time of the process that reads it.

Pure module: no CKAN import. XLSX and ODS workbooks are ZIP archives of XML
documents; a few kilobytes can declare gigabytes of cells. The readers
(``read.Archive``, ``sheets``) check these limits before parsing (from the
archive's directory) and while parsing (counting what they really read, as
the directory may lie), and stop at the first one reached with
``read.TooLarge``: the report is then an error ("The file is too large once
decompressed (…)"), never a verdict of valid.

The defaults let through any table a spreadsheet can hold and a collectivité
publishes (Excel and LibreOffice stop at 1,048,576 rows and 16,384 columns,
Excel at 32,767 characters per cell); ``validate(..., limits=Limits(...))``
overrides them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ckanext.haute_garonne.validation.i18n import N_, _, current_language

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # The archive (checked in its directory, then counted while reading).
    members: int = 10_000  # files in the archive
    member_size: int = 128 * MB  # uncompressed bytes of one file of the archive
    archive_size: int = 256 * MB  # uncompressed bytes read from the archive, in all
    # Deflate compresses 1,000 times at most, and bombs come close; a sheet
    # written by Excel or LibreOffice compresses about 10 times, a sheet of
    # near-identical rows without cell references about 150 times.
    ratio: int = 400  # uncompressed size / compressed size of one file…
    ratio_floor: int = MB  # …once it is larger than this
    # The XML documents inside.
    xml_token: int = MB  # bytes of one tag with its attributes, or one comment
    # The sheet, once its repetitions are expanded.
    rows: int = 1_048_576  # rows up to the last non-empty one
    columns: int = 16_384  # columns up to the last non-empty cell of a row
    cells: int = 10_000_000  # cells of the sheet (up to the last non-empty ones)
    repeated_cells: int = 1_000_000  # non-empty cells made by a repetition (ODS)
    cell_length: int = 100_000  # characters of one cell
    # The table of the texts an XLSX workbook shares between its cells.
    shared_strings: int = 1_000_000  # texts in the table
    shared_text: int = 32 * MB  # characters of all the texts of the table


DEFAULT_LIMITS = Limits()


def number(n: int) -> str:
    """A whole number with its thousands separated, in the current language."""
    text = f"{n:,}"
    if current_language().startswith("fr"):
        return text.replace(",", "\u202f")  # narrow no-break space
    return text


def megabytes(size: int) -> str:
    return number(max(1, round(size / MB)))


def too_large_message(limit: str) -> str:
    """The message of a file that expands past a limit; ``limit`` says which."""
    return _(
        "The file is too large once decompressed ({limit}). It is refused so as "
        "not to overload the portal: check that it is the right table, or save "
        "it in the CSV (UTF-8) format."
    ).format(limit=limit)


def too_slow_message(seconds: float) -> str:
    """The message of a file whose check takes longer than allowed."""
    return _(
        "The file takes too long to analyse (more than {seconds} seconds). Check "
        "that it is the right table, or save it in the CSV (UTF-8) format, which "
        "is checked much faster."
    ).format(seconds=number(int(seconds)))


# What each limit of ``Limits`` says once reached: its value is shown as
# ``{size}`` in megabytes, or as a whole number (``{count}``, ``{ratio}``).
_LIMIT_MESSAGES = {
    "members": N_("more than {count} files in the archive"),
    "member_size": N_("its part “{name}” exceeds {size} MB"),
    "archive_size": N_("its parts exceed {size} MB in all"),
    "ratio": N_("its part “{name}” is compressed more than {ratio} times"),
    "xml_token": N_("an XML tag of more than {size} MB"),
    "rows": N_("more than {count} rows"),
    "columns": N_("line {row} has more than {count} columns"),
    "cells": N_("more than {count} cells"),
    "repeated_cells": N_("more than {count} cells made by repeating rows or cells"),
    "cell_length": N_("a cell of line {row} has more than {count} characters"),
    "shared_string_length": N_("a shared text has more than {count} characters"),
    "shared_strings": N_("more than {count} shared texts"),
    "shared_text": N_("its shared texts exceed {count} characters"),
}
# The limits named otherwise than their field of ``Limits``.
_LIMIT_FIELDS = {"shared_string_length": "cell_length"}


def limit_message(which: str, limits: Limits, *, name: str = "", row: int = 0) -> str:
    """The words of a limit reached, for ``too_large_message``: ``which`` is
    a key of ``_LIMIT_MESSAGES``; ``name`` the part of the archive and
    ``row`` the line, for the messages that name them."""
    message = _LIMIT_MESSAGES[which]
    value = getattr(limits, _LIMIT_FIELDS.get(which, which))
    shown = megabytes(value) if "{size}" in message else number(value)
    return _(message).format(
        name=name, row=number(row), count=shown, size=shown, ratio=shown
    )


def out_of_memory_message() -> str:
    """The message of a file whose check ran out of memory."""
    return too_large_message(_("checking it needs more memory than is available"))


def memory_limit(size: int) -> str:
    return _("checking it needs more than {size} MB of memory").format(
        size=megabytes(size)
    )
