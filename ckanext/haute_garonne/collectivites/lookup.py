"""Collectivités read from CKAN's database: organisations turned into
:class:`~ckanext.haute_garonne.types.Collectivite` (always through
``identity.identity``), the Département, and what a collectivité's pages show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne import compat, config
from ckanext.haute_garonne.collectivites import images, theming
from ckanext.haute_garonne.collectivites.communes import commune_names
from ckanext.haute_garonne.collectivites.identity import (
    DEPARTMENT_KIND,
    KIND_LABELS,
    flag,
    identity_from_extras,
    is_the_department,
)
from ckanext.haute_garonne.types import Collectivite

__all__ = [
    "by_siren",
    "department",
    "department_organization",
    "of_groups",
    "page_collectivite",
    "territory",
]


def of_groups(group_ids: Iterable[str]) -> dict[str, Collectivite]:
    """The identities of these organisations, by id, in two queries."""
    ids = set(group_ids)
    if not ids:
        return {}
    extras = compat.organization_extras(ids)
    rows = model.Session.query(model.Group.id, model.Group.name, model.Group.title)
    return {
        group_id: identity_from_extras(group_id, name, title, extras[group_id])
        for group_id, name, title in rows.filter(model.Group.id.in_(ids))
    }


def department() -> Collectivite | None:
    """The Département that runs the portal (see ``identity.is_the_department``),
    None when its organisation does not exist (yet). When several match, the
    first by title."""
    found = compat.groups_with_extra("kind", DEPARTMENT_KIND)
    identities = of_groups(group_id for group_id, _ in found)
    code = config.department_code()
    matching = [c for c in identities.values() if is_the_department(c, code)]
    matching.sort(key=lambda c: (c.title, c.name))
    return matching[0] if matching else None


def department_organization() -> dict[str, Any] | None:
    """The Département's organisation, as organization_show gives it."""
    found = department()
    if found is None:
        return None
    return tk.get_action("organization_show")(
        {"ignore_auth": True}, {"id": found.id, "include_datasets": False}
    )


def page_collectivite(org_id: str | None) -> dict[str, Any] | None:
    """What the pages of a collectivité and of its datasets show of it:
    names, checked image URLs, tagline and theme."""
    group = model.Group.get(org_id) if org_id else None
    if group is None or not group.is_organization or group.state != "active":
        return None
    extras = group.extras
    kind = extras.get("kind") or ""
    return {
        "id": group.id,
        "name": group.name,
        "title": group.title or group.name,
        "kind": extras.get("kind"),
        "kind_label": tk._(KIND_LABELS[kind]) if kind in KIND_LABELS else "",
        "tagline": extras.get("tagline"),
        "logo": images.image_display_url(group.image_url),
        "banner": images.image_display_url(extras.get("banner_url")),
        "obligation": flag(extras.get("open_data_obligation")) is True,
        "theme": theming.theme_for(
            extras.get("primary_color"), extras.get("secondary_color")
        ),
    }


def by_siren(siren: str) -> dict[str, str] | None:
    """The active collectivité with this SIREN (name and title), if it is on
    the portal."""
    for group_id, title in compat.groups_with_extra("siren", siren):
        group = model.Group.get(group_id)
        if group is not None and group.state == "active":
            return {"name": group.name, "title": title or group.name}
    return None


def territory(codes: list[str]) -> list[dict[str, str]]:
    """INSEE codes with their names: the département's communes by name, the
    département by its own (an unknown code has an empty name)."""
    names = commune_names()
    department = (config.department_code(), config.department_name())
    return [
        {
            "code": code,
            "name": department[1] if code == department[0] else names.get(code, ""),
        }
        for code in codes
    ]
