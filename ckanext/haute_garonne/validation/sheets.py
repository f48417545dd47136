"""Streaming the first sheet of an XLSX or ODS workbook, within limits.

Pure module: no CKAN import. Both formats are ZIP archives of XML
documents; ``read.Archive`` reads their parts within the limits of their
sizes, and this module parses them:

- with expat, hardened the way defusedxml hardens it: a document that holds
  a document type declaration (DTD) is refused, so that no entity can be
  declared, expanded ("billion laughs") or fetched from outside (XXE); and
  no tag, with its attributes, may be longer than ``Limits.xml_token``;
- by event handlers that keep only the current row (and, for an XLSX, the
  table of the texts its cells share, whose size is bounded), and hand rows
  over after each 4 kB of XML;
- counting, while rows are read, what the sheet expands to once its
  repetitions are applied (``Limits``: rows, columns, cells, cells made by
  repetition, characters of a cell), and stopping at the first limit with
  ``read.TooLarge``.

Empty rows and cells are never expanded: a LibreOffice sheet ends with a
million "repeated" empty rows, an Excel sheet with formatted empty rows; they
are counted, dropped at the end of the sheet, and kept as blank rows only
when data follows.

Cells read as the text a CSV export would hold (``read.cell_text``): numbers
without a useless ".0", dates in ISO 8601 when their number format is a date
(XLSX), the value of a formula as last computed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from ckanext.haute_garonne.validation.i18n import _
from ckanext.haute_garonne.validation.limits import (
    DEFAULT_LIMITS,
    Limits,
    limit_message,
)
from ckanext.haute_garonne.validation.read import (
    ZIP_ERRORS,
    Archive,
    Opened,
    TooLarge,
    UnreadableFile,
    _unreadable,
    cell_text,
    number_text,
)

# Rows handed over: (cells, how many times the row is repeated). A row has
# no trailing empty cell; an empty row is [].
Rows = Iterator[tuple[list[str], int]]

# What a damaged document raises besides ZIP_ERRORS (a value that is not a
# number where one is expected, a shared text that does not exist…).
XML_ERRORS = (expat.ExpatError, ValueError, IndexError, KeyError, TypeError)

_QUOTED = 40  # characters of a wrong attribute value shown in a message
_FEED_SIZE = 4096  # bytes of XML parsed before the rows they hold are handed over


class _Stop(Exception):
    """Raised by a handler once the part it needs is read."""


@dataclass
class _Count:
    rows: int = 0  # rows handed over, blank rows before data included
    cells: int = 0
    repeated: int = 0  # non-empty cells made by a repetition


# Hardened XML ---------------------------------------------------------------


def _forbidden(*_args: Any) -> None:
    raise UnreadableFile(
        _(
            "The workbook contains a document type declaration (DTD, XML "
            "entities), which spreadsheet software never writes: it is refused "
            "for security reasons. Open it in your spreadsheet and save it again."
        )
    )


def _parser() -> expat.XMLParserType:
    """An expat parser that refuses DTDs and entities, with namespaces
    ("uri local" names) and buffered text."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbidden
    parser.EntityDeclHandler = _forbidden
    parser.UnparsedEntityDeclHandler = _forbidden
    parser.ExternalEntityRefHandler = _forbidden  # type: ignore[assignment]
    return parser


def _parse(
    archive: Archive,
    name: str,
    parser: expat.XMLParserType,
    out: list[tuple[list[str], int]] | None = None,
) -> Rows:
    """Feed a part of the archive to ``parser``; yield the rows its handlers
    put in ``out`` after each chunk. A handler raises ``_Stop`` to end."""
    limit = archive.limits.xml_token
    fed = 0
    try:
        for chunk in archive.chunks(name):
            # Fed in small pieces: a few bytes of XML can make a wide row
            # (a cell in column XFD), and rows wait in ``out`` meanwhile.
            for start in range(0, len(chunk), _FEED_SIZE):
                piece = chunk[start : start + _FEED_SIZE]
                parser.Parse(piece, False)
                fed += len(piece)
                if out:
                    yield from out
                    out.clear()
            # The position of the last event: far behind what was fed, expat
            # is buffering a huge tag, attribute or comment.
            if fed - parser.CurrentByteIndex > limit:
                raise TooLarge(limit_message("xml_token", archive.limits))
        parser.Parse(b"", True)
    except _Stop:
        pass
    if out:
        yield from out
        out.clear()


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _elements(archive: Archive, name: str, wanted: set[str]) -> list[tuple[str, dict]]:
    """The (local name, attributes) of the elements of a small part."""
    found: list[tuple[str, dict]] = []

    def start(tag: str, attributes: dict) -> None:
        local = _local(tag)
        if local in wanted:
            found.append((local, attributes))

    parser = _parser()
    parser.StartElementHandler = start
    for _row in _parse(archive, name, parser):
        pass
    return found


