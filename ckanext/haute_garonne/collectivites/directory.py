"""The directory of collectivités: identity, theme colour and dataset counts, for
the organisation list (filters by kind and obligation) and the home page.

One query for the organisations and their extras, one search for the number
of datasets each publishes (as the current user may see them), so the list
stays fast with the 603 collectivités of the département.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne import compat
from ckanext.haute_garonne.collectivites import images, theming
from ckanext.haute_garonne.collectivites.identity import flag

__all__ = ["SORTS", "list_collectivites"]

SORTS = ("title", "population", "datasets")


def _user_name() -> str:
    """The current user's name; none outside a request (command line, jobs)."""
    try:
        return tk.current_user.name if tk.current_user else ""
    except (RuntimeError, AttributeError):
        return ""


def _dataset_counts() -> dict[str, int]:
    result = tk.get_action("package_search")(
        {"user": _user_name()},
        {
            "rows": 0,
            "facet.field": ["owner_org"],
            "facet.limit": -1,
            "include_private": True,
        },
    )
    items = result["search_facets"].get("owner_org", {}).get("items", [])
    return {item["name"]: item["count"] for item in items}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def list_collectivites(
    q: str = "",
    kind: str = "",
    obligation: str = "",
    sort: str = "title",
    with_counts: bool = True,
    name: str = "",
) -> list[dict[str, Any]]:
    """Active collectivités matching the filters (``name``: that one only),
    sorted; their number of datasets (one search) unless ``with_counts`` is
    false."""
    query = (
        model.Session.query(
            model.Group.id, model.Group.name, model.Group.title, model.Group.image_url
        )
        .filter(model.Group.is_organization.is_(True))
        .filter(model.Group.state == "active")
    )
    if name:
        query = query.filter(model.Group.name == name)
    groups = query.all()
    if not groups:
        return []
    extras = compat.organization_extras(g.id for g in groups)
    counts = _dataset_counts() if with_counts else {}
    needle = q.strip().lower()
    colours: dict[str | None, str] = {}  # most collectivités share one
    items = []
    for group in groups:
        e = extras[group.id]
        if kind and e.get("kind") != kind:
            continue
        obliged = flag(e.get("open_data_obligation"))
        if obligation == "yes" and obliged is not True:
            continue
        if obligation == "no" and obliged is True:
            continue
        title = group.title or group.name
        if needle and needle not in title.lower() and needle not in group.name:
            continue
        primary = e.get("primary_color")
        if primary not in colours:
            colours[primary] = theming.theme_for(primary).primary
        items.append(
            {
                "id": group.id,
                "name": group.name,
                "title": title,
                "kind": e.get("kind"),
                "siren": e.get("siren"),
                "epci_siren": e.get("epci_siren"),
                "population": _int(e.get("population")),
                "obligation": obliged,
                "logo": images.image_display_url(group.image_url),
                "color": colours[primary],
                "datasets": counts.get(group.id, 0),
            }
        )
    if sort == "population":
        items.sort(key=lambda i: (-(i["population"] or -1), i["title"].lower()))
    elif sort == "datasets":
        items.sort(key=lambda i: (-i["datasets"], i["title"].lower()))
    else:
        items.sort(key=lambda i: i["title"].lower())
    return items
