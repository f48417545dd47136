"""Reading real-world input: encodings, separators, spreadsheets, streams,
and every kind of unreadable file.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_read.py
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from validation_samples import SUBVENTIONS, SUBVENTIONS_HEADER, csv_text

from ckanext.haute_garonne.validation import validate

HEADER = SUBVENTIONS_HEADER
ROW = list(dict(SUBVENTIONS, montant="2400.50").values())


def _french(text: str | None) -> bool:
    words = set((text or "").lower().replace("'", " ").split())
    return (
        len(
            words
            & {"le", "la", "les", "de", "du", "des", "un", "une", "est", "pas", "en"}
        )
        >= 2
    )


# Encodings ----------------------------------------------------------------------


def test_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([HEADER, ROW]).encode("utf-8"))
    report = validate(path, "subventions")
    assert report.valid, report.errors
    assert report.encoding == "utf-8-sig"
    assert report.errors == []  # the BOM is not part of the first column name


def test_windows_1252_with_first_accent_after_100_kb(tmp_path: Path) -> None:
    ascii_row = list(ROW)
    ascii_row[7] = "Fonctionnement du club de tennis"
    ascii_row[9] = "aide en nature"
    rows = [HEADER] + [ascii_row] * 800
    late = list(ROW)
    late[9] = "Aide en numéraire"  # wrong case: an error whose message shows the é
    rows.append(late)
    data = csv_text(rows).encode("cp1252")
    assert data.index("é".encode("cp1252")) > 100_000
    path = tmp_path / "ansi.csv"
    path.write_bytes(data)
    report = validate(path, "subventions")
    assert report.encoding == "cp1252"
    assert report.rows == 801
    assert report.error_counts == {"constraint-error": 1, "encoding-warning": 1}
    error = report.errors[0]
    assert (error.row, error.field, error.value) == (802, "nature", "Aide en numéraire")
    assert "« Aide en numéraire »" in error.message
    assert report.status == "invalid"
    assert any("UTF-8" in hint for hint in report.hints)


def test_windows_1252_only_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes(csv_text([HEADER, ROW]).encode("cp1252"))
    report = validate(path, "subventions")
    assert report.valid  # readable: the encoding is only a warning
    assert report.encoding == "cp1252"
    assert report.error_counts == {"encoding-warning": 1}
    assert _french(report.errors[0].message)


def test_mixed_encodings_are_an_error(tmp_path: Path) -> None:
    first = csv_text([HEADER, ROW]).encode("utf-8")
    second = csv_text([ROW]).encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(first + second * 200)
    report = validate(path, "subventions")
    assert report.encoding == "cp1252"
    assert "encoding-error" in report.error_counts
    assert report.status == "invalid"


def test_utf8_bom_followed_by_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "somme.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([HEADER, ROW]).encode("cp1252"))
    report = validate(path, "subventions")
    assert report.encoding == "cp1252"
    assert report.error_counts == {"encoding-warning": 1}
    assert "BOM" in report.errors[0].message


def test_utf16(tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(csv_text([HEADER, ROW]).encode("utf-16"))
    report = validate(path, "subventions")
    assert report.encoding == "utf-16"
    assert report.rows == 1
    assert report.error_counts == {"encoding-warning": 1}


# Separators -----------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "label"), [(";", ";"), ("\t", "\t")])
def test_other_separators_are_read(tmp_path: Path, delimiter: str, label: str) -> None:
    path = tmp_path / "sep.csv"
    bad = list(ROW)
    bad[8] = "1 250,50"  # a French number with a comma, inside a ; file
    path.write_text(csv_text([HEADER, ROW, bad], delimiter), encoding="utf-8")
    report = validate(path, "subventions")
    assert report.delimiter == label
    assert report.rows == 2
    assert report.error_counts == {"type-error": 1, "delimiter-warning": 1}
    assert report.errors[0].value == "1 250,50"


def test_bal_expects_semicolons(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "data" / "bal" / "1.5" / "valid.csv"
    rows = list(csv.reader(source.open(encoding="utf-8", newline=""), delimiter=";"))
    path = tmp_path / "bal.csv"
    path.write_text(csv_text(rows, ","), encoding="utf-8")
    report = validate(path, "bal")
    assert report.delimiter == ","
    assert report.valid
    assert report.error_counts == {"delimiter-warning": 1}
    assert "point-virgule" in report.errors[0].message


# Spreadsheets ---------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list[object]], trailing_blank: int = 0) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for offset in range(trailing_blank):  # formatted but empty rows
        sheet.cell(row=len(rows) + 1 + offset, column=1).number_format = "@"
    workbook.create_sheet("Autre").append(["ignored"])
    workbook.save(path)


def _typed_row() -> list[object]:
    row: list[object] = list(ROW)
    row[1] = 21310458100011  # a SIRET typed as a number
    row[2] = datetime(2024, 4, 11)  # a date cell
    row[5] = 44137080600016
    row[8] = 2400.5
    row[14] = 1
    row[11] = datetime(2024, 5, 15)
    return row


def test_xlsx(tmp_path: Path) -> None:
    bad = _typed_row()
    bad[2] = "11/04/2024"
    path = tmp_path / "subventions.xlsx"
    _xlsx(path, [HEADER, _typed_row(), [], bad], trailing_blank=50)
    report = validate(path, "subventions")
    assert report.format == "xlsx"
    assert report.encoding is None and report.delimiter is None
    assert report.rows == 3  # trailing empty rows are not rows
    assert report.error_counts == {"blank-row": 1, "type-error": 1}
    blank, date_error = report.errors
    assert (blank.type, blank.row) == ("blank-row", 3)
    assert (date_error.row, date_error.field, date_error.value) == (
        4,
        "dateConvention",
        "11/04/2024",
    )
    assert "2024-04-11" in date_error.message


def test_xlsx_as_stream_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "subventions.xlsx"
    _xlsx(path, [HEADER, _typed_row()])
    assert validate(path.read_bytes(), "subventions", filename="s.xlsx").valid
    with path.open("rb") as stream:
        assert validate(stream, "subventions").valid


def test_xlsx_with_wrong_declared_dimension(tmp_path: Path) -> None:
    """Some tools write <dimension ref="A1"/>: every row must still be read."""
    path = tmp_path / "dimension.xlsx"
    _xlsx(path, [HEADER, _typed_row(), _typed_row()])
    broken = tmp_path / "broken-dimension.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b'<dimension ref="A1:P3"/>', b'<dimension ref="A1:A1"/>'
                )
            target.writestr(item, data)
    report = validate(broken, "subventions")
    assert report.rows == 2
    assert report.valid


def _ods(path: Path, rows: list[list[object]]) -> None:
    ezodf = pytest.importorskip("ezodf")
    document = ezodf.newdoc(doctype="ods", filename=str(path))
    width = max(len(r) for r in rows)
    sheet = ezodf.Sheet("Données", size=(len(rows), width))
    document.sheets += sheet
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in (None, ""):
                continue
            if isinstance(value, datetime):
                sheet[r, c].set_value(value.date().isoformat(), value_type="date")
            else:
                sheet[r, c].set_value(value)
    document.save()


def test_ods(tmp_path: Path) -> None:
    bad = _typed_row()
    bad[9] = "Aide en numéraire"
    path = tmp_path / "subventions.ods"
    _ods(path, [HEADER, _typed_row(), bad])
    report = validate(path, "subventions")
    assert report.format == "ods"
    assert report.rows == 2
    assert report.error_counts == {"constraint-error": 1}
    assert (report.errors[0].row, report.errors[0].field) == (3, "nature")


def test_ods_repeated_rows_and_columns_are_not_expanded(tmp_path: Path) -> None:
    """LibreOffice ends a sheet with a million repeated empty rows."""
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in [
            "COLL_INSEE",
            "ENFANT_SEXE",
            "ENFANT_PRENOM",
            "NOMBRE_OCCURRENCES",
            "ANNEE",
        ]
    )
    data = (
        '<table:table-cell office:value-type="string"><text:p>31458</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>F</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>Louise</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="2024"><text:p>2024</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16379"/>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"<table:table-row>{cells}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="2">{data}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        '</table:table><table:table table:name="Other"/></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    path = tmp_path / "prenoms.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    report = validate(path, "prenoms")
    assert report.format == "ods"
    assert report.rows == 2
    assert report.valid, report.errors


# Streams --------------------------------------------------------------------------


class _NonSeekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_non_seekable_stream_in_windows_1252() -> None:
    data = csv_text([HEADER] + [ROW] * 3000).encode("cp1252")
    report = validate(_NonSeekable(data), "subventions", filename="upload.csv")
    assert report.rows == 3000
    assert report.encoding == "cp1252"
    assert report.error_counts == {"encoding-warning": 1}


def test_text_stream() -> None:
    report = validate(io.StringIO(csv_text([HEADER, ROW])), "subventions")
    assert report.valid


def test_multiline_cells_and_row_numbers(tmp_path: Path) -> None:
    multi = list(ROW)
    multi[7] = "Objet\nsur deux lignes"
    bad = list(ROW)
    bad[14] = "2"
    path = tmp_path / "multi.csv"
    path.write_text(csv_text([HEADER, multi, bad]), encoding="utf-8")
    report = validate(path, "subventions")
    assert [(e.row, e.field) for e in report.errors] == [(3, "pourcentageSubvention")]


# Unreadable files -------------------------------------------------------------------


def _ole(extra: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + extra + b"\x00" * 2048


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


UNREADABLE = {
    "empty": (b"", "subventions", "vide"),
    "blank": (b" \r\n\r\n  ", "subventions", "vide"),
    "bom-only": (b"\xef\xbb\xbf", "subventions", "vide"),
    "binary": (bytes(range(256)) * 64, "subventions", "binaires"),
    "html": (
        b"<!DOCTYPE html><html><head><title>Portail</title></head></html>",
        "subventions",
        "page web",
    ),
    "xml": (b'<?xml version="1.0"?><marches></marches>', "decp", "XML"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "subventions", "PDF"),
    "encrypted-xlsx": (
        _ole("EncryptedPackage".encode("utf-16-le")),
        "subventions",
        "mot de passe",
    ),
    "xls": (_ole(b"Workbook"), "subventions", ".xls"),
    "zip": (_zip({"donnees.csv": b"a,b\n1,2\n"}), "subventions", "archive ZIP"),
    "docx": (
        _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
        "subventions",
        "Word",
    ),
    "broken-zip": (b"PK\x03\x04" + b"\x00garbage" * 100, "subventions", "abîmé"),
    "broken-xlsx": (
        _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"not xml"}),
        "subventions",
        "XLSX",
    ),
    "not-json": (b"{ 'marches': [,,] ", "decp", "JSON valide"),
    "json-for-table": (b'{"a": 1}', "subventions", "JSON"),
    "csv-for-json": (",".join(HEADER).encode(), "decp", "JSON"),
    "only-blank-lines": (b",,,\r\n,,,\r\n", "subventions", "vide"),
}


@pytest.mark.parametrize(
    ("data", "standard", "words"), UNREADABLE.values(), ids=list(UNREADABLE)
)
def test_unreadable_files_give_an_error_report(
    data: bytes, standard: str, words: str
) -> None:
    report = validate(data, standard)
    assert report.status == "error"
    assert not report.valid
    assert report.fatal and words in report.fatal
    assert _french(report.fatal), report.fatal
    assert report.to_dict()["fatal"] == report.fatal


def test_file_name_helps_when_content_is_ambiguous() -> None:
    report = validate(b"marches;montant\n", "decp", filename="decp.json")
    assert report.status == "error" and ".json" in (report.fatal or "")
    # the content decides: a CSV named .xlsx is read as a CSV
    data = (",".join(HEADER) + "\r\n" + ",".join(ROW) + "\r\n").encode()
    assert validate(data, "subventions", filename="export.xlsx").valid


def test_unknown_standard_and_version() -> None:
    report = validate(b"a,b\n", "budget")
    assert report.status == "error" and "inconnu" in (report.fatal or "")
    report = validate(b"a,b\n", "subventions", "9.9")
    assert report.status == "error" and "9.9" in (report.fatal or "")
    assert (
        validate(b"a\n", "bal", "v1.5.0").version == "1.5"
    )  # declared version accepted


def test_missing_path_and_folder(tmp_path: Path) -> None:
    assert validate(tmp_path / "nope.csv", "subventions").status == "error"
    assert validate(tmp_path, "subventions").status == "error"


def test_header_only_is_valid_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(",".join(HEADER) + "\r\n", encoding="utf-8")
    report = validate(path, "subventions")
    assert report.status == "valid"
    assert report.rows == 0
    assert any("en-tête" in hint for hint in report.hints)


def test_unclosed_quote_does_not_raise(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        csv_text([HEADER, ROW]) + 'Commune,"21310458100011\n' + csv_text([ROW] * 10),
        encoding="utf-8",
    )
    report = validate(path, "subventions")
    assert report.status in ("invalid", "error")
