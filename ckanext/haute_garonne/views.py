"""Public pages of the standards, their templates, and the choice of a
dataset type before creating a dataset; the list of collectivités and the
compliance overview of the socle commun; the DCAT feeds."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import logging
from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.pagination import Page

from ckanext.dcat.exceptions import RDFProfileException
from ckanext.dcat.utils import parse_accept_header

from ckanext.haute_garonne import outage
from ckanext.haute_garonne.collectivites import directory, lookup
from ckanext.haute_garonne.collectivites.identity import KIND_LABELS
from ckanext.haute_garonne.logic.validators import haute_garonne_page_number
from ckanext.haute_garonne.safety import NUL, contains_nul, nul_byte_message
from ckanext.haute_garonne.socle import dashboard, overview, overview_cache
from ckanext.haute_garonne.socle.consolidation.merge import QuotedWriter, neutralise
from ckanext.haute_garonne.standards import fields, registry, templates
from ckanext.haute_garonne.standards.registry import N_
from ckanext.haute_garonne.types import SchemaVersion
from ckanext.haute_garonne.views_entry import haute_garonne_entry

__all__ = ["haute_garonne", "haute_garonne_entry"]

log = logging.getLogger(__name__)

haute_garonne = Blueprint("haute_garonne", __name__)


# Every request, ours and CKAN's ---------------------------------------------
# PostgreSQL refuses NUL bytes in text: a NUL in a URL, a query parameter, a
# form field, a file name or a JSON body would end in a 500 wherever it meets
# the database. It is refused here, once, with a French 400.


def _body_has_nul() -> bool:
    request = tk.request
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = request.form.to_dict(flat=False)
        if contains_nul(form) or any(
            NUL in (f.filename or "") for f in request.files.values()
        ):
            return True
        # CKAN's API also reads a JSON document sent as the only form key.
        items = list(form.items())
        if len(items) == 1 and items[0][1] in (["1"], [""]):
            try:
                return contains_nul(json.loads(items[0][0]))
            except ValueError:
                return False
        return False
    if request.content_length:
        try:
            return contains_nul(json.loads(request.get_data(cache=True)))
        except ValueError:
            return False  # not JSON: whoever reads it refuses it
    return False


@haute_garonne.before_app_request
def refuse_nul_bytes() -> Response | None:
    request = tk.request
    try:
        found = (
            NUL in request.path
            or contains_nul(request.args.to_dict(flat=False))
            or _body_has_nul()
        )
    except RecursionError:  # JSON nested too deep to scan: left to its reader
        found = False
    if not found:
        return None
    message = nul_byte_message()
    if request.path.startswith("/api/"):
        body = {
            "success": False,
            "error": {"__type": "Bad request", "message": message},
        }
        return Response(json.dumps(body), status=400, mimetype="application/json")
    return tk.abort(400, message)


# Solr unreachable (``outage.py``): a French 503, on any page or API call
# that needs search, and on writes that need the index; never a 500.


@haute_garonne.app_errorhandler(outage.SearchUnavailable)
def search_unavailable(error: outage.SearchUnavailable) -> Response:
    model.Session.rollback()
    log.warning(
        "Search engine unreachable: %s %s answered 503",
        tk.request.method,
        tk.request.path,
        exc_info=error,
    )
    if error.write:
        message = tk._(
            "The search engine of the portal is unavailable for a moment: "
            "nothing was saved. Please try again in a few minutes."
        )
    else:
        message = tk._(
            "The search engine of the portal is unavailable for a moment. "
            "Please try again in a few minutes."
        )
    headers = {"Retry-After": str(outage.RETRY_AFTER)}
    if tk.request.path.startswith("/api/"):
        body = {
            "success": False,
            "error": {"__type": "Search Unavailable", "message": message},
        }
        return Response(
            json.dumps(body), status=503, mimetype="application/json", headers=headers
        )
    page = tk.render(
        "error_document_template.html",
        {"code": 503, "name": tk._("Service unavailable"), "content": message},
    )
    return Response(page, status=503, headers=headers)


@haute_garonne.after_app_request
def search_unavailable_in_api(response: Response) -> Response:
    """CKAN's action API answers every exception with a 500 of its own."""
    error = getattr(tk.g, "haute_garonne_search_unavailable", None)
    if error is not None and response.status_code == 500:
        return search_unavailable(error)
    return response


