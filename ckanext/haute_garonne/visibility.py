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


def visible(dataset: dict[str, Any], user: str | None) -> dict[str, Any]:
    """The dataset without its failed files, for a user who may not edit it."""
    if not config.validation_hide_invalid() or not dataset.get("resources"):
        return dataset
    hidden = hidden_resource_ids(dataset["id"])
    if not hidden or may_edit(user, dataset["id"]):
        return dataset
    dataset["resources"] = [r for r in dataset["resources"] if r["id"] not in hidden]
    dataset["num_resources"] = len(dataset["resources"])
    return dataset
