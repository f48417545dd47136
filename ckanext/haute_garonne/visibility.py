"""Files that failed validation are kept out of public view: only those who
may edit their dataset see them (ckanext.haute_garonne.validation.hide_invalid)."""

from __future__ import annotations

from typing import Any

from ckan import authz, model

from ckanext.haute_garonne import config
from ckanext.haute_garonne.model import (
    ERROR,
    INVALID,
    ResourceValidation,
    hidden_resource_ids,
    hidden_resource_ids_of,
)


def may_edit(user: str | None, package_id: str) -> bool:
    # CKAN 2.11's auth functions read the model from the context.
    context = {"user": user or "", "model": model, "session": model.Session}
    return authz.is_authorized_boolean("package_update", context, {"id": package_id})


def resource_hidden(resource_id: str) -> bool:
    if not config.validation_hide_invalid():
        return False
    row = ResourceValidation.latest(resource_id)
    return row is not None and row.status in (INVALID, ERROR)


def visible(
    dataset: dict[str, Any], user: str | None, hidden: set[str] | None = None
) -> dict[str, Any]:
    """The dataset without its failed files, for a user who may not edit it.
    ``hidden``: the failed files of this dataset (and maybe others), when
    the caller fetched them for many datasets at once."""
    if not config.validation_hide_invalid() or not dataset.get("resources"):
        return dataset
    if hidden is None:
        hidden = hidden_resource_ids(dataset["id"])
    ids = {r["id"] for r in dataset["resources"]}
    if not hidden & ids or may_edit(user, dataset["id"]):
        return dataset
    dataset["resources"] = [r for r in dataset["resources"] if r["id"] not in hidden]
    dataset["num_resources"] = len(dataset["resources"])
    return dataset


def visible_all(datasets: list[dict[str, Any]], user: str | None) -> None:
    """``visible`` for a page of search results, with one query."""
    if not config.validation_hide_invalid() or not datasets:
        return
    hidden = hidden_resource_ids_of([d["id"] for d in datasets if d.get("resources")])
    for dataset in datasets:
        visible(dataset, user, hidden)
