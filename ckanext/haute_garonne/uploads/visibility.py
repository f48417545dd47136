"""Which files are hidden, from whom: the one decision.

A file is public once its validation has found it valid. One whose latest
verdict is a failure (invalid or unreadable), or that has no verdict yet
(pending, running: a first upload still being checked, or one whose worker
died), is kept out of public view while
``ckanext.haute_garonne.validation.hide_invalid`` is on. A file checked
again keeps its verdict meanwhile, and a new file that would replace a
public one waits aside until it passes (``candidates.py``), so the public
always sees the last file that passed.

Those who see hidden files: the members of the dataset's collectivité (any
role), those who may edit the dataset, and sysadmins. Everyone else sees
neither the files nor their metadata, wherever it would come from: dataset
pages and API, resource pages and downloads, search results and the search
index itself (``index_view``), ``resource_search``, the activity streams and
the DCAT feeds, which all ask here.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from dateutil.parser import isoparse

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.haute_garonne import config
from ckanext.haute_garonne.model import VALID, ResourceValidation

__all__ = [
    "hidden_by_package",
    "hidden_ids",
    "index_view",
    "may_edit",
    "resource_hidden",
    "sees_hidden",
    "strip_activities",
    "strip_hidden",
    "visible",
    "visible_activity",
    "visible_all",
    "visible_resources",
]


def may_edit(user: str | None, package_id: str) -> bool:
    # CKAN 2.11's auth functions read the model from the context.
    context = {"user": user or "", "model": model, "session": model.Session}
    return authz.is_authorized_boolean("package_update", context, {"id": package_id})


def sees_hidden(user: str | None, package_id: str) -> bool:
    """Whether ``user`` sees the hidden files of this dataset: a member of
    its collectivité (any role), one who may edit it, or a sysadmin."""
    if not user:
        return False
    if authz.is_sysadmin(user):
        return True
    dataset = model.Package.get(package_id)
    if (
        dataset is not None
        and dataset.owner_org
        and authz.has_user_permission_for_group_or_org(dataset.owner_org, user, "read")
    ):
        return True
    return may_edit(user, package_id)


def _hides(status: str | None) -> bool:
    """Never validated (None): not ours to hide. Valid: public. Anything
    else, a failure or no verdict yet: hidden."""
    return status is not None and status != VALID


def hidden_by_package(package_ids: Iterable[str]) -> dict[str, set[str]]:
    """The hidden files of these datasets, by dataset id, in one query."""
    ids = list(dict.fromkeys(package_ids))
    if not config.validation_hide_invalid() or not ids:
        return {}
    found: dict[str, set[str]] = {}
    for resource_id, (package_id, status) in ResourceValidation.decisive_statuses(
        ids
    ).items():
        if _hides(status):
            found.setdefault(package_id, set()).add(resource_id)
    return found


def hidden_ids(package_ids: list[str]) -> set[str]:
    """The hidden files of these datasets, in one query."""
    return set().union(*hidden_by_package(package_ids).values())


def resource_hidden(resource_id: str) -> bool:
    if not config.validation_hide_invalid():
        return False
    return _hides(ResourceValidation.decisive_status(resource_id))


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
    """The dataset without its hidden files, for a user who may not see
    them. ``hidden``: the hidden files of this dataset (and maybe others),
    when the caller fetched them for many datasets at once."""
    if not config.validation_hide_invalid() or not dataset.get("resources"):
        return dataset
    if hidden is None:
        hidden = hidden_ids([dataset["id"]])
    ids = {r["id"] for r in dataset["resources"]}
    if not hidden & ids or sees_hidden(user, dataset["id"]):
        return dataset
    _strip(dataset, hidden)
    return dataset


def visible_all(datasets: list[dict[str, Any]], user: str | None) -> None:
    """``visible`` for a page of search results, with one query. The index
    holds the public view of each dataset (``index_view``): those who see
    a dataset's hidden files get its files from the database instead."""
    listed = [d for d in datasets if "resources" in d and d.get("id")]
    hidden = hidden_by_package(d["id"] for d in listed)
    for dataset in listed:
        if dataset["id"] not in hidden:
            continue
        if sees_hidden(user, dataset["id"]):
            full = tk.get_action("package_show")(
                {"user": user or ""}, {"id": dataset["id"]}
            )
            dataset["resources"] = full["resources"]
            dataset["num_resources"] = len(full["resources"])
        else:
            _strip(dataset, hidden[dataset["id"]])


