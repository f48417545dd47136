"""The activity plugin's actions, chained so that its streams show no hidden
file to those who may not see it (``uploads/visibility.py``).

Each activity of a dataset keeps a copy of the whole dataset, files
included, and the streams return it. These actions are registered only when
the ``activity`` plugin is loaded (``logic/__init__.py``): a chained action
needs the action it chains.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.haute_garonne.uploads import visibility

__all__ = ["actions"]

# The actions that return activities, each with its dataset in data.package.
LISTS = (
    "package_activity_list",
    "organization_activity_list",
    "group_activity_list",
    "recently_changed_packages_activity_list",
    "user_activity_list",
    "dashboard_activity_list",
)


def _user(context: Context) -> str | None:
    return context.get("user") or None


def _chained_list(name: str) -> Any:
    @tk.chained_action
    @tk.side_effect_free
    def chained(
        next_action: Any, context: Context, data_dict: DataDict
    ) -> list[dict[str, Any]]:
        return visibility.strip_activities(
            next_action(context, data_dict), _user(context)
        )

    chained.__name__ = name
    chained.__doc__ = f"{name}, without the files hidden from the user."
    return chained


@tk.chained_action
@tk.side_effect_free
def activity_show(
    next_action: Any, context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """An activity, without the files hidden from the user. (Without
    ``include_data``, core's auth function fails with a KeyError: it
    defaults to false here.)"""
    data_dict.setdefault("include_data", False)
    return visibility.strip_activities(
        [next_action(context, data_dict)], _user(context)
    )[0]


@tk.chained_action
@tk.side_effect_free
def activity_data_show(
    next_action: Any, context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """An activity's data (or its dataset, with ``object_type`` package),
    without the files hidden from the user."""
    data = next_action(context, data_dict)
    if data_dict.get("object_type") == "package":
        wrapped = visibility.strip_activities(
            [{"data": {"package": data}}], _user(context)
        )[0]
        return wrapped["data"]["package"]
    return visibility.strip_activities([{"data": data}], _user(context))[0]["data"]


@tk.chained_action
@tk.side_effect_free
def activity_diff(
    next_action: Any, context: Context, data_dict: DataDict
) -> dict[str, Any]:
    """A diff between two versions of a dataset: refused to those who may
    not see a hidden file in either (a diff cannot be cut)."""
    result = next_action(context, data_dict)
    user = _user(context)
    if not all(
        visibility.visible_activity(a, user) for a in result.get("activities", [])
    ):
        raise tk.NotAuthorized(tk._("This change concerns a file that is not public."))
    return result


def actions() -> dict[str, Any]:
    """The chained activity actions, by name."""
    found: dict[str, Any] = {name: _chained_list(name) for name in LISTS}
    found.update(
        activity_show=activity_show,
        activity_data_show=activity_data_show,
        activity_diff=activity_diff,
    )
    return found
