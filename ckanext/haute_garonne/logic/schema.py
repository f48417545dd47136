"""Input schemas of our actions."""

from __future__ import annotations

from typing import Any

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator

from ckanext.haute_garonne.dcat.feeds import FORMATS


@validator_args
def schema_list(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {"dataset_type": [ignore_missing, unicode_safe]}


@validator_args
def schema_show(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator
) -> Schema:
    return {"id": [not_empty, unicode_safe], "version": [ignore_missing, unicode_safe]}


@validator_args
def validation_show(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"resource_id": [not_empty, unicode_safe]}


@validator_args
def validation_run(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"resource_id": [not_empty, unicode_safe]}


@validator_args
def validation_run_all(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {"organization": [ignore_missing, unicode_safe]}


@validator_args
def dcat_catalog_show(
    ignore_empty: Validator,
    default: Any,
    unicode_safe: Validator,
    one_of: Any,
    int_validator: Validator,
    is_positive_integer: Validator,
    list_of_strings: Validator,
    haute_garonne_iso_datetime: Validator,
) -> Schema:
    return {
        "format": [default("ttl"), one_of(list(FORMATS))],
        "page": [default(1), int_validator, is_positive_integer],
        "modified_since": [ignore_empty, unicode_safe, haute_garonne_iso_datetime],
        "organization": [ignore_empty, unicode_safe],
        "q": [ignore_empty, unicode_safe],
        "profiles": [ignore_empty, list_of_strings],
    }


@validator_args
def overview_show(ignore_missing: Validator, boolean_validator: Validator) -> Schema:
    return {"include_private": [ignore_missing, boolean_validator]}
