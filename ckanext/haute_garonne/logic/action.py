"""API actions, all named ``haute_garonne_*``."""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader
from ckan.logic import validate
from ckan.types import Context, DataDict

from ckanext.dcat.exceptions import RDFProfileException
from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.haute_garonne.collectivites import images
from ckanext.haute_garonne.dcat import feeds
from ckanext.haute_garonne.logic import schema
from ckanext.haute_garonne.model import ResourceValidation
from ckanext.haute_garonne.safety import nul_byte_errors
from ckanext.haute_garonne.socle import overview, overview_cache
from ckanext.haute_garonne.standards import fields, registry
from ckanext.haute_garonne.types import Checked, Standard
from ckanext.haute_garonne.uploads import candidates, jobs, service, visibility
from ckanext.haute_garonne.uploads.runner import standard_of


def _summary(standard: Standard) -> dict[str, Any]:
    dataset_type = registry.dataset_type_of(standard.name)
    return {
        "name": standard.name,
        "identifier": standard.identifier,
        "title": standard.title,
        "dataset_type": dataset_type.name,
        "format": standard.file_format,
        "latest_version": standard.latest.version,
        "versions": [{"version": v.version, "url": v.url} for v in standard.versions],
    }


@tk.side_effect_free
@validate(schema.schema_list)
def haute_garonne_schema_list(
    context: Context, data_dict: DataDict
) -> list[dict[str, Any]]:
    """The standards the portal's SCDL dataset types follow.

    :param dataset_type: only the standards of this dataset type (optional)
    :type dataset_type: string
    :returns: for each standard its name, identifier, title, dataset type,
        file format, latest version and every accepted version with its
        canonical URL
    :rtype: list of dictionaries
    """
    tk.check_access("haute_garonne_schema_list", context, data_dict)
    dataset_type = data_dict.get("dataset_type")
    if dataset_type:
        chosen = registry.standards_for(dataset_type)
    else:
        chosen = tuple(registry.standards().values())
    return [_summary(s) for s in chosen]


