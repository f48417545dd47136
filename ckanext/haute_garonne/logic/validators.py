"""Validators of our scheming fields, all named ``haute_garonne_*``.

Factories decorated with ``@scheming_validator`` receive the field definition
from the YAML schema, where facts such as ``dataset_type`` or ``default`` live.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Validator

from ckanext.scheming.validation import scheming_validator

from ckanext.haute_garonne.standards import registry

__all__ = [
    "haute_garonne_default_from_field",
    "haute_garonne_iso_datetime",
    "haute_garonne_license",
    "haute_garonne_resource_scdl_standard",
    "haute_garonne_resource_scdl_version",
    "haute_garonne_scdl_standard",
    "haute_garonne_scdl_version",
    "haute_garonne_territory",
]

# A commune (Corsica's 2A/2B included) or a département, mainland or overseas.
COMMUNE_CODE = re.compile(r"^(?:[013-9]\d|2[AB1-9])\d{3}$")
DEPARTMENT_CODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$")


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


@scheming_validator
def haute_garonne_default_from_field(
    field: dict[str, Any], schema: dict[str, Any]
) -> Validator:
    """Fill an empty value with the field's ``default`` from the YAML schema."""
    default = field.get("default")

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        if default is not None and _empty(data.get(key)):
            data[key] = default

    return validator


def haute_garonne_license(value: Any, context: Context) -> Any:
    """Only the licences of the portal's list (Licence Ouverte 2.0, ODbL)."""
    known = {lic.id for lic in model.Package.get_license_register().values()}
    if value not in known:
        raise tk.Invalid(
            tk._("Unknown licence {licence}: choose one of {choices}.").format(
                licence=value, choices=", ".join(sorted(known))
            )
        )
    return value


def _drop(key: FlattenKey, data: FlattenDataDict) -> None:
    """Leave an empty optional field out, as ``ignore_missing`` does."""
    data.pop(key, None)
    raise StopOnError


def _split_codes(value: Any) -> list[str]:
    if isinstance(value, str) and value.strip().startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)  # a stored value read back
    if isinstance(value, str):
        value = re.split(r"[\s,;]+", value)
    return [str(v).strip().upper() for v in value if str(v).strip()]


def _organization_territory(owner_org: Any) -> list[str]:
    """The INSEE codes recorded on a collectivité (its ``insee`` extra)."""
    if _empty(owner_org):
        return []
    group = model.Group.get(owner_org)
    if group is None:
        return []
    return _split_codes(group.extras.get("insee", ""))


@scheming_validator
def haute_garonne_territory(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """INSEE codes of communes or départements; the collectivité's by default."""

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        value = data.get(key)
        codes = [] if _empty(value) else _split_codes(value)
        if not codes:
            codes = _organization_territory(data.get(("owner_org",)))
        bad = [
            c for c in codes if not (COMMUNE_CODE.match(c) or DEPARTMENT_CODE.match(c))
        ]
        if bad:
            errors[key].append(
                tk._(
                    "Not an INSEE code of a commune (5 characters, e.g. 31458) "
                    "or of a département (e.g. 31): {codes}"
                ).format(codes=", ".join(bad))
            )
            return
        if not codes:
            _drop(key, data)
        data[key] = list(dict.fromkeys(codes))

    return validator


def _standard_error(dataset_type: str) -> str:
    names = ", ".join(s.identifier for s in registry.attachable_standards(dataset_type))
    return tk._("This type of dataset follows one of these standards: {names}.").format(
        names=names
    )


def _version_error(standard: Any) -> str:
    versions = ", ".join(v.version for v in standard.versions)
    return tk._(
        "Version not accepted for {standard}; accepted versions: {versions}."
    ).format(standard=standard.identifier, versions=versions)


def _standard_validator(field: dict[str, Any], optional: bool) -> Validator:
    """A ``scdl_standard`` value must be one of the field's dataset type's
    standards. Empty, the dataset's defaults to the type's first; a file's
    is left out (it inherits the dataset's)."""
    dataset_type = field["dataset_type"]
    choices = (
        registry.attachable_standards(dataset_type)
        if optional
        else registry.standards_for(dataset_type)
    )

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        value = data.get(key)
        if _empty(value):
            if optional:
                _drop(key, data)
            data[key] = choices[0].name
            return
        standard = registry.get_standard(value)
        if standard is None or standard not in choices:
            errors[key].append(_standard_error(dataset_type))
            return
        data[key] = standard.name

    return validator


def _version_validator(optional: bool) -> Validator:
    """A ``scdl_version`` value must be a version of the standard in force:
    the file's own, else the dataset's (validated first, as it comes first in
    the schema). Empty, the dataset's defaults to the latest; a file's is left
    out (it inherits the dataset's)."""

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        own = data.get((*key[:-1], "scdl_standard")) if optional else None
        name = own if not _empty(own) else data.get(("scdl_standard",))
        standard = registry.get_standard(name or "")
        value = data.get(key)
        if _empty(value):
            if optional:
                _drop(key, data)
            if standard is not None:
                data[key] = standard.latest.version
        elif standard is not None and standard.version(str(value)) is None:
            errors[key].append(_version_error(standard))

    return validator


@scheming_validator
def haute_garonne_scdl_standard(
    field: dict[str, Any], schema: dict[str, Any]
) -> Validator:
    """The dataset's standard: one of its type's, the first by default."""
    return _standard_validator(field, optional=False)


@scheming_validator
def haute_garonne_scdl_version(
    field: dict[str, Any], schema: dict[str, Any]
) -> Validator:
    """The dataset's standard version: accepted by the registry, the latest
    by default."""
    return _version_validator(optional=False)


@scheming_validator
def haute_garonne_resource_scdl_standard(
    field: dict[str, Any], schema: dict[str, Any]
) -> Validator:
    """A file's own standard, when it differs from the dataset's (optional)."""
    return _standard_validator(field, optional=True)


@scheming_validator
def haute_garonne_resource_scdl_version(
    field: dict[str, Any], schema: dict[str, Any]
) -> Validator:
    """A file's own version (optional: inherited from the dataset)."""
    return _version_validator(optional=True)


def haute_garonne_iso_datetime(value: Any) -> str:
    """An ISO 8601 date or date and time (e.g. ``2026-01-31`` or
    ``2026-01-31T08:00:00+01:00``), as the UTC date and time Solr reads."""
    import datetime

    from dateutil.parser import isoparse

    try:
        parsed = isoparse(str(value).strip())
    except (ValueError, OverflowError) as e:
        raise tk.Invalid(
            tk._(
                "Not an ISO 8601 date or date and time, e.g. 2026-01-31 or "
                "2026-01-31T08:00:00Z: {value}"
            ).format(value=value)
        ) from e
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
