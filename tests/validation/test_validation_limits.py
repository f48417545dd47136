"""Hostile workbooks: what a file may expand to once decompressed, hardened
XML, and the sandbox that bounds the memory and time of a check.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \\
        tests/validation/test_validation_limits.py

Each hostile file is small; it is refused with the French message "Le
fichier est trop volumineux une fois décompressé (…)" naming the limit it
reaches (or, for XML entities and a wrong repetition, a French message of
its own), never with a verdict of valid. Checked in the sandbox with a low
memory limit, the same file is refused by the reader itself: the reader
stays within that memory.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from validation_samples import (
    PRENOMS_HEADER,
    PRENOMS_ROW,
    SUBVENTIONS,
    SUBVENTIONS_HEADER,
)

from ckanext.haute_garonne.validation import sandbox, validate
from ckanext.haute_garonne.validation.__main__ import main
from ckanext.haute_garonne.validation.limits import Limits

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
TOO_LARGE = "Le fichier est trop volumineux une fois décompressé ("
# What the reader may use, at most, to refuse any file below: the child's
# address space may not grow by more.
LOW_MEMORY = 64 * MB

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
LOL = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'

ROW = list(SUBVENTIONS.values())


# Building workbooks ---------------------------------------------------------------


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


def xlsx_row(values: list[str], attributes: str = "") -> str:
    cells = "".join(
        f'<c t="inlineStr"><is><t>{_escape(v)}</t></is></c>' for v in values
    )
    return f"<row{attributes}>{cells}</row>"


def xlsx(
    sheet: str | bytes,
    shared: str | bytes | None = None,
    *,
    prolog: str = "",
    workbook_prolog: str = "",
    extra: dict[str, bytes] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """An XLSX workbook whose sheet holds ``sheet`` in <sheetData>."""
    rels = (
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
    )
    if shared is not None:
        rels += (
            f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
    if isinstance(sheet, str):
        sheet = sheet.encode()
    members = {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ).encode(),
        "xl/workbook.xml": (
            f'{workbook_prolog}<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": (
            f'{prolog}<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode()
            + sheet
            + b"</sheetData></worksheet>"
        ),
    }
    if shared is not None:
        if isinstance(shared, str):
            shared = shared.encode()
        members["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{SHEET_NS}">'.encode() + shared + b"</sst>"
        )
    members.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(
                name, data, compress_type=method if "sheet1" in name else None
            )
    return out.getvalue()


ODS_HEAD = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
    'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Feuille1">'
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def ods_cell(value: str, repeat: int | str = 1) -> str:
    attribute = f' table:number-columns-repeated="{repeat}"' if repeat != 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{attribute}>'
        f"<text:p>{_escape(value)}</text:p></table:table-cell>"
    )


def ods_row(values: Iterable[str], repeat: int | str = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat != 1 else ""
    cells = "".join(ods_cell(v) for v in values)
    return f"<table:table-row{attribute}>{cells}</table:table-row>"


def ods(rows: str, prolog: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", prolog + ODS_HEAD + rows + ODS_TAIL)
    return out.getvalue()


def _lie(data: bytes, member: str, declared: int) -> bytes:
    """The archive with ``member`` declared ``declared`` bytes long."""
    out = bytearray(data)
    name = member.encode()
    for signature, name_at, size_at in (
        (b"PK\x01\x02", 46, 24),
        (b"PK\x03\x04", 30, 22),
    ):
        at = 0
        while (at := out.find(signature, at)) >= 0:
            if out[at + name_at : at + name_at + len(name)] == name:
                out[at + size_at : at + size_at + 4] = declared.to_bytes(4, "little")
            at += 4
    return bytes(out)


HEADER_XLSX = xlsx_row(SUBVENTIONS_HEADER)
HEADER_ODS = ods_row(SUBVENTIONS_HEADER)


# The hostile files: (file, standard, limits, words of the message) ------------------

TOO_LARGE_FILES = {
    # A 1 kB ODS whose valid row is repeated a million times.
    "ods-repeated-rows": (
        ods(HEADER_ODS + ods_row(ROW, repeat=1_000_000)),
        None,
        "plus de 10\u202f000\u202f000 cellules",
    ),
    # The same, 100,000 times: within the cells, beyond the repetitions.
    "ods-repeated-cells": (
        ods(HEADER_ODS + ods_row(ROW, repeat=100_000)),
        None,
        "plus de 1\u202f000\u202f000 cellules obtenues en répétant",
    ),
    "ods-repeated-columns": (
        ods(HEADER_ODS + f"<table:table-row>{ods_cell('x', 20_000)}</table:table-row>"),
        None,
        "la ligne 2 a plus de 16\u202f384 colonnes",
    ),
    "ods-columns-after-empty-cells": (
        ods(
            HEADER_ODS
            + "<table:table-row>"
            + '<table:table-cell table:number-columns-repeated="999999999"/>'
            + ods_cell("x")
            + "</table:table-row>"
        ),
        None,
        "la ligne 2 a plus de 16\u202f384 colonnes",
    ),
    "ods-spaces": (
        ods(
            HEADER_ODS + "<table:table-row><table:table-cell><text:p>a"
            '<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>'
        ),
        None,
        "une cellule de la ligne 2 a plus de 100\u202f000 caractères",
    ),
    "ods-cell-length": (
        ods(HEADER_ODS + ods_row(["x" * 100_001])),
        None,
        "une cellule de la ligne 2 a plus de 100\u202f000 caractères",
    ),
    "ods-rows": (
        ods(
            HEADER_ODS
            + "<table:table-row table:number-rows-repeated="
            + '"2000000"><table:table-cell/></table:table-row>'
            + ods_row(ROW)
        ),
        None,
        "plus de 1\u202f048\u202f576 lignes",
    ),
    # A compressed sheet of 2 MB, 1,000 times smaller in the archive.
    "xlsx-ratio": (
        xlsx(HEADER_XLSX + " " * (2 * MB)),
        None,
        "sa partie « xl/worksheets/sheet1.xml » est compressée plus de 400 fois",
    ),
    "xlsx-member-size": (
        xlsx(HEADER_XLSX + xlsx_row(ROW) * 3000),
        Limits(member_size=MB),
        "sa partie « xl/worksheets/sheet1.xml » dépasse 1 Mo",
    ),
    "xlsx-archive-size": (
        xlsx(HEADER_XLSX + xlsx_row(ROW) * 1000, "<si><t>x</t></si>" * 40_000),
        Limits(archive_size=MB),
        "ses parties dépassent 1 Mo au total",
    ),
    "xlsx-shared-string": (
        xlsx(
            HEADER_XLSX + '<row><c t="s"><v>0</v></c></row>',
            "<si><t>" + "A" * 200_000 + "</t></si>",
        ),
        None,
        "un texte partagé a plus de 100\u202f000 caractères",
    ),
    "xlsx-shared-strings": (
        xlsx(HEADER_XLSX, "".join(f"<si><t>{i}</t></si>" for i in range(1001))),
        Limits(shared_strings=1000),
        "plus de 1\u202f000 textes partagés",
    ),
    "xlsx-shared-text": (
        xlsx(HEADER_XLSX, ("<si><t>" + "A" * 6000 + "</t></si>") * 2),
        Limits(shared_text=10_000),
        "ses textes partagés dépassent 10\u202f000 caractères",
    ),
    "xlsx-cell-length": (
        xlsx(HEADER_XLSX + xlsx_row(["x" * 100_001])),
        None,
        "une cellule de la ligne 2 a plus de 100\u202f000 caractères",
    ),
    "xlsx-row-far-away": (
        xlsx(HEADER_XLSX + xlsx_row(ROW, ' r="2000000"')),
        None,
        "plus de 1\u202f048\u202f576 lignes",
    ),
    "xlsx-column-far-away": (
        xlsx(
            HEADER_XLSX + '<row><c r="XFE2" t="inlineStr"><is><t>x</t></is></c></row>'
        ),
        None,
        "la ligne 2 a plus de 16\u202f384 colonnes",
    ),
    "xlsx-column-letters": (
        xlsx(HEADER_XLSX + '<row><c r="ZZZZZZ2"><v>1</v></c></row>'),
        None,
        "la ligne 2 a plus de 16\u202f384 colonnes",
    ),
    # Rows of 16,384 cells from a few bytes each: never held together.
    "xlsx-wide-rows": (
        xlsx(
            HEADER_XLSX
            + '<row><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>' * 1000
        ),
        None,
        "plus de 10\u202f000\u202f000 cellules",
    ),
    "xlsx-cells": (
        xlsx(HEADER_XLSX + xlsx_row(ROW) * 10),
        Limits(cells=100),
        "plus de 100 cellules",
    ),
    "xlsx-xml-tag": (
        xlsx(HEADER_XLSX + '<row spans="' + "1" * 200_000 + '"/>'),
        Limits(xml_token=64 * 1024),
        "une balise XML de plus de",
    ),
    "xlsx-comment": (
        xlsx(HEADER_XLSX + "<!--" + "x" * 200_000 + "-->"),
        Limits(xml_token=64 * 1024),
        "une balise XML de plus de",
    ),
    "zip-members": (
        xlsx(HEADER_XLSX, extra={f"xl/media/{i}.png": b"" for i in range(101)}),
        Limits(members=100),
        "plus de 100 fichiers dans l'archive",
    ),
}


@pytest.mark.parametrize(
    ("data", "limits", "words"), TOO_LARGE_FILES.values(), ids=list(TOO_LARGE_FILES)
)
def test_files_that_expand_past_a_limit_are_refused(
    data: bytes, limits: Limits | None, words: str
) -> None:
    report = validate(data, "subventions", limits=limits)
    assert report.status == "error" and not report.valid
    assert report.fatal and report.fatal.startswith(TOO_LARGE), report.fatal
    assert words in report.fatal
    assert len(data) < 3 * MB


@pytest.mark.parametrize(
    ("data", "limits", "words"), TOO_LARGE_FILES.values(), ids=list(TOO_LARGE_FILES)
)
def test_the_reader_refuses_them_within_little_memory(
    data: bytes, limits: Limits | None, words: str
) -> None:
    outcome = sandbox.run(data, "subventions", limits=limits, memory=LOW_MEMORY)
    assert outcome.limit is None, outcome.report.fatal  # the reader refused it
    assert outcome.report.status == "error"
    assert words in (outcome.report.fatal or "")


def test_a_huge_archive_is_refused_from_its_directory_at_once() -> None:
    """A sheet of 300 MB compressed to 300 kB: refused before reading it."""
    small = zipfile.ZipFile(io.BytesIO(xlsx(HEADER_XLSX)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in small.namelist():
            if "sheet1" not in name:
                archive.writestr(name, small.read(name))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row/>" * (MB // 6)
            for _ in range(300):
                sheet.write(chunk)
    outcome = sandbox.run(out.getvalue(), "subventions", memory=LOW_MEMORY)
    assert outcome.limit is None
    assert outcome.report.fatal and outcome.report.fatal.startswith(TOO_LARGE)
    assert "dépasse 128 Mo" in outcome.report.fatal
    assert outcome.seconds < 5


def test_a_zip_directory_that_lies_about_sizes_is_not_trusted() -> None:
    """A sheet of 2 MB declared 1 kB long: zipfile stops at the declared size
    and its checksum fails; the file is refused, never read past it."""
    data = xlsx(HEADER_XLSX + xlsx_row(ROW) * 3000)
    lying = _lie(data, "xl/worksheets/sheet1.xml", 1024)
    report = validate(lying, "subventions")
    assert report.status == "error" and not report.valid
    assert "abîmé" in (report.fatal or "")
    # and the directory declaring a huge size is refused before reading
    huge = _lie(data, "xl/worksheets/sheet1.xml", 0xFFFF_0000)
    report = validate(huge, "subventions")
    assert (report.fatal or "").startswith(TOO_LARGE)


def test_members_are_counted_from_the_end_record_before_zipfile_reads_them() -> None:
    """The directory of a ZIP of many files is refused from its end record."""
    data = xlsx(HEADER_XLSX, extra={f"xl/media/{i}.png": b"" for i in range(10_001)})
    report = validate(data, "subventions")
    assert report.fatal and "plus de 10\u202f000 fichiers" in report.fatal


@pytest.mark.parametrize(
    "data",
    [
        xlsx(HEADER_XLSX + xlsx_row(["&lol9;"]), prolog=LOL),
        xlsx(HEADER_XLSX, workbook_prolog=LOL),
        xlsx(HEADER_XLSX, "<si><t>&lol9;</t></si>", prolog=""),
        xlsx(HEADER_XLSX + xlsx_row(["&e;"]), prolog=XXE),
        ods(HEADER_ODS + ods_row(["&lol9;"]), prolog=LOL),
        ods(HEADER_ODS + ods_row(["&e;"]), prolog=XXE),
    ],
    ids=["xlsx-sheet", "xlsx-workbook", "xlsx-undefined", "xlsx-xxe", "ods", "ods-xxe"],
)
def test_xml_entities_are_refused(data: bytes) -> None:
    """Billion laughs and external entities: no DTD is read, no entity
    expanded or fetched."""
    outcome = sandbox.run(data, "subventions", memory=LOW_MEMORY)
    report = outcome.report
    assert outcome.limit is None
    assert report.status == "error" and not report.valid
    fatal = report.fatal or ""
    assert "DTD" in fatal or "abîmé" in fatal, fatal
    assert "root:" not in fatal


def test_openpyxl_uses_defusedxml() -> None:
    """openpyxl (templates, frictionless) parses with defusedxml once it is
    installed, and refuses XML entities in a sheet."""
    from defusedxml import EntitiesForbidden
    from openpyxl import DEFUSEDXML, Workbook, load_workbook

    assert DEFUSEDXML
    workbook = Workbook()
    workbook.active.append(["a"])
    saved = io.BytesIO()
    workbook.save(saved)
    source = zipfile.ZipFile(saved)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = LOL.encode() + content.replace(b">a<", b">&lol9;<")
            target.writestr(name, content)
    with pytest.raises(ValueError, match="could not read worksheets") as caught:
        load_workbook(data, read_only=True)
    assert isinstance(caught.value.__context__, EntitiesForbidden)


# Wrong repetitions ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-3", "0", "", "1e3", "٣"])
def test_a_wrong_repetition_is_a_french_error(value: str) -> None:
    for data, attribute in (
        (ods(HEADER_ODS + ods_row(ROW, repeat=value)), "table:number-rows-repeated"),
        (
            ods(
                HEADER_ODS
                + f"<table:table-row>{ods_cell('x', value)}</table:table-row>"
            ),
            "table:number-columns-repeated",
        ),
        (
            ods(
                HEADER_ODS + "<table:table-row><table:table-cell><text:p>a"
                f'<text:s text:c="{value}"/></text:p></table:table-cell></table:table-row>'
            ),
            "text:c",
        ),
    ):
        report = validate(data, "subventions")
        assert report.status == "error" and not report.valid
        assert report.fatal == (
            "Le classeur ODS est abîmé : à la ligne 2, l'attribut "
            f"{attribute} vaut “{value}”, là où un nombre entier d'au moins 1 est "
            "attendu. Enregistrez le tableau au format CSV (UTF-8), XLSX ou ODS, "
            "puis déposez-le de nouveau."
        ), report.fatal


def test_a_wrong_row_number_is_a_french_error() -> None:
    report = validate(xlsx(HEADER_XLSX + xlsx_row(ROW, ' r="deux"')), "subventions")
    assert report.status == "error"
    assert "Le classeur XLSX est abîmé : une ligne porte le numéro “deux”" in (
        report.fatal or ""
    )


# What stays valid ---------------------------------------------------------------------


def test_trailing_empty_rows_and_cells_are_never_expanded() -> None:
    """LibreOffice ends a sheet with repeated empty rows and cells, whatever
    their number: not an error, and not expanded."""
    data = ods(
        ods_row(PRENOMS_HEADER)
        + ods_row(PRENOMS_ROW, repeat=2).replace(
            "</table:table-row>",
            '<table:table-cell table:number-columns-repeated="16378"/>'
            "</table:table-row>",
        )
        + '<table:table-row table:number-rows-repeated="99999999999999999999">'
        '<table:table-cell table:number-columns-repeated="99999999999999"/>'
        "</table:table-row>"
    )
    outcome = sandbox.run(data, "prenoms", memory=LOW_MEMORY)
    assert outcome.report.valid, outcome.report.fatal or outcome.report.errors
    assert outcome.report.rows == 2


def test_a_formatted_empty_end_of_an_xlsx_sheet_is_not_an_error() -> None:
    data = xlsx(
        HEADER_XLSX
        + xlsx_row(ROW)
        + "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in range(3, 500))
        + '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    report = validate(data, "subventions")
    assert report.valid, report.fatal or report.errors
    assert report.rows == 1


def test_an_ods_cell_reads_as_its_text_without_its_comment() -> None:
    """Spaces, tabs and line breaks are the cell's; a comment is not."""
    from ckanext.haute_garonne.validation import read

    cell = (
        '<table:table-cell office:value-type="string">'
        "<office:annotation><text:p>relu par Paul</text:p></office:annotation>"
        '<text:p>Tennis<text:s text:c="2"/>Club<text:tab/>de <text:span>Roques'
        "</text:span></text:p><text:p>second</text:p></table:table-cell>"
    )
    data = ods(f"<table:table-row>{cell}</table:table-row>")
    with read.open_source(data) as opened:
        assert list(read.ods_rows(opened)) == [["Tennis  Club\tde Roques\nsecond"]]