def _attribute(attributes: dict, local: str) -> str | None:
    """An attribute by its local name, whatever its namespace."""
    value = attributes.get(local)
    if value is not None:
        return value
    for key, value in attributes.items():
        if _local(key) == local:
            return value
    return None


def _quoted(value: str) -> str:
    if len(value) > _QUOTED:
        value = value[:_QUOTED] + "…"
    return f"“{value}”"


# Expanding the rows -----------------------------------------------------------


def _expand(rows: Rows, limits: Limits, count: _Count) -> Iterator[list[str]]:
    """The rows, repetitions applied and trailing empty rows dropped, within
    the limits of rows, cells and repeated cells."""
    pending = 0  # empty rows not yet known to be followed by data
    for cells, repeat in rows:
        if not cells:
            pending += repeat
            continue
        count.rows += pending + repeat
        if count.rows > limits.rows:
            raise TooLarge(limit_message("rows", limits))
        width = len(cells)
        count.cells += width * repeat
        if count.cells > limits.cells:
            raise TooLarge(limit_message("cells", limits))
        if repeat > 1:
            count.repeated += width * (repeat - 1)
            if count.repeated > limits.repeated_cells:
                raise TooLarge(limit_message("repeated_cells", limits))
        while pending:
            pending -= 1
            yield []
        yield cells
        for _copy in range(repeat - 1):
            yield list(cells)


# XLSX -------------------------------------------------------------------------

_REL_WORKSHEET = "/worksheet"
_REL_SHARED_STRINGS = "/sharedStrings"
_REL_STYLES = "/styles"
_REL_OFFICE_DOCUMENT = "/officeDocument"


@dataclass
class _Book:
    sheet: str  # path of the first worksheet in the archive
    strings: str | None  # path of the shared strings table
    styles: str | None
    epoch: Any  # openpyxl's WINDOWS_EPOCH or MAC_EPOCH


def _xlsx_damaged() -> UnreadableFile:
    return _unreadable(
        _("The XLSX workbook is damaged or of an unexpected type and cannot be opened.")
    )


