"""Auth functions, one per action, named after it."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict


@tk.auth_allow_anonymous_access
def haute_garonne_schema_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The standards are public: anyone may list them."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def haute_garonne_schema_show(context: Context, data_dict: DataDict) -> AuthResult:
    """The standards are public: anyone may read one."""
    return {"success": True}


def _allowed(action: str, context: Context, resource_id: Any) -> AuthResult:
    try:
        tk.check_access(action, context, {"id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return {"success": False}
    return {"success": True}


@tk.auth_allow_anonymous_access
def haute_garonne_validation_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever can see the resource can see its validation report."""
    return _allowed("resource_show", context, data_dict.get("resource_id"))


def haute_garonne_validation_run(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever can update the resource can have it validated again."""
    return _allowed("resource_update", context, data_dict.get("resource_id"))


def haute_garonne_validation_run_all(
    context: Context, data_dict: DataDict
) -> AuthResult:
    """Only sysadmins revalidate in batch (sysadmins pass every check before
    this function is called)."""
    return {"success": False, "msg": tk._("Only sysadmins may revalidate every file.")}