def _page_number() -> int:
    """The ``page`` parameter of a paged list; a 400 when it is not a page."""
    try:
        return haute_garonne_page_number(tk.request.args.get("page", "1"), {})
    except tk.Invalid as e:
        return tk.abort(400, e.error)


def _version_or_404(name: str, version: str | None) -> SchemaVersion:
    standard = registry.get_standard(name)
    found = standard and (standard.version(version) if version else standard.latest)
    if not isinstance(found, SchemaVersion):
        return tk.abort(404, tk._("No such standard or version"))
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


COLLECTIVITES_PER_PAGE = 30


# Registered before CKAN's own blueprints, this rule answers /organization/.
@haute_garonne.route("/organization/")
def collectivites() -> str:
    """The collectivités, filtered by kind and legal obligation, with their
    population and number of datasets."""
    args = tk.request.args
    kind = args.get("kind", "")
    obligation = args.get("obligation", "")
    sort = args.get("sort", "title")
    q = args.get("q", "")
    if kind and kind not in KIND_LABELS:
        kind = ""
    if obligation not in ("", "yes", "no"):
        obligation = ""
    if sort not in directory.SORTS:
        sort = "title"
    items = directory.list_collectivites(
        q=q, kind=kind, obligation=obligation, sort=sort
    )
    params = {
        k: v
        for k, v in (
            ("q", q),
            ("kind", kind),
            ("obligation", obligation),
            ("sort", sort),
        )
        if v
    }
    page = Page(
        collection=items,
        page=_page_number(),
        items_per_page=COLLECTIVITES_PER_PAGE,
        url=lambda q="", page=1: tk.h.url_for(
            "organization.index", page=page, **params
        ),
    )
    return tk.render(
        "haute_garonne/collectivites/index.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "obligation": obligation,
            "sort": sort,
            "total": len(items),
        },
    )


STATE_LABELS = {
    "missing": N_("Not published"),
    "invalid": N_("Not valid"),
    "late": N_("Late"),
    "pending": N_("Being validated"),
    "ok": N_("Valid and up to date"),
}
# The state of one dataset among several of the same type.
DATASET_STATE_LABELS = {**STATE_LABELS, "missing": N_("No file yet")}


def _overview_args() -> dict[str, str]:
    args = tk.request.args
    found = {
        k: args.get(k, "") for k in ("epci", "kind", "obligation", "state", "sort")
    }
    if found["kind"] not in KIND_LABELS:
        found["kind"] = ""
    if found["obligation"] not in ("yes", "no"):
        found["obligation"] = ""
    if found["state"] not in STATE_LABELS:
        found["state"] = ""
    if found["sort"] not in overview.SORTS:
        found["sort"] = "title"
    if not found["epci"].isdigit():
        found["epci"] = ""
    return found


def _overview_rows(include_private: bool) -> list[overview.Row]:
    context = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        tk.check_access(
            "haute_garonne_overview_show", context, {"include_private": include_private}
        )
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins may see this page"))
    return overview_cache.rows(include_private, context["user"])