@tk.side_effect_free
@validate(schema.schema_show)
def haute_garonne_schema_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One standard version, with its fields documented.

    :param id: the standard's name (``deliberations``) or identifier
        (``scdl/deliberations``)
    :type id: string
    :param version: the version (optional, the latest by default)
    :type version: string
    :returns: the standard's summary, plus ``version``, ``url`` (the
        versioned URL data.gouv.fr recognises), ``description``, ``fields``
        (name, title, description, type, format, required, constraints,
        example) and ``custom_checks``
    :rtype: dictionary
    """
    tk.check_access("haute_garonne_schema_show", context, data_dict)
    standard = registry.get_standard(data_dict["id"])
    if standard is None:
        raise tk.ObjectNotFound(
            tk._("No such standard: {id}").format(id=data_dict["id"])
        )
    version = standard.latest
    if data_dict.get("version"):
        found = standard.version(data_dict["version"])
        if found is None:
            raise tk.ObjectNotFound(
                tk._("Version {version} of {standard} is not accepted here").format(
                    version=data_dict["version"], standard=standard.identifier
                )
            )
        version = found
    return {
        **_summary(standard),
        "version": version.version,
        "url": version.url,
        "description": version.description,
        "fields": fields.document_fields(version),
        "custom_checks": fields.custom_checks(version),
    }


@tk.side_effect_free
@validate(schema.validation_show)
def haute_garonne_validation_show(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """The latest validation of a resource's file.

    :param resource_id: the resource
    :type resource_id: string
    :returns: status (pending, running, valid, invalid, error), standard,
        version, error_count, created, finished and the report (verdict,
        encoding, delimiter, rows, errors, error_counts, hints); for the
        collectivité, ``candidate``: the new file that waits aside to replace
        the published one, or that was refused (the same keys, plus
        ``filename`` or ``url``), or None
    :rtype: dictionary
    """
    tk.check_access("haute_garonne_validation_show", context, data_dict)
    row = ResourceValidation.latest(data_dict["resource_id"])
    if row is None:
        raise tk.ObjectNotFound(tk._("This file has not been validated"))
    shown = row.as_dict()
    if visibility.sees_hidden(context.get("user"), row.package_id):
        shown["candidate"] = candidates.latest(row.resource_id)
    return shown


@validate(schema.validation_run)
def haute_garonne_validation_run(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """Validate a resource's file again, in a background job.

    :param resource_id: the resource
    :type resource_id: string
    :returns: the pending validation
    :rtype: dictionary
    """
    tk.check_access("haute_garonne_validation_run", context, data_dict)
    resource = tk.get_action("resource_show")(context, {"id": data_dict["resource_id"]})
    return _enqueue(resource)


@validate(schema.validation_run_all)
def haute_garonne_validation_run_all(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """Validate again, in background jobs, every SCDL file of the portal or
    of one collectivité. Sysadmins only.

    :param organization: name or id of a collectivité (optional)
    :type organization: string
    :returns: ``queued``, the number of files queued
    :rtype: dictionary
    """
    tk.check_access("haute_garonne_validation_run_all", context, data_dict)
    query: dict[str, Any] = {
        "q": "*:*",
        "rows": 1000,
        "include_private": True,
        "start": 0,
    }
    if data_dict.get("organization"):
        org = tk.get_action("organization_show")(
            context, {"id": data_dict["organization"]}
        )
        query["fq"] = f'owner_org:"{org["id"]}"'
    query["fl"] = "id"
    queued = 0
    while True:
        page = tk.get_action("package_search")(context, dict(query))
        for found in page["results"]:
            # The index holds no hidden file: read each dataset whole.
            dataset = tk.get_action("package_show")(
                {"ignore_auth": True}, {"id": found["id"]}
            )
            for resource in dataset.get("resources", []):
                if standard_of(dataset, resource) and resource.get("url"):
                    _enqueue(resource)
                    queued += 1
        query["start"] += query["rows"]
        if query["start"] >= page["count"]:
            return {"queued": queued}


def _enqueue(resource: dict[str, Any]) -> dict[str, Any]:
    dataset = tk.get_action("package_show")(
        {"ignore_auth": True}, {"id": resource["package_id"]}
    )
    found = standard_of(dataset, resource)
    if found is None:
        raise tk.ValidationError(
            {"resource_id": [tk._("This file follows no standard of the portal")]}
        )
    return jobs.queue(resource, found[0]).as_dict()


def _check_dataset_files(
    context: Context, data_dict: DataDict, current: dict[str, Any] | None
) -> list[Checked | None]:
    """Validate the new files of a dataset's resources given inline (e.g.
    ``package_create`` with ``resources``), as resource_create does."""
    previous = {r["id"]: r for r in (current or {}).get("resources", [])}
    outcomes: list[Checked | None] = []
    errors: list[dict[str, Any]] = []
    for resource in data_dict.get("resources") or []:
        try:
            outcomes.append(
                service.check_file(
                    context, data_dict, resource, previous.get(resource.get("id"))
                )
            )
            errors.append({})
        except tk.ValidationError as e:
            outcomes.append(None)
            errors.append(e.error_dict)
    if any(errors):
        first = next(e for e in errors if e)
        raise tk.ValidationError(
            {"resources": errors}, error_summary={tk._("File"): first["url"][0]}
        )
    return outcomes


def _record_dataset_files(dataset_id: str, outcomes: list[Checked | None]) -> None:
    if not any(outcomes):
        return
    saved = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})
    for resource, outcome in zip(saved["resources"], outcomes, strict=False):
        if outcome is not None:
            service.record(resource, outcome)


def _refuse_nul_bytes(data_dict: DataDict) -> None:
    """PostgreSQL cannot store a NUL byte in text: a field holding one is
    refused with a French message, before anything is saved (rather than a
    database error half-way)."""
    errors = nul_byte_errors(data_dict)
    if errors:
        raise tk.ValidationError(errors)


@tk.chained_action
def package_create(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """Files given inline when a dataset is created are validated like those
    of resource_create; no field may hold a NUL byte. (Named after the core
    action it chains.)"""
    _refuse_nul_bytes(data_dict)
    _drop_empty_groups(data_dict, data_dict.get("type"))
    outcomes = _check_dataset_files(context, data_dict, None)
    result = next_action(context, data_dict)
    _record_dataset_files(result if isinstance(result, str) else result["id"], outcomes)
    return result


@tk.chained_action
def package_update(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """Files given inline when a dataset is updated are validated like those
    of resource_update; no field may hold a NUL byte. (Named after the core
    action it chains; package_patch, resource_create and resource_update go
    through it.)"""
    _refuse_nul_bytes(data_dict)
    package = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    _drop_empty_groups(data_dict, data_dict.get("type") or (package and package.type))
    if service.stashed(context) or not data_dict.get("resources"):
        # resource_create/_update already checked the file it brings.
        return next_action(context, data_dict)
    try:
        current = tk.get_action("package_show")(
            {"ignore_auth": True, "for_update": True},
            {"id": data_dict.get("id") or data_dict.get("name")},
        )
    except tk.ObjectNotFound:
        return next_action(context, data_dict)
    data_dict.setdefault("type", current.get("type"))
    outcomes = _check_dataset_files(context, {**current, **data_dict}, current)
    result = next_action(context, data_dict)
    _record_dataset_files(current["id"], outcomes)
    _revalidate_changed_standards(current["id"], outcomes)
    return result


_GROUP_KEY = re.compile(r"^(?P<field>[^-]+)-(?P<index>\d+)-(?P<subfield>.+)$")


def _drop_empty_groups(data_dict: DataDict, dataset_type: str | None) -> None:
    """Leave out the groups of a repeating field (a contact, a period) whose
    sub-fields are all empty: the form always shows one, so that saving a
    dataset without any stores none, as given through the API or as the form
    posts it ("contact-0-name")."""
    schema = scheming_get_dataset_schema(dataset_type or "dataset") or {}
    repeating = {
        f["field_name"]
        for f in schema.get("dataset_fields", [])
        if "repeating_subfields" in f
    }
    groups: dict[tuple[str, str], list[str]] = {}
    for key in list(data_dict):
        value = data_dict[key]
        if key in repeating and isinstance(value, list):
            data_dict[key] = [
                g for g in value if not isinstance(g, dict) or any(g.values())
            ]
        elif (found := _GROUP_KEY.match(key)) and found["field"] in repeating:
            groups.setdefault((found["field"], found["index"]), []).append(key)
    for keys in groups.values():
        if not any(data_dict[key] for key in keys):
            for key in keys:
                del data_dict[key]


def _revalidate_changed_standards(
    dataset_id: str, outcomes: list[Checked | None]
) -> None:
    """Files kept as they are, whose dataset now declares another standard or
    version than their report's, are validated again in the background."""
    dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset_id})
    for i, resource in enumerate(dataset.get("resources", [])):
        if i < len(outcomes) and outcomes[i] is not None:
            continue  # a new file, just checked
        latest = ResourceValidation.latest(resource["id"])
        found = standard_of(dataset, resource)
        if latest is None or found is None:
            continue
        version, chosen = found
        if latest.standard != version.standard or (
            chosen and latest.version != version.version
        ):
            jobs.queue(resource, version)


