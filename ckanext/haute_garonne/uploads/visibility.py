"""Which files are hidden, from whom: the one decision.

A file whose latest validation failed (invalid or unreadable) is kept out of
public view while ``ckanext.haute_garonne.validation.hide_invalid`` is on;
only those who may edit its dataset see it. Every reader that shows files to
the public (dataset pages and API, search, DCAT feeds) asks here.
"""

from __future__ import annotations

from typing import Any

from ckan import authz, model

from ckanext.haute_garonne import config
from ckanext.haute_garonne.model import FAILED_STATUSES, ResourceValidation

__all__ = [
    "hidden_ids",
    "may_edit",
    "resource_hidden",
    "strip_hidden",
    "visible",
    "visible_all",
]


def may_edit(user: str | None, package_id: str) -> bool:
    # CKAN 2.11's auth functions read the model from the context.
    context = {"user": user or "", "model": model, "session": model.Session}
    return authz.is_authorized_boolean("package_update", context, {"id": package_id})


def _hides(status: str | None) -> bool:
    return status in FAILED_STATUSES


def hidden_ids(package_ids: list[str]) -> set[str]:
    """The hidden files of these datasets, in one query."""
    if not config.validation_hide_invalid() or not package_ids:
        return set()
    latest = ResourceValidation.latest_statuses(package_ids)
    return {resource_id for resource_id, status in latest.items() if _hides(status)}


def resource_hidden(resource_id: str) -> bool:
    if not config.validation_hide_invalid():
        return False
    row = ResourceValidation.latest(resource_id)
    return row is not None and _hides(row.status)


def _strip(dataset: dict[str, Any], hidden: set[str]) -> None:
    dataset["resources"] = [
        r for r in dataset.get("resources", []) if r["id"] not in hidden
    ]
    dataset["num_resources"] = len(dataset["resources"])


def strip_hidden(datasets: list[dict[str, Any]]) -> None:
    """Remove the hidden files of these datasets, whoever asks (the public
    view: DCAT feeds)."""
    hidden = hidden_ids([d["id"] for d in datasets if d.get("resources")])
    if hidden:
        for dataset in datasets:
            _strip(dataset, hidden)


def visible(
    dataset: dict[str, Any], user: str | None, hidden: set[str] | None = None
) -> dict[str, Any]:
    """The dataset without its hidden files, for a user who may not edit it.
    ``hidden``: the hidden files of this dataset (and maybe others), when
    the caller fetched them for many datasets at once."""
    if not config.validation_hide_invalid() or not dataset.get("resources"):
        return dataset
    if hidden is None:
        hidden = hidden_ids([dataset["id"]])
    ids = {r["id"] for r in dataset["resources"]}
    if not hidden & ids or may_edit(user, dataset["id"]):
        return dataset
    _strip(dataset, hidden)
    return dataset


def visible_all(datasets: list[dict[str, Any]], user: str | None) -> None:
    """``visible`` for a page of search results, with one query."""
    hidden = hidden_ids([d["id"] for d in datasets if d.get("resources")])
    if not hidden:
        return
    for dataset in datasets:
        visible(dataset, user, hidden)
