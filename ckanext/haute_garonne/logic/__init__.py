"""The API surface: actions (``action.py``), one auth function per action
(``auth.py``), their schemas (``schema.py``) and form validators
(``validators.py``). Actions call the rooms; never ``implementations``.

``actions()`` is what the plugin registers: the actions of ``action.py``,
the chained search and write actions of ``outage.py`` (Solr down), and
those of ``activity.py`` when the ``activity`` plugin is loaded."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
from ckan import authz

__all__ = ["actions"]


def actions() -> dict[str, Any]:
    """Our actions by name, as CKAN's blanket would find them in
    ``action.py``, plus the activity plugin's chained ones if it is loaded."""
    from ckanext.haute_garonne.logic import action, activity, outage

    found = dict(authz.get_local_functions(action))
    found.update(outage.actions())
    if p.plugin_loaded("activity"):
        found.update(activity.actions())
    return found