def _csv_cell(value: Any) -> Any:
    """A number stays a number; any other value is text a spreadsheet shows
    as text, never runs as a formula (the consolidated files' rule)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return neutralise(text) or text


def _overview_csv(rows: list[overview.Row]) -> Response:
    out = io.StringIO()
    # French Excel opens a file separated by ";" with a BOM in columns; text
    # is quoted (a ";" in a name cannot split it), numbers bare.
    writer = QuotedWriter(out, ";")
    header = [tk._("Local authority"), "SIREN", tk._("Kind"), tk._("Population"),
              tk._("Open data obligation"), tk._("Score")]  # fmt: skip
    for t in registry.DATASET_TYPES:
        label = tk._(t.label)
        header += [
            label,
            tk._("{dataset_type}: dataset").format(dataset_type=label),
            tk._("{dataset_type}: last file").format(dataset_type=label),
        ]
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(
        [_csv_cell(v) for v in header]
    )
    for row in rows:
        c = row.collectivite
        line = [c["title"], c["siren"], tk.h.haute_garonne_kind_label(c["kind"]),
                c["population"] if c["population"] is not None else "",
                {True: tk._("Yes"), False: tk._("No")}.get(c["obligation"], ""),
                row.score]  # fmt: skip
        for cell in row.cells:
            line += [
                tk._(STATE_LABELS[cell.state]),
                cell.dataset["name"] if cell.dataset else "",
                cell.updated.date().isoformat() if cell.updated else "",
            ]
        writer.writerow([_csv_cell(v) for v in line])
    return _download(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        "text/csv",
        f"socle-commun-{datetime.date.today().isoformat()}.csv",
    )


@functools.lru_cache(maxsize=65536)
def _rendered_datetime(when: datetime.datetime, lang: str, timezone: str) -> str:
    """``h.render_datetime(when)``, which depends on the language and the
    display time zone too: once per date for the overview's thousands of
    cells."""
    return tk.h.render_datetime(when)


def _url_prefix(endpoint: str, **values: str) -> str:
    """The URL of ``endpoint`` up to its last value, for the overview to
    append a URL name to without building each URL (the same URL as
    ``url_for`` gives for names, which are URL-safe)."""
    marker = "hg-url-name"
    url = tk.h.url_for(endpoint, **{k: v or marker for k, v in values.items()})
    if values:
        assert url.endswith(marker), url  # noqa: S101 (a route changed)
        return url[: -len(marker)]
    return url


def _datasets_text(n: int) -> str:
    return tk.ungettext("{n} dataset", "{n} datasets", n).format(n=n)


def _overview_texts() -> dict[str, Any]:
    """What the overview's cells repeat, translated and built once (a
    translation called in a template loop copies the template's context
    each time). Escaped as any text (none of these has a character to
    escape, in English or in French)."""
    lang = tk.h.lang() or ""
    timezone = tk.config.get("ckan.display_timezone") or ""
    types = [t.name for t in registry.DATASET_TYPES]
    return {
        "state_texts": {k: tk._(v) for k, v in STATE_LABELS.items()},
        "dataset_state_texts": {k: tk._(v) for k, v in DATASET_STATE_LABELS.items()},
        "kind_texts": {k: tk._(v) for k, v in KIND_LABELS.items()},
        "texts": {
            "yes": tk._("Yes"),
            "no": tk._("No"),
            "private": tk._("Private"),
            "datasets": _datasets_text,
        },
        "render_date": functools.partial(
            _rendered_datetime, lang=lang, timezone=timezone
        ),
        "urls": {
            "collectivite": _url_prefix("haute_garonne.overview_collectivite", name=""),
            "read": {t: _url_prefix(f"{t}.read", id="") for t in types},
            "search": {t: _url_prefix(f"{t}.search") + "?organization=" for t in types},
        },
    }


def _overview(include_private: bool, export: bool) -> Any:
    rows = _overview_rows(include_private)
    args = _overview_args()
    selected = overview.select(rows, **args)
    if export:
        return _overview_csv(selected)
    endpoint = (
        "haute_garonne.overview_admin" if include_private else "haute_garonne.overview"
    )
    return tk.render(
        "haute_garonne/overview/index.html",
        {
            "rows": selected,
            "total": len(rows),
            "totals": overview.totals(selected),
            "epcis": overview.epcis(rows),
            "args": args,
            "include_private": include_private,
            "endpoint": endpoint,
            "state_labels": STATE_LABELS,
            "dataset_state_labels": DATASET_STATE_LABELS,
            "dataset_types": registry.DATASET_TYPES,
            **_overview_texts(),
        },
    )


@haute_garonne.route("/socle-commun", endpoint="overview")
def overview_public() -> Any:
    """Who publishes which of the six priority datasets (public datasets only)."""
    return _overview(False, export=False)


@haute_garonne.route("/socle-commun.csv", endpoint="overview_csv")
def overview_public_csv() -> Any:
    return _overview(False, export=True)


@haute_garonne.route("/ckan-admin/socle-commun")
def overview_admin() -> Any:
    """The same for sysadmins, private datasets included."""
    return _overview(True, export=False)


@haute_garonne.route("/ckan-admin/socle-commun.csv")
def overview_admin_csv() -> Any:
    return _overview(True, export=True)


@haute_garonne.route("/socle-commun/<name>")
def overview_collectivite(name: str) -> Any:
    """One collectivité: what it publishes, what is missing, how to fix it."""
    try:
        # Its own admins (and sysadmins) see its private datasets too.
        include_private = tk.h.check_access("organization_update", {"id": name})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No such local authority"))
    rows = overview.build(
        include_private=include_private,
        user=tk.current_user.name if tk.current_user else "",
        organization=name,
    )
    if not rows:
        return tk.abort(404, tk._("No such local authority"))
    (row,) = rows
    return tk.render(
        "haute_garonne/overview/read.html",
        {
            "row": row,
            "state_labels": STATE_LABELS,
            "dataset_types": registry.DATASET_TYPES,
            "include_private": include_private,
        },
    )


# "Ma collectivité" -----------------------------------------------------------


def _user_name() -> str:
    return tk.current_user.name if tk.current_user.is_authenticated else ""


@haute_garonne.route("/after-login")
def after_login() -> Any:
    """Where ``ckan.auth.route_after_login`` leads: sysadmins to the
    département's overview, everyone else to their collectivité."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login")
    if tk.current_user.sysadmin:
        return tk.redirect_to("haute_garonne.overview_admin")
    return tk.redirect_to("haute_garonne.dashboard")


