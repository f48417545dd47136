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
def validation_show(
    not_empty: Validator,
    unicode_safe: Validator,
    haute_garonne_no_nul_bytes: Validator,
) -> Schema:
    return {"resource_id": [not_empty, unicode_safe, haute_garonne_no_nul_bytes]}


# Running a resource's validation takes the same one resource id.
validation_run = validation_show


@validator_args
def validation_run_all(
    ignore_missing: Validator,
    unicode_safe: Validator,
    haute_garonne_no_nul_bytes: Validator,
) -> Schema:
    return {"organization": [ignore_missing, unicode_safe, haute_garonne_no_nul_bytes]}


@validator_args
def dcat_catalog_show(
    ignore_empty: Validator,
    default: Any,
    unicode_safe: Validator,
    one_of: Any,
    list_of_strings: Validator,
    haute_garonne_iso_datetime: Validator,
    haute_garonne_no_nul_bytes: Validator,
    haute_garonne_page_number: Validator,
    haute_garonne_search_query: Validator,
) -> Schema:
    return {
        "format": [default("ttl"), one_of(list(FORMATS))],
        "page": [default(1), haute_garonne_page_number],
        "modified_since": [ignore_empty, unicode_safe, haute_garonne_iso_datetime],
        "organization": [ignore_empty, unicode_safe, haute_garonne_no_nul_bytes],
        "q": [ignore_empty, unicode_safe, haute_garonne_search_query],
        "profiles": [ignore_empty, list_of_strings, haute_garonne_no_nul_bytes],
    }


@validator_args
def dcat_dataset_show(
    not_empty: Validator,
    unicode_safe: Validator,
    haute_garonne_no_nul_bytes: Validator,
) -> Schema:
    """What our chained dcat_dataset_show checks before ckanext-dcat's."""
    return {"id": [not_empty, unicode_safe, haute_garonne_no_nul_bytes]}


@validator_args
def overview_show(
    ignore_missing: Validator, unicode_safe: Validator, boolean_validator: Validator
) -> Schema:
    # As text first: CKAN 2.11's boolean_validator fails on a list or a number.
    return {"include_private": [ignore_missing, unicode_safe, boolean_validator]}