def test_the_shipped_template_filled_in_is_valid(tmp_path: Path) -> None:
    """The XLSX template the portal offers (comments, drop-down lists, a
    hidden sheet, styles), with a row typed in it."""
    from openpyxl import load_workbook

    from ckanext.haute_garonne.standards.registry import get_standard
    from ckanext.haute_garonne.standards.templates import xlsx_template

    version = get_standard("subventions").latest
    labels = {
        "data": "Données",
        "lists": "Listes",
        "required": "obligatoire",
        "optional": "facultatif",
        "example": "Exemple :",
        "enum_error": "Valeur hors liste",
    }
    workbook = load_workbook(io.BytesIO(xlsx_template(version, labels)))
    workbook.active.append(ROW)
    path = tmp_path / "modele.xlsx"
    workbook.save(path)
    outcome = sandbox.run(path, "subventions", memory=LOW_MEMORY)
    assert outcome.report.valid, outcome.report.errors
    assert outcome.report.rows == 1 and outcome.limit is None


def test_default_limits_let_a_large_real_workbook_through() -> None:
    """20,000 real rows: far from every limit."""
    rows = [dict(SUBVENTIONS, referenceDecision=f"DEL-{i}") for i in range(20_000)]
    data = xlsx(HEADER_XLSX + "".join(xlsx_row(list(r.values())) for r in rows))
    report = validate(data, "subventions")
    assert report.valid, report.fatal or report.errors[:3]
    assert report.rows == 20_000