@haute_garonne.route("/ma-collectivite", endpoint="dashboard")
def dashboard_index() -> Any:
    """The collectivité of the logged-in publisher; a choice when several."""
    user = _user_name()
    if not user:
        return tk.redirect_to(
            "user.login", next=tk.h.url_for("haute_garonne.dashboard")
        )
    collectivites = dashboard.collectivites_of(user)
    if len(collectivites) == 1:
        return tk.redirect_to(
            "haute_garonne.dashboard_read", name=collectivites[0]["name"]
        )
    return tk.render(
        "haute_garonne/dashboard/index.html", {"collectivites": collectivites}
    )


@haute_garonne.route("/ma-collectivite/<name>")
def dashboard_read(name: str) -> Any:
    """For each of the six datasets: must it be published, where it stands,
    what to do next."""
    user = _user_name()
    if not user:
        return tk.redirect_to(
            "user.login", next=tk.h.url_for("haute_garonne.dashboard_read", name=name)
        )
    org = lookup.page_collectivite(name)
    if org is None:
        return tk.abort(404, tk._("No such local authority"))
    if not tk.h.check_access("package_create", {"owner_org": org["id"]}):
        return tk.abort(403, tk._("You are not a publisher of this local authority"))
    found = dashboard.build(org["name"], user)
    if found is None:
        return tk.abort(404, tk._("No such local authority"))
    return tk.render(
        "haute_garonne/dashboard/read.html",
        {
            "dashboard": found,
            # The page wears its collectivité's theme.
            "group_dict": {"id": org["id"], "is_organization": True},
            "others": [
                c for c in dashboard.collectivites_of(user) if c["name"] != org["name"]
            ]
            if not tk.current_user.sysadmin
            else [],
            "state_labels": dashboard.STATE_LABELS,
            "requirement_labels": dashboard.REQUIREMENT_LABELS,
        },
    )


ERRORS_PER_PAGE = 100


# Under each dataset type's own prefix, like CKAN's resource pages.
_TYPES = ",".join(
    [registry.GENERIC_DATASET_TYPE, *(t.name for t in registry.DATASET_TYPES)]
)


