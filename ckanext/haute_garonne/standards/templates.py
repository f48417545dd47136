"""Blank files for publishers: a CSV with the header row, and an XLSX with
the header, a comment on each column and drop-down lists for enumerations."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ckanext.haute_garonne.standards.fields import document_fields
from ckanext.haute_garonne.standards.registry import load_descriptor
from ckanext.haute_garonne.types import FieldDoc, SchemaVersion

# Rows of the data sheet that the drop-down lists cover.
TEMPLATE_ROWS = 5000
REQUIRED_FILL = PatternFill("solid", fgColor="FFE3B3")
OPTIONAL_FILL = PatternFill("solid", fgColor="E8EEF4")


def delimiter(version: SchemaVersion) -> str:
    """The separator the standard expects: ``;`` for the BAL, else ``,``."""
    return load_descriptor(version.path).get("dialect", {}).get("delimiter", ",")


def csv_template(version: SchemaVersion) -> bytes:
    """The header row alone, UTF-8, with the standard's separator."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter(version), lineterminator="\r\n")
    writer.writerow([f["name"] for f in document_fields(version)])
    return out.getvalue().encode("utf-8")


def _comment(field: FieldDoc, labels: dict[str, str]) -> str:
    lines = [field["title"] or field["name"]]
    if field["description"]:
        lines.append(field["description"])
    lines.append(labels["required"] if field["required"] else labels["optional"])
    if field["example"]:
        lines.append(f"{labels['example']} {field['example']}")
    return "\n".join(lines)


def xlsx_template(version: SchemaVersion, labels: dict[str, str]) -> bytes:
    """A workbook whose first sheet is ready to fill.

    ``labels`` gives the translated words used in comments and sheet names:
    ``data``, ``lists``, ``required``, ``optional``, ``example``.
    """
    fields = document_fields(version)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = labels["data"]
    lists = workbook.create_sheet(labels["lists"])
    lists.sheet_state = "hidden"

    for column, field in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=column, value=field["name"])
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if field["required"] else OPTIONAL_FILL
        comment = Comment(_comment(field, labels), "Haute-Garonne")
        comment.width, comment.height = 320, 200
        cell.comment = comment
        letter = get_column_letter(column)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, min(40, len(field["name"]) + 4))
        if field["type"] == "string":
            # Text cells: a spreadsheet must not turn a SIRET or an INSEE code
            # such as 01001 into a number.
            dimension.number_format = "@"

        enum = field["constraints"].get("enum")
        if enum:
            # Values go to the hidden sheet: an inline list is limited to 255
            # characters, which long enumerations exceed.
            for row, value in enumerate(enum, start=1):
                lists.cell(row=row, column=column, value=str(value))
            source = f"{quote_sheetname(lists.title)}!${letter}$1:${letter}${len(enum)}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True)
            validation.error = labels["enum_error"]
            validation.errorTitle = field["name"]
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