def test_unsupported_compression_is_refused() -> None:
    """Only the methods of workbooks are read (bzip2 has no bounded read)."""
    data = xlsx(HEADER_XLSX + xlsx_row(ROW), method=zipfile.ZIP_BZIP2)
    report = validate(data, "subventions")
    assert report.status == "error" and "abîmé" in (report.fatal or "")


# The sandbox --------------------------------------------------------------------------


def test_the_sandbox_gives_the_same_report(tmp_path: Path) -> None:
    data = ods(
        HEADER_ODS + ods_row(ROW) + ods_row(dict(SUBVENTIONS, montant="x").values())
    )
    expected = validate(data, "subventions").to_dict()
    assert expected["status"] == "invalid"
    assert sandbox.validate(data, "subventions").to_dict() == expected
    path = tmp_path / "s.ods"
    path.write_bytes(data)
    assert sandbox.validate(path, "subventions").to_dict() == expected
    with path.open("rb") as stream:
        assert sandbox.validate(stream, "subventions").to_dict() == expected
    english = sandbox.validate(data, "subventions", language="en")
    assert english.errors[0].message != validate(data, "subventions").errors[0].message


def test_the_sandbox_stops_a_child_past_its_memory() -> None:
    """What no reader's limit bounds meets the sandbox's: a DECP JSON
    document is parsed whole, 4 MB of it into 1.5 million objects."""
    data = b'{"marches": [' + b"{}," * 1_500_000 + b"{}]}"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = sandbox.run(data, "decp", memory=LOW_MEMORY, seconds=60)
    assert outcome.limit == sandbox.MEMORY_LIMIT
    report = outcome.report
    assert report.status == "error" and not report.valid
    assert report.fatal == (
        "Le fichier est trop volumineux une fois décompressé (sa vérification "
        "demande plus de 64 Mo de mémoire). Il est refusé pour ne pas surcharger "
        "le portail : vérifiez qu'il s'agit du bon tableau, ou enregistrez-le au "
        "format CSV (UTF-8)."
    )
    assert report.standard == "decp"
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 20 * 1024  # kB: the caller did not parse anything


