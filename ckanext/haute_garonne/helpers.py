"""Template helpers, all named ``haute_garonne_*``: thin calls into the
domain packages."""

from __future__ import annotations

import re
from typing import Any

import flask

import ckan.plugins.toolkit as tk

from ckanext.haute_garonne import config
from ckanext.haute_garonne.collectivites import directory, lookup, theming
from ckanext.haute_garonne.collectivites.identity import KIND_LABELS
from ckanext.haute_garonne.model import ResourceValidation
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.standards.registry import N_
from ckanext.haute_garonne.types import DatasetType, SchemaVersion


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


def haute_garonne_dataset_type_names() -> list[str]:
    """Names of the SCDL dataset types."""
    return [t.name for t in registry.DATASET_TYPES]


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


def haute_garonne_safe_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL, else None: what a link may point to."""
    if isinstance(value, str) and re.match(r"^https?://[^\s\"'<>`\\]+$", value):
        return value
    return None
