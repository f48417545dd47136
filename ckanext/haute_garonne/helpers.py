"""Template helpers, all named ``haute_garonne_*``: thin calls into the
domain packages."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import flask
import pytz
from babel.dates import get_datetime_format
from flask_babel import format_date, format_time, get_locale

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne import config
from ckanext.haute_garonne.collectivites import directory, lookup, theming
from ckanext.haute_garonne.collectivites.identity import KIND_LABELS
from ckanext.haute_garonne.model import ResourceValidation
from ckanext.haute_garonne.socle import figures
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.standards.registry import N_
from ckanext.haute_garonne.types import DatasetType, SchemaVersion
from ckanext.haute_garonne.uploads import visibility
from ckanext.haute_garonne.validation import i18n, labels


def haute_garonne_entry_prefill(
    dataset: dict[str, Any], resource: dict[str, Any]
) -> dict[str, str]:
    """What a new row of an online table starts with (entry/)."""
    from ckanext.haute_garonne.entry import service

    return service.prefill(dataset, resource)


def haute_garonne_entry_is_empty(resource: dict[str, Any]) -> bool:
    """Whether an online table of an SCDL dataset has no row yet (entry/)."""
    from ckanext.haute_garonne.entry import service

    return service.is_empty(resource.get("id") or "")


def haute_garonne_department_name() -> str:
    """Name of the département that runs the portal."""
    return config.department_name()


def haute_garonne_standard_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Choices of a ``scdl_standard`` field: its dataset type's standards."""
    return [
        {"value": s.name, "label": f"{s.title} ({s.identifier})"}
        for s in registry.attachable_standards(field["dataset_type"])
    ]


def haute_garonne_version_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Choices of a ``scdl_version`` field: every version of its dataset
    type's standards, the latest first."""
    standards = registry.attachable_standards(field["dataset_type"])
    choices = []
    for standard in standards:
        for version in standard.versions:
            label = version.version
            if len(standards) > 1:
                label = f"{version.version} — {standard.title}"
            if version is standard.latest:
                label += " " + tk._("(latest)")
            choices.append({"value": version.version, "label": label})
    return choices


def haute_garonne_dataset_types() -> tuple[DatasetType, ...]:
    """The SCDL dataset types, in the order publishers see them."""
    return registry.DATASET_TYPES


def haute_garonne_schema_version(
    dataset: dict[str, Any], resource: dict[str, Any] | None = None
) -> SchemaVersion | None:
    """The standard version a dataset's (or one of its files') data follows."""
    return registry.schema_version_for(dataset, resource)


_TYPE_LABELS = {
    "string": N_("text"),
    "number": N_("decimal number"),
    "integer": N_("whole number"),
    "boolean": N_("yes/no"),
    "date": N_("date"),
    "datetime": N_("date and time"),
    "year": N_("year"),
    "object": N_("group of fields"),
    "array": N_("list"),
}
_CONSTRAINT_LABELS = {
    "pattern": N_("pattern (regular expression)"),
    "enum": N_("allowed values"),
    "minimum": N_("minimum"),
    "maximum": N_("maximum"),
    "minLength": N_("minimum length"),
    "maxLength": N_("maximum length"),
}


def haute_garonne_type_label(field_type: str | list[str]) -> str:
    """A Table Schema or JSON Schema type, in words a publisher reads."""
    if isinstance(field_type, list):
        return ", ".join(haute_garonne_type_label(t) for t in field_type)
    label = _TYPE_LABELS.get(field_type)
    return tk._(label) if label else field_type


def haute_garonne_constraint_label(constraint: str) -> str:
    """A constraint's name, in words a publisher reads."""
    label = _CONSTRAINT_LABELS.get(constraint)
    return tk._(label) if label else constraint


def haute_garonne_validation(resource_id: str) -> dict[str, Any] | None:
    """The latest validation of a resource's file, if any."""
    row = ResourceValidation.latest(resource_id)
    return row.as_dict() if row else None