def test_the_sandbox_stops_a_child_past_its_time() -> None:
    """Without the reader's limits, a row repeated 100 million times takes
    minutes: the child is stopped after 2 seconds."""
    data = ods(HEADER_ODS + ods_row(ROW, repeat=100_000_000))
    unbounded = Limits(rows=10**12, cells=10**12, repeated_cells=10**12)
    outcome = sandbox.run(data, "subventions", limits=unbounded, seconds=2)
    assert outcome.limit == sandbox.TIME_LIMIT
    assert outcome.report.status == "error" and not outcome.report.valid
    assert outcome.report.fatal and outcome.report.fatal.startswith(
        "Le fichier est trop long à analyser (plus de 2 secondes)"
    )
    assert outcome.seconds < 4


# An RQ worker (a process that has checked nothing yet) prepared as CKAN's
# IForkObserver does before each job, then the process of one job, which
# checks a valid file and a file past its memory, and lists its children.
WORKER = """
import json, os, sys
from pathlib import Path
from ckanext.haute_garonne.validation import sandbox

data, bomb = (Path(name).read_bytes() for name in sys.argv[1:3])
sandbox.prepare_forking_parent()
job = os.fork()
if job == 0:
    try:
        report = sandbox.validate(data, "subventions").to_dict()
        limit = sandbox.run(bomb, "decp", memory=int(sys.argv[3]), seconds=60).limit
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == os.getpid():
                    children.append(int(entry.name))
        print(json.dumps([report, limit, children]), flush=True)
    finally:
        os._exit(0)
os.waitpid(job, 0)
"""


