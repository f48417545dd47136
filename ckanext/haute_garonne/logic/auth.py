"""Auth functions, one per action, named after it."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from ckanext.haute_garonne.uploads import visibility


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


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def resource_show(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    """A hidden file (failed, or not checked yet: ``uploads/visibility.py``)
    is seen only by its collectivité (core's rule applies first): its page,
    its download, its views. Named after the core function it chains."""
    result = next_auth(context, data_dict)
    if not result.get("success") or context.get("ignore_auth"):
        return result
    resource = context.get("resource") or model.Resource.get(data_dict.get("id") or "")
    if resource is None or not visibility.resource_hidden(resource.id):
        return result
    if visibility.sees_hidden(context.get("user"), resource.package_id):
        return result
    return {
        "success": False,
        "msg": tk._("This file is not public until its validation finds it valid."),
    }


@tk.auth_allow_anonymous_access
def haute_garonne_dcat_catalog_show(
    context: Context, data_dict: DataDict
) -> AuthResult:
    """The catalogues are public: they show public datasets only."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def haute_garonne_overview_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Everyone sees the public overview; only sysadmins (who pass every
    check before this function is called) see private datasets in it."""
    if tk.asbool(data_dict.get("include_private")):
        return {
            "success": False,
            "msg": tk._("Only sysadmins may see private datasets in the overview."),
        }
    return {"success": True}


def haute_garonne_entry_import(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever can change the table (its collectivité's editors and admins)
    can import rows into it."""
    return _allowed("resource_update", context, data_dict.get("resource_id"))
