"""Input schemas of our actions."""

from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator


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