def test_a_job_of_a_prepared_worker_forks_its_checks(tmp_path: Path) -> None:
    """A job's checks are forks of the job itself: the same reports and
    limits as through a fork server, and no fork server left behind."""
    data = ods(
        HEADER_ODS + ods_row(ROW) + ods_row(dict(SUBVENTIONS, montant="x").values())
    )
    (tmp_path / "s.ods").write_bytes(data)
    (tmp_path / "bomb.json").write_bytes(
        b'{"marches": [' + b"{}," * 1_500_000 + b"{}]}"
    )
    child = subprocess.run(
        [sys.executable, "-c", WORKER, "s.ods", "bomb.json", str(LOW_MEMORY)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    report, limit, children = json.loads(child.stdout)
    assert report == json.loads(json.dumps(validate(data, "subventions").to_dict()))
    assert report["status"] == "invalid"
    assert limit == sandbox.MEMORY_LIMIT
    assert children == []


# The command line ---------------------------------------------------------------------


def test_the_cli_refuses_a_bomb_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bombe.ods"
    path.write_bytes(ods(HEADER_ODS + ods_row(ROW, repeat=1_000_000)))
    assert main([str(path), "--schema", "subventions"]) == 2
    out = capsys.readouterr().out
    assert "Verdict : ILLISIBLE" in out
    assert TOO_LARGE in out


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bombe.ods", ods(HEADER_ODS + ods_row(ROW, repeat=1_000_000)), TOO_LARGE),
        ("repete.ods", ods(HEADER_ODS + ods_row(ROW, repeat="abc")), "vaut “abc”"),
        ("lol.xlsx", xlsx(HEADER_XLSX, prolog=LOL), "DTD"),
    ],
)
def test_the_cli_process_prints_no_traceback(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "ckanext.haute_garonne.validation",
            str(path),
            "--schema",
            "subventions",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert child.returncode == 2
    assert words in child.stdout
    assert "Traceback" not in child.stderr and not child.stderr.strip()
