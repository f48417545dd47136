"""Pages of online tables (Saisie en ligne): the published file's stable
download address, and the form that imports rows from a spreadsheet."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, stream_with_context

import ckan.plugins.toolkit as tk

from ckanext.haute_garonne.entry import publish

__all__ = ["haute_garonne_entry"]

haute_garonne_entry = Blueprint("haute_garonne_entry", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user else ""}


def _table(id: str, resource_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dataset and online table the user may see (403/404 otherwise)."""
    context = _context()
    try:
        resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        package = tk.get_action("package_show")(dict(context), {"id": id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You are not allowed to see this table"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No such table"))
    if resource["package_id"] != package["id"] or not publish.is_table(resource):
        return tk.abort(404, tk._("No such table"))
    return package, resource


@haute_garonne_entry.route("/dataset/<id>/resource/<resource_id>/scdl/<filename>")
def download(id: str, resource_id: str, filename: str) -> Response:
    """The published file of an online table, streamed from storage, for
    whoever may see the table (a private dataset's stays with its
    collectivité)."""
    _package, resource = _table(id, resource_id)
    stored = (resource.get("url") or "").rsplit("/", 1)[-1] or filename
    chunks = publish.stored_chunks(resource_id, stored)
    try:
        first = next(chunks, b"")
    except (FileNotFoundError, OSError):
        return tk.abort(
            404,
            tk._("The file of this table is being prepared: try again in a moment."),
        )

    def body() -> Any:
        yield first
        yield from chunks

    return Response(
        stream_with_context(body()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{stored}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


@haute_garonne_entry.route(
    "/dataset/<id>/resource/<resource_id>/import-rows", methods=["GET", "POST"]
)
def import_rows(id: str, resource_id: str) -> Any:
    """A small form: choose a spreadsheet, its rows are added to the table
    once it passes the checks; otherwise its report says why."""
    package, resource = _table(id, resource_id)
    context = _context()
    try:
        tk.check_access(
            "haute_garonne_entry_import", dict(context), {"resource_id": resource_id}
        )
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the local authority's publishers may add rows"))
    errors: dict[str, Any] = {}
    if tk.request.method == "POST":
        try:
            result = tk.get_action("haute_garonne_entry_import")(
                dict(context),
                {"resource_id": resource_id, "upload": tk.request.files.get("upload")},
            )
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            tk.h.flash_success(
                tk.ungettext(
                    "{count} row added to the table.",
                    "{count} rows added to the table.",
                    result["rows"],
                ).format(count=result["rows"])
            )
            return tk.h.redirect_to(
                f"{package['type']}_resource.read",
                id=package["name"],
                resource_id=resource_id,
            )
    return Response(
        tk.render(
            "haute_garonne/entry/import.html",
            {
                "package": package,
                "pkg_dict": package,
                "res": resource,
                "errors": errors,
            },
        ),
        status=400 if errors else 200,
    )