def haute_garonne_candidate(resource_id: str) -> dict[str, Any] | None:
    """The new file that waits aside to replace this resource's file, or
    that was refused; for the collectivité only (None for anyone else)."""
    user = tk.current_user
    name = user.name if user and user.is_authenticated else ""
    try:
        shown = tk.get_action("haute_garonne_validation_show")(
            {"user": name}, {"resource_id": resource_id}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None
    return shown.get("candidate")


def haute_garonne_validation_badge(validation: dict[str, Any]) -> dict[str, str]:
    """Label and Bootstrap class of a validation status badge."""
    status = validation["status"]
    if status == "valid":
        version = registry.get_standard(validation["standard"])
        title = version.title if version else validation["standard"]
        label = tk._("Follows {standard} {version}").format(
            standard=title, version=validation["version"]
        )
        return {"label": label, "css": "bg-success"}
    if status == "invalid":
        label = tk.ungettext(
            "Does not follow the standard: {count} error",
            "Does not follow the standard: {count} errors",
            validation["error_count"],
        ).format(count=validation["error_count"])
        return {"label": label, "css": "bg-danger"}
    if status == "error":
        return {"label": tk._("Unreadable file"), "css": "bg-danger"}
    return {"label": tk._("Validation in progress"), "css": "bg-secondary"}


def haute_garonne_hidden_from_public(resource_id: str) -> bool:
    """Whether a file is kept out of public view (what its own people are
    told next to its badge)."""
    return visibility.resource_hidden(resource_id)


# Organisations are collectivités everywhere in the interface.
ORGANIZATION_LABELS = {
    "main nav": N_("Local authorities"),
    "breadcrumb": N_("Local authorities"),
    "page title": N_("Local authorities"),
    "content tab": N_("Local authorities"),
    "facet label": N_("Local authority"),
    "add link": N_("Add a local authority"),
    "create title": N_("Create a local authority"),
    "create label": N_("Create the local authority"),
    "update label": N_("Update the local authority"),
    "edit label": N_("Edit the local authority"),
    "search placeholder": N_("Search local authorities..."),
    "no any objects": N_("There are no local authorities yet."),
}


@tk.chained_helper
def humanize_entity_type(
    next_helper: Any, entity_type: str, object_type: str, purpose: str
) -> str | None:
    """Our dataset types' names in headings and breadcrumbs ("Subventions");
    elsewhere CKAN's own French wording for datasets ("Rechercher des jeux de
    données…"), rather than the English "Search subventionss…" that CKAN
    builds from the type name. (Named after core's helper, which it chains.)"""
    if entity_type == "organization":
        label = ORGANIZATION_LABELS.get(purpose)
        return tk._(label) if label else next_helper(entity_type, object_type, purpose)
    dataset_type = (
        registry.get_dataset_type(object_type) if entity_type == "package" else None
    )
    if dataset_type is None:
        return next_helper(entity_type, object_type, purpose)
    if purpose in (
        "breadcrumb",
        "page title",
        "main nav",
        "facet label",
        "content tab",
    ):
        return tk._(dataset_type.label)
    return None


@tk.chained_helper
def render_datetime(
    next_helper: Any,
    datetime_: Any,
    date_format: str | None = None,
    with_hours: bool = False,
    with_seconds: bool = False,
) -> str:
    """Dates with hours in the order of the language: "3 décembre 2026 à
    08:55", where CKAN writes "décembre 3, 2026, 08:55 (TU)" with an English
    pattern. Dates without hours are already CKAN's localised long dates.
    (Named after core's helper, which it chains.)"""
    if not with_hours or with_seconds or date_format:
        return next_helper(datetime_, date_format, with_hours, with_seconds)
    return _date_and_time(datetime_) or next_helper(
        datetime_, date_format, with_hours, with_seconds
    )


def _date_and_time(value: Any) -> str:
    """A date and time in the display timezone, as the current language
    writes them (its long date, short time and their joining pattern)."""
    if isinstance(value, str):
        try:
            value = tk.h.date_str_to_datetime(value)
        except (TypeError, ValueError):
            return ""
    if not isinstance(value, datetime.datetime):
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=pytz.utc)
    value = value.astimezone(tk.h.get_display_timezone())
    pattern = str(get_datetime_format("long", locale=get_locale())).replace("'", "")
    return pattern.replace("{1}", format_date(value, "long", rebase=False)).replace(
        "{0}", format_time(value, "short", rebase=False)
    )


