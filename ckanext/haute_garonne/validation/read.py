"""Reading uploaded files: source, format, encoding, separator and rows.

Pure module: no CKAN import. Everything streams:

- a CSV is decoded incrementally (``io.TextIOWrapper``) and parsed by
  ``csv.reader`` one record at a time;
- an XLSX or ODS workbook is a ZIP archive, opened with ``Archive``, which
  reads it within ``limits.Limits`` (number of files, uncompressed sizes,
  compression ratios); its first sheet is streamed by ``sheets.py``, which
  bounds what it may expand to (rows, cells, repetitions, cell lengths);
- a JSON document is the exception: it is parsed whole (``json.load``), as
  jsonschema needs the document in memory.

A source that cannot be seeked (a network stream…) is first copied to a
spooled temporary file (in memory up to 8 MB, on disk beyond), because the
format and encoding are sniffed from the first bytes and a CSV may have to
be read twice (see ``UTF8_FALLBACK``).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from ckanext.haute_garonne.validation.i18n import N_, _
from ckanext.haute_garonne.validation.limits import (
    DEFAULT_LIMITS,
    Limits,
    limit_message,
    too_large_message,
)

HEAD_SIZE = 64 * 1024
SPOOL_SIZE = 8 * 1024 * 1024
# csv.reader refuses fields longer than 128 kB by default; a real cell is far
# shorter, but an unclosed quote swallows the rest of the file into one field.
FIELD_SIZE_LIMIT = 10 * 1024 * 1024

# The encoding used when a file is not UTF-8: Windows-1252, the "ANSI" of
# French Windows and Excel. Its five undefined bytes are read as Latin-1.
WINDOWS_1252 = "cp1252"
_FALLBACK_ERRORS = "hg-latin1-fallback"

DELIMITERS = (",", ";", "\t")

ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": N_("UTF-8 with BOM"),
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32": "UTF-32",
}
DELIMITER_LABELS = {
    ",": N_("a comma (,)"),
    ";": N_("a semicolon (;)"),
    "\t": N_("a tab"),
}


def encoding_label(codec: str, default: str | None = None) -> str:
    """The name of an encoding for a message, in the current language."""
    label = ENCODING_LABELS.get(codec)
    return _(label) if label else (default or codec)


def delimiter_label(delimiter: str, default: str | None = None) -> str:
    """A separator in words ("a comma (,)"), in the current language."""
    label = DELIMITER_LABELS.get(delimiter)
    return _(label) if label else (default or delimiter)


XLSX_MIME = "application/vnd.openxmlformats-officedocument"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return bytes(error.object[error.start : error.end]).decode("latin-1"), error.end


codecs.register_error(_FALLBACK_ERRORS, _latin1_fallback)
csv.field_size_limit(FIELD_SIZE_LIMIT)


class UnreadableFile(Exception):
    """The file cannot be read as data; ``str(exc)`` is the message for the
    publisher, in the language of the validation."""


class TooLarge(UnreadableFile):
    """The file expands past one of the ``limits.Limits`` once decompressed;
    ``limit`` says which, in words (``limits.limit_message("rows", …)``…)."""

    def __init__(self, limit: str) -> None:
        super().__init__(too_large_message(limit))


# Sources ------------------------------------------------------------------


@dataclass
class Opened:
    stream: BinaryIO
    start: int  # offset of the first byte of the file in the stream
    name: str | None  # a file name, to help tell formats apart


@contextmanager
def open_source(source: Any, filename: str | None = None) -> Iterator[Opened]:
    """A seekable binary stream on ``source`` (path, bytes or file object)."""
    with ExitStack() as stack:
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            try:
                stream = stack.enter_context(path.open("rb"))
            except FileNotFoundError:
                raise UnreadableFile(
                    _("The file “{name}” cannot be found.").format(name=path.name)
                ) from None
            except IsADirectoryError:
                raise UnreadableFile(
                    _("“{name}” is a folder, not a file.").format(name=path.name)
                ) from None
            except OSError as exc:
                raise UnreadableFile(
                    _("The file “{name}” cannot be opened ({reason}).").format(
                        name=path.name, reason=exc.strerror
                    )
                ) from None
            yield Opened(stream, 0, filename or path.name)
            return
        if isinstance(source, (bytes, bytearray, memoryview)):
            yield Opened(io.BytesIO(bytes(source)), 0, filename)
            return
        if not hasattr(source, "read"):
            raise UnreadableFile(_("No file was sent."))
        name = filename or _stream_name(source)
        text = isinstance(source, io.TextIOBase)
        if not text and _seekable(source):
            yield Opened(source, source.tell(), name)
            return
        spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE))
        while chunk := source.read(1024 * 1024):
            spool.write(chunk.encode("utf-8") if text else chunk)
        spool.seek(0)
        yield Opened(spool, 0, name)  # type: ignore[arg-type]


def _seekable(source: Any) -> bool:
    try:
        return bool(source.seekable()) and source.tell() is not None
    except (AttributeError, OSError, ValueError):
        return False


def _stream_name(source: Any) -> str | None:
    name = getattr(source, "name", None)
    if isinstance(name, str):
        return os.path.basename(name)
    return None


def read_head(opened: Opened, size: int = HEAD_SIZE) -> bytes:
    opened.stream.seek(opened.start)
    head = opened.stream.read(size)
    opened.stream.seek(opened.start)
    return head or b""


# Formats ------------------------------------------------------------------

_MAGIC_UNSUPPORTED = (
    (b"%PDF", N_("a PDF document")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"\x1f\x8b", N_("a compressed archive (gzip)")),
    (b"7z\xbc\xaf", N_("a compressed archive (7-Zip)")),
    (b"Rar!", N_("a compressed archive (RAR)")),
    (b"{\\rtf", N_("an RTF document (word processing)")),
)
_HTML = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<!--)", re.IGNORECASE)
_UTF16_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)

# The advice that ends the messages of the files that are not a table.
EXPECTED_TABLE = N_(
    "Save the table in the CSV (UTF-8), XLSX or ODS format, then upload it again."
)


def _unreadable(message: str) -> UnreadableFile:
    """A message about a file that is not a table, followed by the advice."""
    return UnreadableFile(f"{message} {_(EXPECTED_TABLE)}")


def _binary_message() -> str:
    return _(
        "The file contains unreadable binary data: it is neither a text file "
        "nor a workbook."
    )


def sniff_format(opened: Opened, head: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """ "csv", "xlsx", "ods" or "json"; UnreadableFile for anything else."""
    if not head.strip(b" \t\r\n\x00\x0b\x0c" + codecs.BOM_UTF8):
        raise UnreadableFile(_("The file is empty: it contains no data."))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(opened, limits)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in head or _ole_encrypted(opened):
            raise UnreadableFile(
                _(
                    "The workbook is protected by a password (encrypted): it cannot "
                    "be read. Open it in your spreadsheet, remove the password "
                    "(File > Info > Protect Workbook) and save it as XLSX or CSV "
                    "UTF-8."
                )
            )
        raise UnreadableFile(
            _(
                "The file is an Excel workbook in the former .xls format (Excel "
                "97-2003), which is not accepted. Open it in your spreadsheet and "
                "save it in the XLSX or CSV UTF-8 format."
            )
        )
    for magic, what in _MAGIC_UNSUPPORTED:
        if head.startswith(magic):
            raise _unreadable(
                _("The file is {what}, not a data table.").format(what=_(what))
            )
    if head.startswith(_UTF16_BOMS) or _looks_utf16(head):
        text = head.decode(detect_encoding(head, True), errors="replace")
    else:
        if b"\x00" in head:
            raise _unreadable(_binary_message())
        text = head.decode("utf-8", errors="replace")
        if _binary_ratio(text) > 0.1:
            raise _unreadable(_binary_message())
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return "json"
    if (opened.name or "").lower().endswith(".json"):
        raise UnreadableFile(
            _(
                "The file has the .json extension but its content is not a JSON "
                "document (it should start with “{”). Export it again from your "
                "software."
            )
        )
    if _HTML.match(stripped):
        raise _unreadable(
            _(
                "The file is a web page (HTML), not a data table: the link probably "
                "points to the page that presents the file rather than to the file "
                "itself."
            )
        )
    if stripped.startswith("<?xml") or stripped.startswith("<"):
        raise UnreadableFile(
            _(
                "The file is an XML document, which is not accepted here. Publish "
                "the data in the CSV (UTF-8), XLSX or ODS format (or JSON for the "
                "essential data of public contracts)."
            )
        )
    return "csv"


def _binary_ratio(text: str) -> float:
    sample = text[:4096]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if (c < " " and c not in "\t\r\n\x0c") or c == "\ufffd")
    return bad / len(sample)


def _looks_utf16(head: bytes) -> bool:
    sample = head[:2048]
    if len(sample) < 4:
        return False
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    return (odd > 0.4 * half and even < 0.05 * half) or (
        even > 0.4 * half and odd < 0.05 * half
    )


def _ole_encrypted(opened: Opened) -> bool:
    opened.stream.seek(opened.start)
    data = opened.stream.read(4 * 1024 * 1024)
    opened.stream.seek(opened.start)
    return "EncryptedPackage".encode("utf-16-le") in data


# What a damaged archive raises when it is read: zipfile's own errors, zlib's
# for a corrupt compressed stream, NotImplementedError for an unknown method.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
    KeyError,
    EOFError,
    struct.error,
)


def _damaged_zip() -> UnreadableFile:
    return _unreadable(
        _(
            "The file looks like a ZIP archive or an XLSX workbook, but it is "
            "damaged or incomplete and cannot be opened."
        )
    )


def _sniff_zip(opened: Opened, limits: Limits) -> str:
    try:
        with Archive(opened, limits) as archive:
            names = set(archive.names())
            if "mimetype" in names:
                mime = archive.read("mimetype", 256).strip()
                if mime == ODS_MIME:
                    return "ods"
                if mime.startswith(b"application/vnd.oasis.opendocument"):
                    raise _unreadable(
                        _(
                            "The file is an OpenDocument document that is not a "
                            "spreadsheet (text, presentation…)."
                        )
                    )
            if "[Content_Types].xml" in names:
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
                raise _unreadable(
                    _(
                        "The file is an Office document that is not a workbook "
                        "(Word, PowerPoint…)."
                    )
                )
    except UnreadableFile:
        raise
    except ZIP_ERRORS:
        raise _damaged_zip() from None
    raise UnreadableFile(
        _(
            "The file is a ZIP archive, not a table: unzip it and upload the data "
            "file it contains (CSV, XLSX, ODS or JSON)."
        )
    )


# Archives -------------------------------------------------------------------

READ_SIZE = 64 * 1024
_EOCD = b"PK\x05\x06"  # end of central directory
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
# The largest directory entry we expect on average: its fixed part, a long
# path and the extra fields of ZIP64.
_ENTRY_SIZE = 1024


class Archive:
    """A ZIP archive (an XLSX or ODS workbook) read within ``limits``.

    Before ``zipfile`` loads the directory, its size and number of files are
    read from its end record; before a file is opened, the sizes the
    directory declares; while it is read, the bytes really decompressed (the
    directory may lie). Only the two methods of workbooks are read (stored,
    deflated): they decompress a bounded amount per read. Any limit reached
    raises ``TooLarge``; a damaged archive raises one of ``ZIP_ERRORS``.
    """

    def __init__(self, opened: Opened, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.read_total = 0  # uncompressed bytes read from the archive
        _check_directory(opened, limits)
        self.zip = zipfile.ZipFile(_Window(opened))
        if len(self.zip.infolist()) > limits.members:
            self.zip.close()
            raise TooLarge(limit_message("members", limits))

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()

    def names(self) -> list[str]:
        return self.zip.namelist()

    def has(self, name: str) -> bool:
        try:
            self.zip.getinfo(name)
        except KeyError:
            return False
        return True

    def _checked(self, name: str) -> zipfile.ZipInfo:
        info = self.zip.getinfo(name)
        limits = self.limits
        if info.flag_bits & 0x1:
            raise zipfile.BadZipFile(f"{name} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise NotImplementedError(f"{name}: compression {info.compress_type}")
        if info.file_size > limits.member_size:
            raise TooLarge(limit_message("member_size", limits, name=name))
        if self.read_total + info.file_size > limits.archive_size:
            raise TooLarge(limit_message("archive_size", limits))
        if _over_ratio(info.file_size, info.compress_size, limits):
            raise TooLarge(limit_message("ratio", limits, name=name))
        return info

    def chunks(self, name: str) -> Iterator[bytes]:
        """The uncompressed bytes of a file of the archive, counted."""
        info = self._checked(name)
        limits = self.limits
        size = 0
        with self.zip.open(info) as stream:
            while chunk := stream.read(READ_SIZE):
                size += len(chunk)
                self.read_total += len(chunk)
                if size > limits.member_size:
                    raise TooLarge(limit_message("member_size", limits, name=name))
                if self.read_total > limits.archive_size:
                    raise TooLarge(limit_message("archive_size", limits))
                if _over_ratio(size, info.compress_size, limits):
                    raise TooLarge(limit_message("ratio", limits, name=name))
                yield chunk

    def read(self, name: str, size: int | None = None) -> bytes:
        """A whole file of the archive, or its first ``size`` bytes."""
        if size is None:
            return b"".join(self.chunks(name))
        info = self._checked(name)
        with self.zip.open(info) as stream:
            data = stream.read(size)
        self.read_total += len(data)
        return data


def _over_ratio(size: int, compressed: int, limits: Limits) -> bool:
    return size > limits.ratio_floor and size > limits.ratio * max(compressed, 1)


def _check_directory(opened: Opened, limits: Limits) -> None:
    """Refuse an archive whose directory lists too many files, from its end
    record, before ``zipfile`` reads the whole directory into memory."""
    stream = opened.stream
    end = stream.seek(0, io.SEEK_END)
    size = end - opened.start
    tail_size = min(size, 22 + 0xFFFF + 20)  # end record, comment, ZIP64 locator
    stream.seek(end - tail_size)
    tail = stream.read(tail_size)
    try:
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            return  # not a ZIP archive's end: zipfile says it is damaged
        entries, directory_size = struct.unpack("<HL", tail[at + 10 : at + 16])
        zip64 = entries == 0xFFFF or directory_size == 0xFFFFFFFF
        if zip64 and at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
            (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
            stream.seek(opened.start + offset)
            record = stream.read(56)
            if record[:4] == _ZIP64_EOCD and len(record) == 56:
                entries, directory_size = struct.unpack("<QQ", record[32:48])
    finally:
        stream.seek(opened.start)
    if entries > limits.members or directory_size > limits.members * _ENTRY_SIZE:
        raise TooLarge(limit_message("members", limits))


class _Window(io.RawIOBase):
    """The part of a stream that starts at ``opened.start``, as a file."""

    def __init__(self, opened: Opened) -> None:
        self._stream = opened.stream
        self._start = opened.start
        self._stream.seek(self._start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            return self._stream.seek(self._start + offset) - self._start
        return self._stream.seek(offset, whence) - self._start

    def tell(self) -> int:
        return self._stream.tell() - self._start

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:  # never close the caller's stream
        pass


def window(opened: Opened) -> io.BufferedReader:
    return io.BufferedReader(_Window(opened), buffer_size=256 * 1024)


# Encodings ----------------------------------------------------------------


@dataclass
class Encoding:
    codec: str  # Python codec to read with
    name: str  # reported encoding: "utf-8", "utf-8-sig", "cp1252", "utf-16"…
    skip: int = 0  # bytes to skip at the start (a BOM the codec does not eat)
    bom_mismatch: bool = False  # a UTF-8 BOM followed by Windows-1252 bytes

    @property
    def errors(self) -> str:
        return _FALLBACK_ERRORS if self.codec == WINDOWS_1252 else "strict"

    @property
    def utf8(self) -> bool:
        return self.codec in ("utf-8", "utf-8-sig")


def detect_encoding(head: bytes, at_eof: bool) -> str:
    """The codec of a text file from its first bytes."""
    return detect(head, at_eof).codec


def detect(head: bytes, at_eof: bool) -> Encoding:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return Encoding("utf-32", "utf-32")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Encoding("utf-16", "utf-16")
    if _looks_utf16(head):
        even_zeros = head[:2048][0::2].count(0)
        return (
            Encoding("utf-16-be", "utf-16")
            if even_zeros > len(head[:2048]) / 4
            else Encoding("utf-16-le", "utf-16")
        )
    if head.startswith(codecs.BOM_UTF8):
        if _is_utf8(head[3:], at_eof):
            return Encoding("utf-8-sig", "utf-8-sig")
        return Encoding(WINDOWS_1252, "cp1252", skip=3, bom_mismatch=True)
    if _is_utf8(head, at_eof):
        return Encoding("utf-8", "utf-8")
    return Encoding(WINDOWS_1252, "cp1252")


def _is_utf8(data: bytes, final: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


# Valid UTF-8 sequences of accented letters and typographic signs: finding
# some in a file that is not UTF-8 as a whole means it mixes two encodings.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xc5][\x80-\xbf]|\xe2\x80[\x90-\xbf]|\xe2\x82\xac")


def has_utf8_sequences(opened: Opened) -> bool:
    stream = opened.stream
    stream.seek(opened.start)
    tail = b""
    try:
        while chunk := stream.read(1024 * 1024):
            if _UTF8_SEQUENCE.search(tail + chunk):
                return True
            tail = chunk[-2:]
    finally:
        stream.seek(opened.start)
    return False


# Delimiters ---------------------------------------------------------------


def normalise_name(name: str) -> str:
    """A column name without case, accents, spaces, underscores or hyphens."""
    name = unicodedata.normalize("NFKD", str(name).lstrip("\ufeff"))
    name = "".join(c for c in name if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", "", name).casefold()


def detect_delimiter(sample: str, known: Iterable[str], default: str) -> str:
    """The separator of a CSV sample: the one that splits the header into the
    most known column names, then into the most consistent rows."""
    known_names = {normalise_name(n) for n in known}
    lines = sample.splitlines(keepends=True)[:50]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # incomplete last line of the sample
    text = "".join(lines)
    best: tuple[Any, ...] | None = None
    chosen = default
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        if not rows:
            continue
        header = rows[0]
        matches = sum(normalise_name(c) in known_names for c in header)
        width = len(header)
        consistent = sum(len(r) == width for r in rows[1:])
        score = (matches, width > 1, consistent, width, delimiter == default)
        if best is None or score > best:
            best, chosen = score, delimiter
    if best is not None and best[0] == 0 and not best[1]:
        return default
    return chosen


# Rows ---------------------------------------------------------------------


@contextmanager
def text_stream(opened: Opened, encoding: Encoding) -> Iterator[io.TextIOWrapper]:
    binary = window(opened)
    if encoding.skip:
        binary.read(encoding.skip)
    text = io.TextIOWrapper(
        binary, encoding=encoding.codec, errors=encoding.errors, newline=""
    )
    try:
        yield text
    finally:
        with suppress(ValueError):
            text.detach()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def number_text(value: float) -> str:
    if value != value:  # NaN
        return ""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return format(value, ".15g")


def xlsx_rows(opened: Opened, limits: Limits = DEFAULT_LIMITS) -> Iterator[list[str]]:
    """The rows of the first sheet of a workbook, as lists of text (see
    ``sheets.xlsx_rows``)."""
    from ckanext.haute_garonne.validation import sheets

    return sheets.xlsx_rows(opened, limits)


def ods_rows(opened: Opened, limits: Limits = DEFAULT_LIMITS) -> Iterator[list[str]]:
    """The rows of the first sheet of an OpenDocument spreadsheet (see
    ``sheets.ods_rows``)."""
    from ckanext.haute_garonne.validation import sheets

    return sheets.ods_rows(opened, limits)


def workbook_rows(opened: Opened, file_format: str) -> Iterator[list[str]] | None:
    """The rows of an XLSX or ODS workbook (``sniff_format``'s answer);
    None for any other format."""
    if file_format == "xlsx":
        return xlsx_rows(opened)
    if file_format == "ods":
        return ods_rows(opened)
    return None


def csv_dialect(
    head: bytes, known: Iterable[str], default: str
) -> tuple[Encoding, str]:
    """The encoding and the delimiter of a text file, from its first bytes
    (``read_head``) and the column names it may have."""
    encoding = detect(head, len(head) < HEAD_SIZE)
    sample = head[encoding.skip :].decode(encoding.codec, errors="replace")
    return encoding, detect_delimiter(sample, known, default)


def csv_records(text: io.TextIOBase, delimiter: str) -> Iterator[list[str]]:
    # The limit is process-wide state that other libraries (frictionless)
    # raise: set ours again for each file.
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    return csv.reader(_without_nul(text), delimiter=delimiter)


def _without_nul(text: io.TextIOBase) -> Iterator[str]:
    """The lines of a text, refused at the first NUL character: a text file
    never holds one (the first 64 kB are checked by ``sniff_format``; this
    checks the rest, and the UTF-16 files, whose NUL bytes are legitimate
    until decoded). Lines are read and checked by blocks of about 64 kB, so
    that the check costs nothing per line."""
    return chain.from_iterable(_checked_blocks(text))


def _checked_blocks(text: io.TextIOBase) -> Iterator[list[str]]:
    seen = 0
    while lines := text.readlines(HEAD_SIZE):
        if "\x00" in "".join(lines):
            index = next(i for i, line in enumerate(lines) if "\x00" in line)
            raise _unreadable(
                _(
                    "The file contains a NUL character (byte 0) on line {line}: a "
                    "text file never holds one, so the file is damaged or is not "
                    "a text file."
                ).format(line=seen + index + 1)
            )
        seen += len(lines)
        yield lines
