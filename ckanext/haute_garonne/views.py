"""Public pages of the standards, their templates, and the choice of a
dataset type before creating a dataset."""

from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.haute_garonne.standards import fields, registry, templates
from ckanext.haute_garonne.types import SchemaVersion

__all__ = ["haute_garonne"]

haute_garonne = Blueprint("haute_garonne", __name__)


def _version_or_404(name: str, version: str | None) -> SchemaVersion:
    standard = registry.get_standard(name)
    found = standard and (standard.version(version) if version else standard.latest)
    if not found:
        tk.abort(404, tk._("No such standard or version"))
    return found


@haute_garonne.route("/standards")
def standards() -> str:
    return tk.render(
        "haute_garonne/standards/index.html",
        {"dataset_types": registry.DATASET_TYPES, "standards": registry.standards()},
    )


@haute_garonne.route("/standards/<name>")
@haute_garonne.route("/standards/<name>/<version>")
def standard(name: str, version: str | None = None) -> str:
    found = _version_or_404(name, version)
    standard = registry.standards()[found.standard]
    return tk.render(
        "haute_garonne/standards/read.html",
        {
            "standard": standard,
            "version": found,
            "dataset_type": registry.dataset_type_of(standard.name),
            "fields": fields.document_fields(found),
            "custom_checks": fields.custom_checks(found),
        },
    )


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    # Flask adds "; charset=utf-8" to text/* mimetypes.
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@haute_garonne.route("/standards/<name>/<version>/template.csv")
def template_csv(name: str, version: str) -> Response:
    found = _version_or_404(name, version)
    if found.kind != "table":
        tk.abort(404, tk._("This standard is not a table: it has no CSV template"))
    return _download(
        templates.csv_template(found),
        "text/csv",
        f"modele-{found.standard}-{found.version}.csv",
    )


@haute_garonne.route("/standards/<name>/<version>/template.xlsx")
def template_xlsx(name: str, version: str) -> Response:
    found = _version_or_404(name, version)
    if found.kind != "table":
        tk.abort(
            404, tk._("This standard is not a table: it has no spreadsheet template")
        )
    labels = {
        "data": tk._("Data"),
        "lists": tk._("Lists"),
        "required": tk._("Required column."),
        "optional": tk._("Optional column."),
        "example": tk._("Example:"),
        "enum_error": tk._("Choose a value from the list."),
    }
    return _download(
        templates.xlsx_template(found, labels),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"modele-{found.standard}-{found.version}.xlsx",
    )


@haute_garonne.route("/publish")
def publish() -> str:
    """Choose the kind of dataset to create: the SCDL types first."""
    return tk.render(
        "haute_garonne/publish.html",
        {
            "dataset_types": registry.DATASET_TYPES,
            "group": tk.request.args.get("group", ""),
        },
    )