def visible_resources(
    resources: list[dict[str, Any]], user: str | None
) -> list[dict[str, Any]]:
    """These resources (of any datasets) less the hidden files ``user`` may
    not see (``resource_search``)."""
    hidden = hidden_by_package(r["package_id"] for r in resources)
    if not hidden:
        return resources
    seen: dict[str, bool] = {}

    def shown(resource: dict[str, Any]) -> bool:
        package_id = resource["package_id"]
        if resource["id"] not in hidden.get(package_id, set()):
            return True
        if package_id not in seen:
            seen[package_id] = sees_hidden(user, package_id)
        return seen[package_id]

    return [r for r in resources if shown(r)]


# The search index -----------------------------------------------------------


def index_view(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """A dataset about to be indexed (``before_dataset_index``), made its
    public view: its hidden files are left out of everything the index
    keeps, so that no search (any ``q``, ``fl`` or facet, ``data_dict`` and
    ``validated_data_dict`` included) can return or match them.

    CKAN has already flattened the files into ``res_*`` fields, one value
    per file in the order of ``resources``: the values of hidden files are
    taken out of each, and out of the two JSON copies of the dataset.

    ``package_show`` serves a dataset from its indexed copy when the copy's
    ``metadata_modified`` matches the database's to the hundredth of a
    second. A public view is dated 20 ms earlier, so it never does: those
    who see hidden files, and every update, read such a dataset whole from
    the database, even if its copy is stale (its file has since become
    valid and the re-indexing failed). Datasets without hidden files keep
    CKAN's cache."""
    hidden = hidden_ids([pkg_dict["id"]])
    if not hidden:
        return pkg_dict
    copies = {
        key: json.loads(pkg_dict[key])
        for key in ("data_dict", "validated_data_dict")
        if isinstance(pkg_dict.get(key), str)
    }
    resources = (copies.get("data_dict") or {}).get("resources") or []
    positions = [i for i, r in enumerate(resources) if r.get("id") in hidden]
    if not positions:
        return pkg_dict
    for key, value in list(pkg_dict.items()):
        if (
            key.startswith("res_")
            and isinstance(value, list)
            and len(value) == len(resources)
        ):
            pkg_dict[key] = [v for i, v in enumerate(value) if i not in positions]
    for key in ("validated_data_dict", "data_dict"):
        if key in copies:
            copy = copies[key]
            _strip(copy, hidden)
            if isinstance(copy.get("validated_data_dict"), str):
                # CKAN 2.11 keeps the validated copy inside data_dict too.
                copy["validated_data_dict"] = pkg_dict["validated_data_dict"]
            pkg_dict[key] = json.dumps(copy)
    pkg_dict["num_resources"] = len(resources) - len(positions)
    pkg_dict["metadata_modified"] = _earlier(pkg_dict["metadata_modified"])
    return pkg_dict


def _earlier(indexed: str) -> str:
    """An indexed date (ISO 8601, UTC) 20 ms earlier."""
    earlier = isoparse(indexed) - datetime.timedelta(milliseconds=20)
    return earlier.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Activity streams ------------------------------------------------------------


def _activity_dataset(activity: dict[str, Any]) -> dict[str, Any] | None:
    data = activity.get("data")
    package = data.get("package") if isinstance(data, dict) else None
    return package if isinstance(package, dict) else None


def strip_activities(
    activities: list[dict[str, Any]], user: str | None
) -> list[dict[str, Any]]:
    """Activities (as the activity plugin's actions return them, each with
    a copy of its dataset in ``data.package``) without the files that are
    hidden today from ``user``. The copies are replaced, never changed in
    place: they may be the very objects the database session holds."""
    datasets = [d for d in map(_activity_dataset, activities) if d and d.get("id")]
    hidden = hidden_by_package(d["id"] for d in datasets)
    if not hidden:
        return activities
    seen: dict[str, bool] = {}
    result = []
    for activity in activities:
        dataset = _activity_dataset(activity)
        gone = (
            hidden.get(dataset["id"], set()) if dataset and dataset.get("id") else set()
        )
        listed = {r.get("id") for r in (dataset or {}).get("resources") or []}
        if dataset is None or not gone & listed:
            result.append(activity)
            continue
        if dataset["id"] not in seen:
            seen[dataset["id"]] = sees_hidden(user, dataset["id"])
        if seen[dataset["id"]]:
            result.append(activity)
            continue
        public = {**dataset}
        _strip(public, gone)
        result.append({**activity, "data": {**activity["data"], "package": public}})
    return result


def visible_activity(activity: dict[str, Any], user: str | None) -> bool:
    """Whether this activity shows ``user`` nothing hidden from them."""
    return strip_activities([activity], user)[0] is activity
