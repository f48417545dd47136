"""Text the portal never stores: a NUL byte (``\\x00``).

PostgreSQL refuses it in text columns, so a NUL in a URL, a form field, a
JSON body or a CSV cell would end in a database error (a 500) wherever it
meets the database. Every entry point refuses it with the same French
message: the request guard in ``views.py``, the chained dataset and
organisation actions and our actions' schemas in ``logic/``, onboarding in
``collectivites/``.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

NUL = "\x00"


def contains_nul(value: Any) -> bool:
    """Whether a value, or any key or value nested in it, holds a NUL byte."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_nul(v) for v in value)
    return False


def nul_byte_message() -> str:
    return tk._(
        "The text contains a NUL character (byte 0), which is not accepted. "
        "Retype it, or copy it from another source."
    )


def nul_byte_errors(data_dict: dict[str, Any]) -> dict[str, Any]:
    """The fields of a data dict (and of its resources, extras, …) that hold
    a NUL byte, as an error dict CKAN's forms and API understand."""
    errors: dict[str, Any] = {}
    for key, value in data_dict.items():
        name = str(key).replace(NUL, "")
        if isinstance(value, list) and any(isinstance(v, dict) for v in value):
            nested = [nul_byte_errors(v) if isinstance(v, dict) else {} for v in value]
            if any(nested):
                errors[name] = nested
            elif contains_nul(key):
                errors[name] = [nul_byte_message()]
        elif contains_nul(key) or contains_nul(value):
            errors[name] = [nul_byte_message()]
    return errors
