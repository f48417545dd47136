"""Validation status in the search index, and the "Conformité" facet; the
index, dataset reads and search results as each user may see them."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.haute_garonne.model import INVALID, PENDING, VALID
from ckanext.haute_garonne.standards.registry import N_
from ckanext.haute_garonne.uploads import store, visibility

FACET = "validation_status"
# Dataset-level statuses, from its files' latest validations.
STATUS_LABELS = {
    VALID: N_("Follows its standard"),
    INVALID: N_("Does not follow its standard"),
    PENDING: N_("Validation in progress"),
}


class ValidationIndexMixin(p.SingletonPlugin):
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        status, date = store.dataset_status(pkg_dict["id"])
        if status and date:
            pkg_dict[FACET] = status
            pkg_dict["validation_date"] = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        # The index holds what the public sees: no hidden file.
        return visibility.index_view(pkg_dict)

    def after_dataset_show(
        self, context: Any, pkg_dict: dict[str, Any]
    ) -> dict[str, Any]:
        # Internal reads (updates, jobs) see everything: stripping a file
        # from a dataset about to be saved would delete it.
        if context.get("for_update") or context.get("ignore_auth"):
            return pkg_dict
        return visibility.visible(pkg_dict, context.get("user"))

    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        user = (
            tk.current_user.name
            if tk.current_user and tk.current_user.is_authenticated
            else None
        )
        visibility.visible_all(search_results.get("results", []), user)
        facet = search_results.get("search_facets", {}).get(FACET)
        if facet:
            for item in facet["items"]:
                label = STATUS_LABELS.get(item["name"])
                if label:
                    item["display_name"] = tk._(label)
        return search_results

    # IFacets

    def dataset_facets(
        self, facets_dict: dict[str, Any], package_type: str
    ) -> dict[str, Any]:
        facets_dict[FACET] = tk._("Conformity")
        return facets_dict

    def organization_facets(
        self,
        facets_dict: dict[str, Any],
        organization_type: str,
        package_type: str | None,
    ) -> dict[str, Any]:
        facets_dict[FACET] = tk._("Conformity")
        return facets_dict
