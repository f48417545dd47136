"""Feeds never carry a distribution without a URL: DCAT-AP requires a
``dcat:accessURL`` on each. A resource with no file and no link (a generic
dataset's, or an SCDL file saved before the portal refused them) is left
out of every feed, which stays conform to the DCAT-AP 3.0.0 shapes."""

from __future__ import annotations

from typing import Any

import pytest
from dcat_helpers import collectivite, parse, scdl_dataset, shacl_violations
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from ckan import model
from ckan.lib import search
from ckan.tests.helpers import call_action


def _ttl(app: Any, url: str) -> Graph:
    response = app.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return parse(response.get_data(as_text=True))


def _resource_uri(dataset: dict[str, Any], resource_id: str) -> URIRef:
    return URIRef(
        f"http://test.ckan.net/dataset/{dataset['id']}/resource/{resource_id}"
    )


def _add_resource_without_url(dataset: dict[str, Any], name: str) -> str:
    """A resource saved before SCDL datasets required a file or a link (the
    database as an older portal left it), then the dataset re-indexed."""
    resource = model.Resource(package_id=dataset["id"], url="", name=name)
    resource.position = len(dataset["resources"])
    model.Session.add(resource)
    model.repo.commit()
    search.rebuild(dataset["id"])
    return resource.id


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_resources_without_a_url_are_left_out_of_every_feed(
    app: Any, create_with_upload: Any, make_dataset: Any
) -> None:
    roques = collectivite(name="roques", title="Roques")
    generic = make_dataset(
        owner_org=roques["id"],
        resources=[
            {"url": "https://data.roques.example/velos.csv", "format": "CSV"},
            {"name": "À venir", "url": ""},
        ],
    )
    linked, empty = (r["id"] for r in generic["resources"])
    scdl = scdl_dataset(create_with_upload, roques, "subventions")
    (uploaded,) = (r["id"] for r in scdl["resources"])
    older = _add_resource_without_url(scdl, "Ancien fichier")
    assert {
        r["id"] for r in call_action("package_show", id=scdl["id"])["resources"]
    } == {
        uploaded,
        older,
    }

    for url in (
        "/catalog.ttl",
        "/organization/roques/catalog.ttl",
        f"/dataset/{generic['id']}.ttl",
        f"/subventions/{scdl['id']}.ttl",
    ):
        graph = _ttl(app, url)
        distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
        for gone in (_resource_uri(generic, empty), _resource_uri(scdl, older)):
            assert gone not in distributions, url
            assert not list(graph.predicate_objects(gone)), url
            assert not list(graph.subjects(DCAT.distribution, gone)), url
        for dataset, kept in ((generic, linked), (scdl, uploaded)):
            if f"{dataset['id']}.ttl" in url or "catalog" in url:
                ref = _resource_uri(dataset, kept)
                assert ref in distributions, url
                assert graph.value(ref, DCAT.accessURL) is not None, url
        for distribution in distributions:
            assert graph.value(distribution, DCAT.accessURL) is not None
        assert shacl_violations(graph) == [], url
