"""Validation status in the search index, and the "Conformité" facet; the
index, dataset reads and search results as each user may see them."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.haute_garonne.model import INVALID, PENDING, VALID
from ckanext.haute_garonne.socle.consolidation.portal import dataset_name
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.standards.registry import N_
from ckanext.haute_garonne.uploads import index_state, visibility

FACET = index_state.STATUS_FIELD
TYPE_FACET = "dataset_type"
# Dataset-level statuses, from its files' latest validations.
STATUS_LABELS = {
    VALID: N_("Follows its standard"),
    INVALID: N_("Does not follow its standard"),
    PENDING: N_("Validation in progress"),
}


def _consolidated_last() -> str:
    """A Solr sort clause: 1 for a consolidated dataset, 0 for the others."""
    terms = ",".join(
        f"termfreq(name,'{dataset_name(standard)}')"
        for standard in registry.standards()
    )
    return f"sum({terms},0) asc"


def _type_label(name: str) -> str:
    found = registry.get_dataset_type(name)
    return tk._(found.label) if found else tk._("Other datasets")


class ValidationIndexMixin(p.SingletonPlugin):
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        pkg_dict.update(index_state.fields(pkg_dict["id"]))
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

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        # The default order puts the Département's consolidated datasets
        # last: they change whenever a source file does, and would otherwise
        # always come first. By name, so that no reindexing is needed.
        if search_params.get("sort") in (None, "", "rank"):
            default = tk.config.get("ckan.search.default_package_sort")
            search_params["sort"] = f"{_consolidated_last()}, {default}"
        return search_params

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
        types = search_results.get("search_facets", {}).get(TYPE_FACET)
        if types:
            for item in types["items"]:
                item["display_name"] = _type_label(item["name"])
        return search_results

    # IFacets

    def dataset_facets(
        self, facets_dict: dict[str, Any], package_type: str
    ) -> dict[str, Any]:
        facets_dict[FACET] = tk._("Conformity")
        if package_type == registry.GENERIC_DATASET_TYPE:
            # The main search lists every type: the kind of dataset first.
            found = {TYPE_FACET: tk._("Kind of dataset"), **facets_dict}
            facets_dict.clear()
            facets_dict.update(found)
        return facets_dict

    def organization_facets(
        self,
        facets_dict: dict[str, Any],
        organization_type: str,
        package_type: str | None,
    ) -> dict[str, Any]:
        facets_dict[FACET] = tk._("Conformity")
        return facets_dict
