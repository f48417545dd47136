"""API actions, all named ``haute_garonne_*``."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate
from ckan.types import Context, DataDict

from ckanext.haute_garonne.logic import schema
from ckanext.haute_garonne.standards import fields, registry
from ckanext.haute_garonne.types import SchemaVersion, Standard


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
    version: SchemaVersion | None = standard.latest
    if data_dict.get("version"):
        version = standard.version(data_dict["version"])
        if version is None:
            raise tk.ObjectNotFound(
                tk._("Version {version} of {standard} is not accepted here").format(
                    version=data_dict["version"], standard=standard.identifier
                )
            )
    return {
        **_summary(standard),
        "version": version.version,
        "url": version.url,
        "description": version.description,
        "fields": fields.document_fields(version),
        "custom_checks": fields.custom_checks(version),
    }
