"""The DCAT catalogues harvesters read: the whole portal's and one per
collectivité, paged with Hydra.

A feed only ever shows what an anonymous visitor sees, whoever asks: public
and active datasets, without the SCDL files whose validation failed. It is
built from one search per page, one query for the hidden files of the page
and one for the identity of its collectivités.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from rdflib import ConjunctiveGraph, URIRef

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchError

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import catalog_uri

from ckanext.haute_garonne import config
from ckanext.haute_garonne.collectivites import lookup
from ckanext.haute_garonne.collectivites.identity import identity
from ckanext.haute_garonne.dcat import turtle
from ckanext.haute_garonne.dcat.profile import IDENTITY_KEY
from ckanext.haute_garonne.uploads import visibility

# Formats of the endpoints (file extensions), as ckanext-dcat names them.
FORMATS = ("ttl", "rdf", "xml", "jsonld", "n3")


# The profile classes of each list of profile names, once loaded.
_profile_classes: dict[tuple[str, ...], list[type]] = {}


class _CatalogGraph(ConjunctiveGraph):
    """The graph of a catalogue page, written in Turtle by ``turtle.py``
    (several times faster than rdflib's writer); other formats by rdflib."""

    def serialize(  # type: ignore[override]
        self, destination: Any = None, format: str = "turtle", **kwargs: Any
    ) -> Any:
        if destination is None and format == "turtle" and not kwargs:
            return turtle.serialize(self)
        return super().serialize(destination=destination, format=format, **kwargs)


class CatalogSerializer(RDFSerializer):
    """ckanext-dcat's serializer, for a catalogue whose URI is not the
    portal's (a collectivité's catalogue), and with a faster Turtle writer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.g = _CatalogGraph()

    def _load_profiles(self, profile_names: list[str]) -> list[type]:
        # ckanext-dcat finds each profile by reading the entry points of
        # every installed package, for every serializer: 8 ms for our two
        # profiles, about 4% of a catalogue page. They do not change while
        # the process runs. (Should ckanext-dcat rename this method, its
        # own runs again: slower, not wrong.)
        key = tuple(profile_names)
        if key not in _profile_classes:
            _profile_classes[key] = super()._load_profiles(profile_names)
        return _profile_classes[key]

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None = None) -> URIRef:
        uri = (catalog_dict or {}).get("uri") or catalog_uri()
        catalog_ref = URIRef(uri)
        for profile_class in self._profiles:
            profile = profile_class(self.g, compatibility_mode=self.compatibility_mode)
            profile.graph_from_catalog(catalog_dict, catalog_ref)
        return catalog_ref


def feed_url(fmt: str, organization: str | None = None, **params: Any) -> str:
    site = tk.config.get("ckan.site_url").rstrip("/")
    path = f"/organization/{organization}/catalog" if organization else "/catalog"
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{site}{path}.{fmt}" + (f"?{query}" if query else "")


def public_view(datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The datasets as the public sees them: without their hidden files, and
    with the identity of their collectivité."""
    visibility.strip_hidden(datasets)
    identities = lookup.of_groups(
        d["owner_org"] for d in datasets if d.get("owner_org")
    )
    for dataset in datasets:
        org = dataset.get("organization")
        if org and org.get("id") in identities:
            dataset["organization"] = {**org, IDENTITY_KEY: identities[org["id"]]}
    return datasets


def _invalid_query_message() -> str:
    return tk._(
        "The search engine could not read this query: check its quotes, "
        "brackets and colons, or search with plain words."
    )


def _pagination(count: int, page: int, per_page: int, url: Any) -> dict[str, Any]:
    if count == 0:
        return {}
    last = max(1, math.ceil(count / per_page))
    info: dict[str, Any] = {
        "count": count,
        "items_per_page": per_page,
        "current": url(page),
        "first": url(1),
        "last": url(last),
    }
    if page > 1:
        info["previous"] = url(page - 1)
    if page < last:
        info["next"] = url(page + 1)
    return info


def catalog(
    fmt: str,
    page: int = 1,
    modified_since: str | None = None,
    organization: dict[str, Any] | None = None,
    q: str | None = None,
    profiles: list[str] | None = None,
) -> str:
    """One page of the portal's catalogue, or of a collectivité's.

    ``modified_since`` is an ISO 8601 UTC date and time as Solr reads it.
    Raises ``ObjectNotFound`` for a page past the last one, and
    ``ValidationError`` for a query the search engine cannot read.
    """
    per_page = config.dcat_datasets_per_page()
    fq = ["-dataset_type:harvest", "-dataset_type:showcase"]
    if organization:
        fq.append(f'owner_org:"{organization["id"]}"')
    if modified_since:
        fq.append(f"metadata_modified:[{modified_since} TO NOW]")
    try:
        found = tk.get_action("package_search")(
            {"ignore_auth": True},
            {
                "q": q or "*:*",
                "fq_list": fq,
                "rows": per_page,
                "start": per_page * (page - 1),
                "sort": "metadata_modified desc",
                "include_private": False,
                "include_drafts": False,
            },
        )
    except SearchError as e:
        if not q:
            raise
        # The visitor's query: unbalanced quotes or brackets, a field the
        # index does not know, a refused local parameter…
        raise tk.ValidationError({"q": [_invalid_query_message()]}) from e
    if page > 1 and page > math.ceil(found["count"] / per_page):
        raise tk.ObjectNotFound(
            tk._("This catalogue has no page {page}.").format(page=page)
        )

    name = organization["name"] if organization else None
    pagination = _pagination(
        found["count"],
        page,
        per_page,
        lambda n: feed_url(fmt, name, modified_since=modified_since, q=q, page=n),
    )
    site = tk.config.get("ckan.site_url").rstrip("/")
    if organization:
        who = identity(organization)
        catalog_dict: dict[str, Any] = {
            "uri": f"{site}/organization/{organization['id']}/catalog",
            "title": tk._("Open data of {name}").format(name=who.title),
            "description": organization.get("description")
            or tk._("The datasets {name} publishes on the open data portal.").format(
                name=who.title
            ),
            "homepage": f"{site}/organization/{organization['name']}",
            "publisher": who,
        }
    else:
        catalog_dict = {
            "description": tk.config.get("ckan.site_description")
            or tk._(
                "The open data of the département of {name} and of its local "
                "authorities."
            ).format(name=config.department_name()),
            "publisher": lookup.department(),
        }
    serializer = CatalogSerializer(profiles=profiles)
    return serializer.serialize_catalog(
        catalog_dict,
        public_view(found["results"]),
        _format=fmt,
        pagination_info=pagination,
    )
