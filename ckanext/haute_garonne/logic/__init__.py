"""The API surface: actions (``action.py``), one auth function per action
(``auth.py``), their schemas (``schema.py``) and form validators
(``validators.py``). Actions call the rooms; never ``implementations``.

``actions()`` is what the plugin registers: the actions of ``action.py``,
the chained search and write actions of ``outage.py`` (Solr down), those of
``activity.py`` when the ``activity`` plugin is loaded, and those of
``entry.py`` and ``entry_files.py`` when the ``datastore`` and
``tabledesigner`` ones are. Two chained actions of the same name are
composed, the later one outermost, so that none replaces another."""

from __future__ import annotations

import functools
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import authz

__all__ = ["actions"]


def _compose(inner: Any, outer: Any) -> Any:
    """One chained action running ``outer`` around ``inner`` around what
    CKAN chains them to."""

    def composed(next_action: Any, context: Any, data_dict: Any) -> Any:
        return outer(functools.partial(inner, next_action), context, data_dict)

    composed.__name__ = getattr(outer, "__name__", "composed")
    composed.__doc__ = outer.__doc__ or inner.__doc__
    if getattr(inner, "side_effect_free", False) and getattr(
        outer, "side_effect_free", False
    ):
        composed.side_effect_free = True  # type: ignore[attr-defined]
    return tk.chained_action(composed)


def _add(found: dict[str, Any], more: dict[str, Any]) -> None:
    for name, action in more.items():
        before = found.get(name)
        chained = getattr(action, "chained_action", False)
        if before is not None and chained and getattr(before, "chained_action", False):
            found[name] = _compose(before, action)
        else:
            found[name] = action


def actions() -> dict[str, Any]:
    """Our actions by name (see the module's docstring)."""
    from ckanext.haute_garonne.logic import action, activity, entry, entry_files, outage

    found = dict(authz.get_local_functions(action))
    _add(found, outage.actions())
    if p.plugin_loaded("datastore"):
        _add(found, dict(authz.get_local_functions(entry_files)))
    if p.plugin_loaded("activity"):
        _add(found, activity.actions())
    if p.plugin_loaded("datastore") and p.plugin_loaded("tabledesigner"):
        _add(found, entry.actions())
    return found
