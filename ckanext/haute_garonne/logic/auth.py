"""Auth functions, one per action, named after it."""

from __future__ import annotations

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