def haute_garonne_dataset_type_names() -> list[str]:
    """Names of the SCDL dataset types."""
    return [t.name for t in registry.DATASET_TYPES]


# The activity stream's filter shows its types as stored ("new package").
ACTIVITY_TYPE_LABELS = {
    "new package": N_("New dataset"),
    "changed package": N_("Dataset changed"),
    "deleted package": N_("Dataset deleted"),
    "follow dataset": N_("Dataset followed"),
    "new resource view": N_("New resource view"),
    "changed resource view": N_("Resource view changed"),
    "deleted resource view": N_("Resource view deleted"),
    "new user": N_("New user"),
    "changed user": N_("User changed"),
    "follow user": N_("User followed"),
    "new group": N_("New group"),
    "changed group": N_("Group changed"),
    "deleted group": N_("Group deleted"),
    "follow group": N_("Group followed"),
    "new organization": N_("New local authority"),
    "changed organization": N_("Local authority changed"),
    "deleted organization": N_("Local authority deleted"),
    "follow organization": N_("Local authority followed"),
}


def haute_garonne_activity_type_label(activity_type: str) -> str:
    """An activity type in words ("Jeu de données modifié")."""
    label = ACTIVITY_TYPE_LABELS.get(activity_type)
    return tk._(label) if label else activity_type


