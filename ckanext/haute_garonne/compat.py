"""Differences between CKAN 2.11 and 2.12 that our queries meet.

CKAN 2.11 keeps organisation and dataset extras in ``group_extra`` and
``package_extra`` tables; CKAN 2.12 keeps them in JSONB ``extras`` columns
of ``group`` and ``package``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, text

from ckan import model

__all__ = [
    "groups_with_extra",
    "organization_extras",
    "organizations_digest",
    "package_extra",
]

_TABLE = getattr(model, "GroupExtra", None)
_PACKAGE_TABLE = getattr(model, "PackageExtra", None)


def package_extra(key: str) -> Any:
    """A column expression: the dataset's extra ``key`` (NULL without it),
    for a query over ``model.Package``."""
    if _PACKAGE_TABLE is None:
        return model.Package.extras[key].astext
    return (
        select(_PACKAGE_TABLE.value)
        .where(_PACKAGE_TABLE.package_id == model.Package.id)
        .where(_PACKAGE_TABLE.key == key)
        .scalar_subquery()
    )


def organization_extras(group_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The extras of many groups at once, by group id (one query)."""
    ids = list(group_ids)
    found: dict[str, dict[str, str]] = defaultdict(dict)
    if not ids:
        return found
    if _TABLE is None:
        for group_id, extras in model.Session.query(
            model.Group.id, model.Group.extras
        ).filter(model.Group.id.in_(ids)):
            found[group_id] = dict(extras or {})
        return found
    rows = (
        model.Session.query(_TABLE.group_id, _TABLE.key, _TABLE.value)
        .filter(_TABLE.state == "active")
        .filter(_TABLE.group_id.in_(ids))
    )
    for group_id, key, value in rows:
        found[group_id][key] = value
    return found


def groups_with_extra(key: str, value: str) -> list[tuple[str, str]]:
    """(id, title) of the undeleted organisations whose extra ``key`` is ``value``."""
    query = model.Session.query(model.Group.id, model.Group.title)
    if _TABLE is None:
        query = query.filter(model.Group.extras[key].astext == value)
    else:
        query = query.join(_TABLE, _TABLE.group_id == model.Group.id).filter(
            _TABLE.key == key, _TABLE.value == value, _TABLE.state == "active"
        )
    return (
        query.filter(model.Group.state != "deleted")
        .filter(model.Group.is_organization.is_(True))
        .all()
    )


def organizations_digest() -> str:
    """A digest of every organisation's id, name, state and extras (one
    query): it changes whenever any of them does."""
    if _TABLE is None:
        sql = (
            "SELECT count(*) || md5(coalesce(string_agg(id || name || state "
            "|| coalesce(extras::text, ''), ',' ORDER BY id), '')) "
            'FROM "group" WHERE is_organization'
        )
    else:
        sql = (
            "SELECT count(*) || md5(coalesce(string_agg(g.id || g.name || g.state "
            "|| coalesce(e.extras, ''), ',' ORDER BY g.id), '')) "
            'FROM "group" g LEFT JOIN (SELECT group_id, string_agg(key || '
            "'=' || coalesce(value, '') || state, ',' ORDER BY key) AS extras "
            "FROM group_extra GROUP BY group_id) e ON e.group_id = g.id "
            "WHERE g.is_organization"
        )
    return str(model.Session.execute(text(sql)).scalar())
