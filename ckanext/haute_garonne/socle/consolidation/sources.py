"""Which consolidated files may hold rows of a dataset or a file, so that a
change to it (made private or public, deleted, purged, edited, a file
deleted) rebuilds them in the job that follows.

A file's rows can only be in the consolidated file of a standard version it
was once found valid for: our table of reports says which.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, or_

from ckan import model

from ckanext.haute_garonne.model import VALID, ResourceValidation
from ckanext.haute_garonne.socle.consolidation import portal
from ckanext.haute_garonne.standards import registry

__all__ = ["ACTIONS", "versions_after", "versions_after_report", "versions_of"]

# CKAN actions after which a source dataset may have left (or joined) the
# consolidated files. package_update also runs inside package_patch,
# package_revise and resource_create/_update/_delete.
DATASET_ACTIONS = ("package_update", "package_delete", "package_owner_org_update")
BULK_ACTIONS = ("bulk_update_private", "bulk_update_public", "bulk_update_delete")
FILE_ACTIONS = ("resource_delete",)
PURGE_ACTIONS = ("dataset_purge",)
ACTIONS = DATASET_ACTIONS + BULK_ACTIONS + FILE_ACTIONS + PURGE_ACTIONS


def _consolidated_ids() -> Any:
    names = [portal.dataset_name(name) for name in registry.standards()]
    return model.Session.query(model.Package.id).filter(model.Package.name.in_(names))


def versions_of(
    *,
    package_ids: Iterable[str] = (),
    resource_ids: Iterable[str] = (),
    purged: bool = False,
) -> set[tuple[str, str]]:
    """The tabular standard versions (standard, version) whose consolidated
    files may hold rows of these datasets or files (``purged``: of datasets
    that are gone from the database), never of the consolidated datasets
    themselves."""
    RV = ResourceValidation
    conditions: list[Any] = []
    package_ids, resource_ids = list(package_ids), list(resource_ids)
    if package_ids:
        conditions.append(RV.package_id.in_(package_ids))
    if resource_ids:
        conditions.append(RV.resource_id.in_(resource_ids))
    if purged:
        conditions.append(~exists().where(model.Package.id == RV.package_id))
    if not conditions:
        return set()
    rows = (
        model.Session.query(RV.standard, RV.version)
        .filter(RV.status == VALID)
        .filter(or_(*conditions))
        .filter(RV.package_id.notin_(_consolidated_ids()))
        .distinct()
    )
    found = set()
    for standard, version in rows:
        known = registry.get_standard(standard)
        if known is not None and known.kind == "table":
            found.add((standard, version))
    return found


def _readable(
    package_ids: Iterable[str], resource_ids: Iterable[str] = ()
) -> set[tuple[str, str]]:
    """``versions_of`` these datasets (or files), but only the versions
    whose consolidated file a change to them may change for the public: any
    for a public dataset; for a private one, only those that merged its
    files while it was public (to withdraw them). A private dataset's daily
    edits then queue nothing."""
    package_ids, resource_ids = [i for i in package_ids if i], list(resource_ids)
    if not package_ids:
        return set()
    private = {
        id_
        for (id_,) in model.Session.query(model.Package.id)
        .filter(model.Package.id.in_(package_ids))
        .filter(model.Package.private.is_(True))
    }

    def of(ids: Iterable[str]) -> set[tuple[str, str]]:
        if resource_ids:
            return versions_of(resource_ids=resource_ids)
        return versions_of(package_ids=ids)

    public = [i for i in package_ids if i not in private]
    found = of(public) if public else set()
    if private:
        merged = portal.merged_dataset_ids()
        found |= {
            version
            for version in of(private)
            if (listed := merged.get(version)) is None or listed & private
        }
    return found


def versions_after_report(
    package_id: str, resource_id: str, standard: str, version: str
) -> set[tuple[str, str]]:
    """The standard versions to consolidate again after a file's verdict for
    ``standard`` ``version``: any it was valid for before, and this one for
    a tabular standard of a public dataset; none for a change the public
    cannot read (``_readable``)."""
    found = _readable([package_id], [resource_id])
    dataset = model.Package.get(package_id)
    known = registry.get_standard(standard)
    if dataset is not None and not dataset.private and known and known.kind == "table":
        found.add((standard, version))
    return found


def versions_after(
    action: str, data_dict: dict[str, Any], result: Any
) -> set[tuple[str, str]]:
    """The standard versions to consolidate again after a CKAN action (the
    arguments of CKAN's ``action_succeeded`` signal); none for a change the
    public cannot read (``_readable``)."""
    if action in BULK_ACTIONS:
        return _readable(data_dict.get("datasets") or [])
    if action in FILE_ACTIONS:
        resource = model.Resource.get(data_dict.get("id") or "")
        if resource is None:
            return set()
        return _readable([resource.package_id], [resource.id])
    if action in PURGE_ACTIONS:
        return versions_of(package_ids=[data_dict.get("id") or ""], purged=True)
    if isinstance(result, dict) and result.get("id"):
        reference = result["id"]
    elif isinstance(result, str) and result:
        reference = result
    else:
        reference = data_dict.get("id") or data_dict.get("name") or ""
    dataset = model.Package.get(reference) if reference else None
    if dataset is None:
        return set()
    return _readable([dataset.id])