# The titles of CKAN's error pages (werkzeug's reasons are in English).
_ERROR_TITLES = {
    400: N_("Bad request"),
    401: N_("Login required"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    413: N_("Upload too large"),
    429: N_("Too many requests"),
    500: N_("Internal server error"),
    503: N_("Service unavailable"),
}


def haute_garonne_error_title(code: Any, name: str | None = None) -> str:
    """The title of an error page, in the visitor's language."""
    try:
        label = _ERROR_TITLES.get(int(code))
    except (TypeError, ValueError):
        label = None
    return tk._(label) if label else (name or "")


def haute_garonne_kind_label(kind: str | None) -> str:
    """The French name of a kind of collectivité."""
    label = KIND_LABELS.get(kind or "")
    return tk._(label) if label else ""


def haute_garonne_kinds() -> list[dict[str, str]]:
    """Every kind of collectivité, for filters."""
    return [{"value": k, "label": tk._(v)} for k, v in KIND_LABELS.items()]


def haute_garonne_theme(primary: Any = None, secondary: Any = None) -> theming.Theme:
    """The theme that given colours make (the département's when none)."""
    return theming.theme_for(primary, secondary)


def haute_garonne_collectivite(org_id: str | None) -> dict[str, Any] | None:
    """What the pages of a collectivité and of its datasets show of it:
    names, checked image URLs, tagline and theme."""
    return lookup.page_collectivite(org_id)


def haute_garonne_page_collectivite(
    pkg_dict: dict[str, Any] | None = None, group_dict: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The collectivité whose theme a page wears: the organisation shown, or
    the one that publishes the dataset shown."""
    org_id = None
    if group_dict and group_dict.get("is_organization"):
        org_id = group_dict.get("id")
    elif pkg_dict:
        org_id = pkg_dict.get("owner_org") or (pkg_dict.get("organization") or {}).get(
            "id"
        )
    if not org_id:
        return None
    # A page asks twice (its styles, then its header band): read it once per
    # request (flask.g may outlive a request when an app context is shared).
    if not flask.has_request_context():
        return haute_garonne_collectivite(org_id)
    cache = flask.request.environ.setdefault("haute_garonne.collectivites", {})
    if org_id not in cache:
        cache[org_id] = haute_garonne_collectivite(org_id)
    return cache[org_id]


def haute_garonne_number(value: Any) -> str:
    """A whole number with French thousands separators (5 436)."""
    try:
        return f"{int(value):,}".replace(",", "\u202f")
    except (TypeError, ValueError):
        return ""


def haute_garonne_home_collectivites(limit: int = 12) -> list[dict[str, Any]]:
    """The collectivités that publish most, for the home page."""
    return [c for c in directory.list_collectivites(sort="datasets") if c["datasets"]][
        :limit
    ]


def haute_garonne_home_figures() -> Any:
    """The portal's key figures for the home page (socle.figures.Figures)."""
    return figures.home_figures()


def haute_garonne_safe_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL, else None: what a link may point to."""
    if isinstance(value, str) and re.match(r"^https?://[^\s\"'<>`\\]+$", value):
        return value
    return None


def haute_garonne_publishes() -> bool:
    """Whether the menu offers "Ma collectivité": to logged-in users other
    than sysadmins (whose page is the socle commun)."""
    user = tk.current_user
    return bool(user and user.is_authenticated and not user.sysadmin)


def haute_garonne_error_type_label(code: str) -> str:
    """A kind of validation error, in words (never its code)."""
    with i18n.language(tk.h.lang()):
        return labels.type_label(code)


def haute_garonne_add_file_url(pkg: dict[str, Any], archive: Any = False) -> str | None:
    """Where to add a file to a dataset, for those who may (never on an
    archived version of it)."""
    if archive is True or not pkg or not pkg.get("id"):
        return None
    if not tk.h.check_access("resource_create", {"package_id": pkg["id"]}):
        return None
    return tk.h.url_for(f"{pkg.get('type') or 'dataset'}_resource.new", id=pkg["name"])


def haute_garonne_default_private(dataset_type: str | None) -> str:
    """The visibility a new dataset's form starts with: SCDL datasets are
    public data by law (and invalid files are refused anyway); other
    datasets stay private until their publisher opens them, as in CKAN."""
    return "False" if registry.get_dataset_type(dataset_type or "") else "True"


def haute_garonne_territory(codes: Any) -> list[dict[str, str]]:
    """The INSEE codes of a territorial coverage with their names: the
    département's communes by name, the département by its own."""
    if isinstance(codes, str):
        codes = codes.split()
    return lookup.territory([str(code) for code in codes or []])


def haute_garonne_organization_by_siren(siren: str | None) -> dict[str, str] | None:
    """The collectivité with this SIREN (name and title), if it is on the
    portal: an EPCI shown as a link to its page."""
    return lookup.by_siren(str(siren)) if siren else None


@tk.chained_helper
def user_image(next_helper: Any, user_id: str, size: int = 100) -> Any:
    """Avatars are local: a picture given by an address on another host is
    replaced by CKAN's placeholder, so that no page calls that host (and
    Gravatar is off: ckan.gravatar_default = disabled). Named after core's
    helper, which it chains."""
    user = model.User.get(user_id)
    if user is None:
        return ""
    # An uploaded picture is a bare file name; an address is its own host.
    host = urlsplit(user.image_url or "").netloc
    if host and host != urlsplit(tk.config.get("ckan.site_url") or "").netloc:
        return tk.h.snippet(
            "user/snippets/placeholder.html",
            size=size,
            user_name=user.display_name,
        )
    return next_helper(user_id, size)


# Fields scheming's table of a dataset leaves out (shown elsewhere on the page).
_NOT_IN_TABLE = (
    "id",
    "title",
    "name",
    "notes",
    "tag_string",
    "license_id",
    "owner_org",
)


def _filled(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_filled(v) for v in value)
    return value not in (None, "")


def haute_garonne_filled_fields(
    fields: list[dict[str, Any]], pkg_dict: dict[str, Any]
) -> list[dict[str, Any]]:
    """The fields of a dataset's table of details that have a value (an
    empty period or contact is left out)."""
    return [
        f
        for f in fields
        if f["field_name"] not in _NOT_IN_TABLE
        and f.get("display_snippet", "") is not None
        and _filled(pkg_dict.get(f["field_name"]))
    ]