@haute_garonne.route(
    f"/<any({_TYPES}):package_type>/<id>/resource/<resource_id>/validation"
)
def validation_report(package_type: str, id: str, resource_id: str) -> str:
    """The validation report of a resource's file, errors paged."""
    context = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        validation = tk.get_action("haute_garonne_validation_show")(
            context, {"resource_id": resource_id}
        )
        package = tk.get_action("package_show")(context, {"id": id})
        resource = tk.get_action("resource_show")(context, {"id": resource_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You are not allowed to see this report"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No validation report for this file"))
    if resource["package_id"] != package["id"]:
        return tk.abort(404, tk._("No validation report for this file"))
    candidate = validation.get("candidate")
    if candidate and tk.request.args.get("candidate"):
        # The report of the new file that waits aside, or was refused.
        validation = {**candidate, "candidate": candidate, "is_candidate": True}
    errors = (validation.get("report") or {}).get("errors", [])
    page = Page(
        collection=errors,
        page=_page_number(),
        items_per_page=ERRORS_PER_PAGE,
        url=lambda q="", page=1: tk.h.url_for(
            "haute_garonne.validation_report",
            package_type=package_type,
            id=id,
            resource_id=resource_id,
            page=page,
            candidate=1 if validation.get("is_candidate") else None,
        ),
    )
    standard = registry.get_standard(validation["standard"])
    return tk.render(
        "haute_garonne/validation/report.html",
        {
            "validation": validation,
            "package": package,
            "pkg_dict": package,  # the page wears its collectivité's theme
            "res": resource,
            "version": standard.version(validation["version"]) if standard else None,
            "errors": page.items,
            "page": page,
        },
    )


# DCAT feeds ----------------------------------------------------------------
# ckanext-dcat's own endpoints are turned off (ckanext.dcat.enable_rdf_endpoints
# = false): these serve the same URLs through our public-only catalogue, with
# a 400 (not dcat's 409) for a bad parameter.

_FEED_FORMATS = "any(ttl,rdf,xml,jsonld,n3)"
_MEDIA_TYPES = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "n3": "text/n3",
}


def _rdf(body: str, fmt: str) -> Response:
    return Response(body, mimetype=_MEDIA_TYPES[fmt])


def _feed_error(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _negotiated() -> str:
    """The RDF format the Accept header asks for; Turtle by default."""
    return parse_accept_header(tk.request.headers.get("Accept", "")) or "ttl"


def _error_text(error: tk.ValidationError) -> str:
    return "; ".join(
        f"{field}: {' '.join(map(str, messages))}"
        for field, messages in error.error_dict.items()
    )


def _catalog(fmt: str, organization: str | None = None) -> Response:
    args = tk.request.args
    data_dict = {
        "format": fmt,
        "page": args.get("page") or 1,
        "modified_since": args.get("modified_since") or "",
        "q": args.get("q") or "",
    }
    if organization:
        data_dict["organization"] = organization
    if args.get("profiles"):
        data_dict["profiles"] = args["profiles"].split(",")
    try:
        body = tk.get_action("haute_garonne_dcat_catalog_show")({}, data_dict)
    except tk.ValidationError as e:
        return _feed_error(400, _error_text(e))
    except tk.ObjectNotFound as e:
        return _feed_error(404, str(e.message or tk._("Not found")))
    return _rdf(body, fmt)


@haute_garonne.route(f"/catalog.<{_FEED_FORMATS}:fmt>")
def dcat_catalog(fmt: str) -> Response:
    return _catalog(fmt)


@haute_garonne.route("/catalog")
def dcat_catalog_negotiated() -> Response:
    return _catalog(_negotiated())


@haute_garonne.route(f"/organization/<id>/catalog.<{_FEED_FORMATS}:fmt>")
def dcat_organization_catalog(id: str, fmt: str) -> Response:
    return _catalog(fmt, id)


@haute_garonne.route("/organization/<id>/catalog")
def dcat_organization_catalog_negotiated(id: str) -> Response:
    return _catalog(_negotiated(), id)


def dcat_dataset(id: str, fmt: str) -> Response:
    profiles = tk.request.args.get("profiles")
    try:
        body = tk.get_action("dcat_dataset_show")(
            {},
            {
                "id": id,
                "format": fmt,
                "profiles": profiles.split(",") if profiles else None,
            },
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return _feed_error(404, tk._("Dataset not found"))
    except RDFProfileException as e:
        return _feed_error(400, str(e))
    return _rdf(body, fmt)


# One static rule per dataset type, so that it wins over the type's own
# /<type>/<id> page (a dynamic first segment would lose).
for _type in _TYPES.split(","):
    haute_garonne.add_url_rule(
        f"/{_type}/<id>.<{_FEED_FORMATS}:fmt>",
        endpoint=f"dcat_dataset_{_type}",
        view_func=dcat_dataset,
    )
