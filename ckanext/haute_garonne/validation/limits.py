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

from ckanext.haute_garonne.validation.i18n import _, current_language

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


def members_limit(limits: Limits) -> str:
    return _("more than {count} files in the archive").format(
        count=number(limits.members)
    )


def member_size_limit(name: str, limits: Limits) -> str:
    return _("its part “{name}” exceeds {size} MB").format(
        name=name, size=megabytes(limits.member_size)
    )


def archive_size_limit(limits: Limits) -> str:
    return _("its parts exceed {size} MB in all").format(
        size=megabytes(limits.archive_size)
    )


def ratio_limit(name: str, limits: Limits) -> str:
    return _("its part “{name}” is compressed more than {ratio} times").format(
        name=name, ratio=number(limits.ratio)
    )


def xml_token_limit(limits: Limits) -> str:
    return _("an XML tag of more than {size} MB").format(
        size=megabytes(limits.xml_token)
    )


def rows_limit(limits: Limits) -> str:
    return _("more than {count} rows").format(count=number(limits.rows))


def columns_limit(row: int, limits: Limits) -> str:
    return _("line {row} has more than {count} columns").format(
        row=number(row), count=number(limits.columns)
    )


def cells_limit(limits: Limits) -> str:
    return _("more than {count} cells").format(count=number(limits.cells))


def repeated_cells_limit(limits: Limits) -> str:
    return _("more than {count} cells made by repeating rows or cells").format(
        count=number(limits.repeated_cells)
    )


def cell_length_limit(row: int, limits: Limits) -> str:
    return _("a cell of line {row} has more than {count} characters").format(
        row=number(row), count=number(limits.cell_length)
    )


def shared_string_length_limit(limits: Limits) -> str:
    return _("a shared text has more than {count} characters").format(
        count=number(limits.cell_length)
    )


def shared_strings_limit(limits: Limits) -> str:
    return _("more than {count} shared texts").format(
        count=number(limits.shared_strings)
    )


def shared_text_limit(limits: Limits) -> str:
    return _("its shared texts exceed {count} characters").format(
        count=number(limits.shared_text)
    )


def out_of_memory_message() -> str:
    """The message of a file whose check ran out of memory."""
    return too_large_message(_("checking it needs more memory than is available"))


def memory_limit(size: int) -> str:
    return _("checking it needs more than {size} MB of memory").format(
        size=megabytes(size)
    )