def _relationships(archive: Archive, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of a part of the archive ("" for the archive
    itself): their type and the path of their target, by identifier."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if not archive.has(rels):
        return {}
    found = {}
    for _name, attributes in _elements(archive, rels, {"Relationship"}):
        if attributes.get("TargetMode") == "External":
            continue
        target = attributes.get("Target") or ""
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        found[attributes.get("Id") or ""] = (attributes.get("Type") or "", path)
    return found


def _target(relationships: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((p for k, p in relationships.values() if k.endswith(kind)), None)


def _workbook(archive: Archive) -> _Book:
    """Where the parts of the workbook are, and its calendar."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    workbook = (
        _target(_relationships(archive, ""), _REL_OFFICE_DOCUMENT) or "xl/workbook.xml"
    )
    relationships = _relationships(archive, workbook)
    epoch = CALENDAR_WINDOWS_1900
    sheets: list[str] = []
    others = 0  # chart sheets, dialog sheets…
    for local, attributes in _elements(archive, workbook, {"sheet", "workbookPr"}):
        if local == "workbookPr":
            if attributes.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
            continue
        kind, path = relationships.get(_attribute(attributes, "id") or "", ("", ""))
        if kind.endswith(_REL_WORKSHEET):
            sheets.append(path)
        else:
            others += 1
    if not sheets:
        if others:
            raise UnreadableFile(
                _("The first sheet of the workbook is a chart, not a table.")
            )
        raise UnreadableFile(_("The workbook contains no sheet."))
    strings = _target(relationships, _REL_SHARED_STRINGS)
    if strings is None and archive.has("xl/sharedStrings.xml"):
        strings = "xl/sharedStrings.xml"
    styles = _target(relationships, _REL_STYLES)
    return _Book(
        sheets[0],
        strings if strings and archive.has(strings) else None,
        styles if styles and archive.has(styles) else None,
        epoch,
    )


def _date_styles(archive: Archive, name: str) -> tuple[set[str], set[str]]:
    """The indexes (as written in a cell's ``s``) of the cell styles whose
    number format is a date, and of those that are a duration."""
    from openpyxl.styles.numbers import (
        BUILTIN_FORMATS,
        is_date_format,
        is_timedelta_format,
    )

    custom: dict[str, str] = {}
    formats: list[str] = []  # numFmtId of each style of cellXfs, in order
    in_cell_styles = False

    def start(tag: str, attributes: dict) -> None:
        nonlocal in_cell_styles
        local = _local(tag)
        if local == "numFmt":
            custom[attributes.get("numFmtId", "")] = attributes.get("formatCode", "")
        elif local == "cellXfs":
            in_cell_styles = True
        elif local == "xf" and in_cell_styles:
            formats.append(attributes.get("numFmtId", "0"))

    def end(tag: str) -> None:
        nonlocal in_cell_styles
        if _local(tag) == "cellXfs":
            in_cell_styles = False

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    for _row in _parse(archive, name, parser):
        pass
    dates, durations = set(), set()
    for index, format_id in enumerate(formats):
        code = custom.get(format_id)
        if code is None:
            try:
                code = BUILTIN_FORMATS.get(int(format_id))
            except ValueError:
                code = None
        if code and is_date_format(code):
            dates.add(str(index))
            if is_timedelta_format(code):
                durations.add(str(index))
    return dates, durations


def _shared_strings(archive: Archive, name: str, limits: Limits) -> list[str]:
    """The table of the texts shared by the cells, within its limits."""
    strings: list[str] = []
    parts: list[str] = []
    collecting = False
    phonetic = 0  # inside <rPh>: a reading guide, not the text
    length = 0  # characters of the current text
    total = 0  # characters of all the texts
    si = t = rph = ""

    def root(tag: str, attributes: dict) -> None:
        nonlocal si, t, rph
        namespace = tag[: -len(_local(tag))]
        si, t, rph = namespace + "si", namespace + "t", namespace + "rPh"
        parser.StartElementHandler = start

    def start(tag: str, attributes: dict) -> None:
        nonlocal collecting, phonetic, length
        if tag == t:
            collecting = not phonetic
        elif tag == si:
            parts.clear()
            length = 0
        elif tag == rph:
            phonetic += 1

    def data(text: str) -> None:
        nonlocal length, total
        if collecting:
            parts.append(text)
            length += len(text)
            total += len(text)
            if length > limits.cell_length:
                raise TooLarge(limit_message("shared_string_length", limits))
            if total > limits.shared_text:
                raise TooLarge(limit_message("shared_text", limits))

    def end(tag: str) -> None:
        nonlocal collecting, phonetic
        if tag == t:
            collecting = False
        elif tag == si:
            strings.append("".join(parts).replace("x005F_", ""))
            if len(strings) > limits.shared_strings:
                raise TooLarge(limit_message("shared_strings", limits))
        elif tag == rph:
            phonetic -= 1

    parser = _parser()
    parser.StartElementHandler = root
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    for _row in _parse(archive, name, parser):
        pass
    return strings


_COLUMNS: dict[str, int] = {}  # column letters -> number (1 for A)
_DIGITS = "0123456789"


def _column_number(letters: str) -> int:
    number = _COLUMNS.get(letters)
    if number is None:
        number = 0
        for char in letters[:4].upper():
            number = number * 26 + ord(char) - 64
        if len(letters) > 4 or not letters.isalpha() or not letters.isascii():
            number = 1 << 30  # beyond any sheet: refused if the cell has a value
        elif len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = number
    return number


def _number(text: str) -> str:
    """A number cell as openpyxl reads it (int or float), as text."""
    try:
        if "." in text or "e" in text or "E" in text:
            return number_text(float(text))
        return str(int(text))
    except ValueError:  # not a number, or more than 4300 digits
        return text


def _xlsx_sheet(
    archive: Archive,
    name: str,
    strings: list[str],
    dates: set[str],
    durations: set[str],
    epoch: Any,
    limits: Limits,
    count: _Count,
) -> Rows:
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    out: list[tuple[list[str], int]] = []
    cells: list[str] = []
    text = ""  # of the current cell
    row_number = 0  # number of the current row (1 for the first)
    column = 0  # number of the last cell read in the row
    cell_type = "n"
    style: str | None = None
    collecting = False
    inline = False  # inside <is>, an inline string
    phonetic = 0
    max_columns = limits.columns
    max_length = limits.cell_length
    columns = _COLUMNS
    tag_c = tag_v = tag_row = tag_is = tag_t = tag_rph = tag_data = ""

    def root(tag: str, attributes: dict) -> None:
        nonlocal tag_c, tag_v, tag_row, tag_is, tag_t, tag_rph, tag_data
        namespace = tag[: -len(_local(tag))]
        tag_c, tag_v, tag_row = namespace + "c", namespace + "v", namespace + "row"
        tag_is, tag_t, tag_rph = namespace + "is", namespace + "t", namespace + "rPh"
        tag_data = namespace + "sheetData"
        parser.StartElementHandler = start

    def start(tag: str, attributes: dict) -> None:
        nonlocal column, cell_type, style, collecting, inline, phonetic, text
        nonlocal row_number, cells
        if tag == tag_c:
            ref = attributes.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                column = columns.get(letters) or _column_number(letters)
            else:
                column += 1
            cell_type = attributes.get("t", "n")
            style = attributes.get("s")
            text = ""
        elif tag == tag_v:
            collecting = cell_type != "inlineStr"
        elif tag == tag_row:
            ref = attributes.get("r")
            number = row_number + 1
            if ref is not None:
                if not (ref.isascii() and ref.isdigit()) or int(ref[:12]) < 1:
                    raise _unreadable(
                        _(
                            "The XLSX workbook is damaged: a row has the number "
                            "{value}, where a whole number is expected."
                        ).format(value=_quoted(ref))
                    )
                number = max(number, int(ref[:12]))
            if number > row_number + 1:
                out.append(([], number - row_number - 1))  # rows left out
            row_number = number
            cells = []
            column = 0
        elif tag == tag_t:
            collecting = inline and not phonetic
        elif tag == tag_is:
            inline = True
        elif tag == tag_rph:
            phonetic += 1

    def data(data: str) -> None:
        nonlocal text
        if collecting:
            text += data
            if len(text) > max_length:
                raise TooLarge(limit_message("cell_length", limits, row=row_number))

    def value(kind: str, text: str) -> str:
        """The value of a cell of a rarer kind than a number or a shared text."""
        if kind == "n":  # a date or a duration
            try:
                number = (
                    float(text) if "." in text or "e" in text.lower() else int(text)
                )
                return cell_text(
                    from_excel(number, epoch, timedelta=style in durations)
                )
            except (OverflowError, ValueError):
                return "#VALUE!"
        if kind == "b":
            return "true" if int(text) else "false"
        if kind == "d":
            try:
                return cell_text(from_ISO8601(text))
            except (ValueError, TypeError):
                return text
        return text  # inlineStr, str (the text result of a formula), e (#N/A…)

    def end(tag: str) -> None:
        nonlocal collecting, inline, phonetic
        if tag == tag_c:
            if not text:
                return
            kind = cell_type
            if kind == "s":
                found = strings[int(text)]
                if not found:
                    return
            elif kind == "n" and style not in dates:
                found = _number(text)
            else:
                found = value(kind, text)
                if not found:
                    return
            width = len(cells)
            if column > width:
                if column > max_columns:
                    raise TooLarge(limit_message("columns", limits, row=row_number))
                if column > width + 1:
                    cells.extend([""] * (column - width - 1))
                cells.append(found)
            else:
                cells[column - 1] = found
        elif tag in (tag_v, tag_t):
            collecting = False
        elif tag == tag_row:
            out.append((cells, 1))
        elif tag == tag_is:
            inline = False
        elif tag == tag_rph:
            phonetic -= 1
        elif tag == tag_data:
            raise _Stop

    parser = _parser()
    parser.StartElementHandler = root
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    yield from _parse(archive, name, parser, out)


def xlsx_rows(opened: Opened, limits: Limits = DEFAULT_LIMITS) -> Iterator[list[str]]:
    """The rows of the first worksheet of an XLSX workbook, as lists of text."""
    try:
        archive = Archive(opened, limits)
    except ZIP_ERRORS:
        raise _xlsx_damaged() from None
    try:
        try:
            book = _workbook(archive)
            strings = (
                _shared_strings(archive, book.strings, limits) if book.strings else []
            )
            dates, durations = (
                _date_styles(archive, book.styles) if book.styles else (set(), set())
            )
        except UnreadableFile:
            raise
        except XML_ERRORS + ZIP_ERRORS:
            raise _xlsx_damaged() from None
        count = _Count()
        rows = _xlsx_sheet(
            archive, book.sheet, strings, dates, durations, book.epoch, limits, count
        )
        try:
            yield from _expand(rows, limits, count)
        except UnreadableFile:
            raise
        except XML_ERRORS + ZIP_ERRORS:
            raise _unreadable(
                _(
                    "The XLSX workbook is damaged: its first sheet cannot be "
                    "read to the end."
                )
            ) from None
    finally:
        archive.close()


# ODS --------------------------------------------------------------------------

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_T_TABLE = _NS_TABLE + "table"
_T_ROW = _NS_TABLE + "table-row"
_T_CELL = _NS_TABLE + "table-cell"
_T_COVERED = _NS_TABLE + "covered-table-cell"
_A_ROWS_REPEATED = _NS_TABLE + "number-rows-repeated"
_A_COLS_REPEATED = _NS_TABLE + "number-columns-repeated"
_A_VALUE_TYPE = _NS_OFFICE + "value-type"
_A_VALUE = _NS_OFFICE + "value"
_A_DATE = _NS_OFFICE + "date-value"
_A_TIME = _NS_OFFICE + "time-value"
_A_BOOLEAN = _NS_OFFICE + "boolean-value"
_O_ANNOTATION = _NS_OFFICE + "annotation"
_TX_P = _NS_TEXT + "p"
_TX_S = _NS_TEXT + "s"
_TX_TAB = _NS_TEXT + "tab"
_TX_BREAK = _NS_TEXT + "line-break"
_A_C = _NS_TEXT + "c"
_NUMBERS = ("float", "percentage", "currency")
_DURATION = re.compile(r"^-?PT?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$")
_ATTRIBUTE_NAMES = {
    _A_ROWS_REPEATED: "table:number-rows-repeated",
    _A_COLS_REPEATED: "table:number-columns-repeated",
    _A_C: "text:c",
}


def _repeat(attributes: dict, name: str, row: int) -> int:
    """A repetition (or a number of spaces): a whole number of at least 1."""
    raw = attributes.get(name)
    if raw is None:
        return 1
    if raw.isascii() and raw.isdigit():
        if len(raw) > 15:
            return 10**15  # beyond any limit, and cheap to count with
        number = int(raw)
        if number >= 1:
            return number
    raise _unreadable(
        _(
            "The ODS workbook is damaged: on line {row}, the attribute "
            "{attribute} is {value}, where a whole number of at least 1 is "
            "expected."
        ).format(
            row=row, attribute=_ATTRIBUTE_NAMES.get(name, name), value=_quoted(raw)
        )
    )


def _ods_value(kind: str | None, attributes: dict) -> str | None:
    """The value of a cell from its attributes; None for a text cell."""
    if kind in _NUMBERS:
        raw = attributes.get(_A_VALUE, "")
        try:
            return number_text(float(raw))
        except ValueError:
            return raw
    if kind == "date":
        raw = attributes.get(_A_DATE, "")
        if raw.endswith("T00:00:00"):
            raw = raw[:10]
        return raw
    if kind == "time":
        return _duration(attributes.get(_A_TIME, ""))
    if kind == "boolean":
        return attributes.get(_A_BOOLEAN, "")
    return None


def _duration(raw: str) -> str:
    """An ODS time value (PT13H30M00S) as 13:30:00."""
    match = _DURATION.match(raw)
    if not match:
        return raw
    try:
        h, m, s = (float(g) if g else 0 for g in match.groups())
    except ValueError:
        return raw
    return f"{int(h):02d}:{int(m):02d}:{int(s):02d}"


def _ods_sheet(archive: Archive, limits: Limits, count: _Count) -> Rows:
    out: list[tuple[list[str], int]] = []
    cells: list[str] = []
    parts: list[str] = []
    depth = 0  # nesting of tables: 1 in the first table, more in a sub-table
    in_row = False
    row_repeat = 1
    row_number = 0  # rows before the current one, repetitions applied
    pending = 0  # empty cells not yet known to be followed by a value
    in_cell = False
    cell_repeat = 1
    cell_value: str | None = None  # from the attributes; None: its text
    paragraphs = 0
    in_paragraph = 0
    annotation = 0  # inside a comment: not part of the value
    length = 0
    max_columns = limits.columns
    max_length = limits.cell_length

    def add_text(text: str) -> None:
        nonlocal length
        length += len(text)
        if length > max_length:
            raise TooLarge(limit_message("cell_length", limits, row=row_number + 1))
        parts.append(text)

    def start(tag: str, attributes: dict) -> None:
        nonlocal depth, in_row, row_repeat, pending, in_cell, cell_repeat
        nonlocal cell_value, paragraphs, in_paragraph, annotation, length, cells
        if tag in (_T_CELL, _T_COVERED):
            if not in_row or depth != 1:
                return
            in_cell = True
            cell_repeat = _repeat(attributes, _A_COLS_REPEATED, row_number + 1)
            cell_value = _ods_value(attributes.get(_A_VALUE_TYPE), attributes)
            parts.clear()
            paragraphs = in_paragraph = length = 0
        elif tag == _TX_P:
            if in_cell and cell_value is None and not annotation and depth == 1:
                if paragraphs:
                    add_text("\n")
                paragraphs += 1
                in_paragraph += 1
        elif in_paragraph and not annotation:
            if tag == _TX_S:
                spaces = _repeat(attributes, _A_C, row_number + 1)
                if length + spaces > max_length:
                    raise TooLarge(
                        limit_message("cell_length", limits, row=row_number + 1)
                    )
                add_text(" " * spaces)
            elif tag == _TX_TAB:
                add_text("\t")
            elif tag == _TX_BREAK:
                add_text("\n")
            elif tag == _O_ANNOTATION:
                annotation += 1
        elif tag == _T_ROW:
            if depth == 1:
                in_row = True
                row_repeat = _repeat(attributes, _A_ROWS_REPEATED, row_number + 1)
                cells = []
                pending = 0
        elif tag == _O_ANNOTATION:
            annotation += 1
        elif tag == _T_TABLE:
            depth += 1

    def data(text: str) -> None:
        if in_paragraph and not annotation:
            add_text(text)

    def end(tag: str) -> None:
        nonlocal depth, in_row, row_number, pending, in_cell, in_paragraph
        nonlocal annotation
        if tag in (_T_CELL, _T_COVERED):
            if not in_cell or depth != 1:
                return
            in_cell = False
            value = cell_value if cell_value is not None else "".join(parts)
            if not value:
                pending += cell_repeat
                return
            width = len(cells) + pending + cell_repeat
            if width > max_columns:
                raise TooLarge(limit_message("columns", limits, row=row_number + 1))
            if pending:
                cells.extend([""] * pending)
                pending = 0
            if cell_repeat == 1:
                cells.append(value)
            else:
                cells.extend([value] * cell_repeat)
                count.repeated += cell_repeat - 1
                if count.repeated > limits.repeated_cells:
                    raise TooLarge(limit_message("repeated_cells", limits))
        elif tag == _TX_P:
            if in_paragraph:
                in_paragraph -= 1
        elif tag == _O_ANNOTATION:
            annotation -= 1
        elif tag == _T_ROW:
            if in_row and depth == 1:
                in_row = False
                out.append((cells, row_repeat))
                row_number += row_repeat
        elif tag == _T_TABLE:
            depth -= 1
            if depth == 0:
                raise _Stop  # the first table is read: the others are not

    parser = _parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    yield from _parse(archive, "content.xml", parser, out)


def ods_rows(opened: Opened, limits: Limits = DEFAULT_LIMITS) -> Iterator[list[str]]:
    """The rows of the first sheet of an OpenDocument spreadsheet."""
    try:
        archive = Archive(opened, limits)
        if not archive.has("content.xml"):
            raise KeyError("content.xml")
    except UnreadableFile:
        raise
    except ZIP_ERRORS:
        raise _unreadable(
            _("The ODS workbook is damaged and cannot be opened.")
        ) from None
    try:
        count = _Count()
        try:
            yield from _expand(_ods_sheet(archive, limits, count), limits, count)
        except UnreadableFile:
            raise
        except XML_ERRORS + ZIP_ERRORS:
            raise _unreadable(
                _("The ODS workbook is damaged: its content cannot be read.")
            ) from None
    finally:
        archive.close()