@tk.chained_action
@tk.side_effect_free
def resource_search(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """Hidden files are left out of the results of those who may not see
    them, and out of the count. (Named after the core action it chains.)"""
    if context.get("search_query"):  # model objects, for core's own use
        return next_action(context, data_dict)
    offset, limit = _natural(data_dict, "offset"), _natural(data_dict, "limit")
    everything = next_action(
        context, {k: v for k, v in data_dict.items() if k not in ("offset", "limit")}
    )
    found = visibility.visible_resources(everything["results"], context.get("user"))
    start = offset or 0
    end = None if limit is None else start + limit
    return {"count": len(found), "results": found[start:end]}


def _natural(data_dict: DataDict, key: str) -> int | None:
    value = data_dict.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise tk.ValidationError({key: [tk._("Must be a natural number")]})
    return number


def _with_banner(
    next_action: Any, context: Context, data_dict: DataDict, old: Any
) -> Any:
    """Check the logo and banner uploads (nothing is saved if one is refused),
    run the core action, then store the banner as CKAN stores the logo."""
    images.check_uploads(data_dict)
    banner = uploader.get_uploader("group", old or None)
    banner.update_data_dict(data_dict, "banner_url", "banner_upload", "clear_banner")
    result = next_action(context, data_dict)
    banner.upload(uploader.get_max_image_size())
    return result


@tk.chained_action
def organization_create(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """A collectivité's logo and banner: PNG, JPEG or WebP only, size-capped;
    no field may hold a NUL byte."""
    _refuse_nul_bytes(data_dict)
    return _with_banner(next_action, context, data_dict, None)


@tk.chained_action
def organization_update(next_action: Any, context: Context, data_dict: DataDict) -> Any:
    """As organization_create; the previous banner stays unless replaced."""
    _refuse_nul_bytes(data_dict)
    group = model.Group.get(data_dict.get("id") or data_dict.get("name") or "")
    old = group.extras.get("banner_url") if group is not None else None
    return _with_banner(next_action, context, data_dict, old)


@tk.side_effect_free
@validate(schema.dcat_catalog_show)
def haute_garonne_dcat_catalog_show(context: Context, data_dict: DataDict) -> str:
    """One page of the DCAT-AP catalogue of the portal, or of a collectivité.

    What an anonymous visitor may see only, whoever asks: no private, draft
    or deleted dataset, and no SCDL file hidden because its validation failed.

    :param format: ``ttl`` (default), ``rdf``, ``xml``, ``jsonld`` or ``n3``
    :type format: string
    :param page: page number, from 1 (optional)
    :type page: int
    :param modified_since: only the datasets modified since this ISO 8601
        date or date and time, e.g. ``2026-01-31`` (optional)
    :type modified_since: string
    :param organization: the collectivité's name or id: its own catalogue,
        with it as publisher (optional)
    :type organization: string
    :param q: a search query, as for package_search (optional)
    :type q: string
    :param profiles: the DCAT profiles to use, instead of the configured ones
        (optional)
    :type profiles: list of strings
    :returns: the serialised catalogue page, with Hydra paging
    :rtype: string
    """
    tk.check_access("haute_garonne_dcat_catalog_show", context, data_dict)
    organization = None
    if data_dict.get("organization"):
        organization = tk.get_action("organization_show")(
            {"ignore_auth": True},
            {"id": data_dict["organization"], "include_datasets": False},
        )
        if organization.get("state") != "active":
            raise tk.ObjectNotFound(tk._("No such collectivité"))
    try:
        return feeds.catalog(
            data_dict.get("format") or "ttl",
            page=data_dict.get("page") or 1,
            modified_since=data_dict.get("modified_since"),
            organization=organization,
            q=data_dict.get("q"),
            profiles=data_dict.get("profiles"),
        )
    except RDFProfileException as e:
        raise tk.ValidationError({"profiles": [str(e)]}) from e


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(next_action: Any, context: Context, data_dict: DataDict) -> str:
    """ckanext-dcat's catalogue (content negotiation on ``/``) is ours: the
    public view of the datasets, whoever asks. (Named after the dcat action
    it replaces; the stock one would show an editor's hidden files.)"""
    tk.check_access("dcat_catalog_show", context, data_dict)
    return _public_catalog(data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(next_action: Any, context: Context, data_dict: DataDict) -> str:
    """As dcat_catalog_show: the public view, whoever asks."""
    tk.check_access("dcat_catalog_search", context, data_dict)
    return _public_catalog(data_dict)


def _public_catalog(data_dict: DataDict) -> str:
    profiles = data_dict.get("profiles")
    try:
        return tk.get_action("haute_garonne_dcat_catalog_show")(
            {},
            {
                "format": data_dict.get("format") or "ttl",
                "page": data_dict.get("page") or 1,
                "modified_since": data_dict.get("modified_since") or "",
                "q": data_dict.get("q") or "",
                **({"profiles": profiles} if profiles else {}),
            },
        )
    except tk.ObjectNotFound as e:
        # A page past the last. ckanext-dcat's views (content negotiation)
        # answer a ValidationError with a 409, as for their own wrong pages,
        # but would let an ObjectNotFound through as a 500.
        raise tk.ValidationError({"page": [str(e.message)]}) from e


@tk.chained_action
@tk.side_effect_free
def dcat_dataset_show(next_action: Any, context: Context, data_dict: DataDict) -> str:
    """A dataset's DCAT graph, always as an anonymous visitor sees it: a
    private, draft or deleted dataset is not found, and SCDL files hidden
    because their validation failed are left out, whoever asks."""
    tk.check_access("dcat_dataset_show", context, data_dict)
    checked, errors = tk.navl_validate(
        {"id": data_dict.get("id")}, schema.dcat_dataset_show(), context
    )
    if errors:
        raise tk.ValidationError(errors)
    return next_action({"user": ""}, {**data_dict, "id": checked["id"]})


@tk.side_effect_free
@validate(schema.overview_show)
def haute_garonne_overview_show(
    context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """The compliance overview: every collectivité, and for each of the six
    SCDL dataset types whether it is published, valid and up to date.

    :param include_private: count private datasets too (sysadmins only)
    :type include_private: bool
    """
    tk.check_access("haute_garonne_overview_show", context, data_dict)
    include_private = bool(data_dict.get("include_private"))
    rows = overview_cache.rows(include_private, context.get("user", ""))
    return {
        "include_private": include_private,
        "dataset_types": [t.name for t in registry.DATASET_TYPES],
        "collectivites": [overview.row_dict(row) for row in rows],
    }
