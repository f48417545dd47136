"""The API surface: actions (``action.py``), one auth function per action
(``auth.py``), their schemas (``schema.py``) and form validators
(``validators.py``). Actions call the rooms; never ``implementations``.

``actions()`` is what the plugin registers: the actions of ``action.py``,
those of ``activity.py`` when the ``activity`` plugin is loaded, and those
of ``entry.py`` when the ``datastore`` and ``tabledesigner`` ones are."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
from ckan import authz

__all__ = ["actions"]


def actions() -> dict[str, Any]:
    """Our actions by name, as CKAN's blanket would find them in
    ``action.py``, plus the activity plugin's chained ones if it is loaded."""
    from ckanext.haute_garonne.logic import action, activity, entry, entry_files

    found = dict(authz.get_local_functions(action))
    if p.plugin_loaded("datastore"):
        found.update(authz.get_local_functions(entry_files))
    if p.plugin_loaded("activity"):
        found.update(activity.actions())
    if p.plugin_loaded("datastore") and p.plugin_loaded("tabledesigner"):
        found.update(entry.actions())
    return found
