"""Search and the DCAT feeds on a 2-node SolrCloud collection (replication
factor 2) when one node stops: visitors still search and harvesters still read
the feeds, a dataset published meanwhile is indexed, and the node that comes
back has it too.

Runs under ``make test-solrcloud`` only: dev/solrcloud starts the cluster and
the Makefile points CKAN_SOLR_URL at the collection (through nginx) and
HG_SOLRCLOUD at dev/solrcloud, which this test uses to stop and restart a node.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
import requests
from rdflib import RDF, Graph
from rdflib.namespace import DCAT

CONTROL = os.environ.get("HG_SOLRCLOUD", "")

pytestmark = pytest.mark.skipif(
    not CONTROL, reason="needs the SolrCloud of `make test-solrcloud`"
)


def cloud(*args: str) -> str:
    """Run a dev/solrcloud command (stop-node, start-node, leader...)."""
    done = subprocess.run(
        [CONTROL, *args], capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def found(app: Any, query: str) -> list[str]:
    """Names of the datasets the action API's search returns."""
    response = app.get("/api/3/action/package_search", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [d["name"] for d in response.json["result"]["results"]]


def feed(app: Any) -> set[str]:
    """URIs of the datasets of the portal's DCAT catalogue."""
    response = app.get("/catalog.ttl")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    return {str(d) for d in graph.subjects(RDF.type, DCAT.Dataset)}


def uri(dataset: dict[str, Any]) -> str:
    return f"http://test.ckan.net/dataset/{dataset['id']}"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_search_and_feeds_survive_the_loss_of_a_node(
    app: Any, make_dataset: Callable[..., dict[str, Any]]
) -> None:
    before = make_dataset(
        title="Budget primitif", notes="Le budget primitif voté en conseil."
    )
    assert found(app, "primitif") == [before["name"]]

    # Stop the node that holds the shard's leader: the harder case, since the
    # other replica must be elected before it can index anything.
    lost = cloud("leader")
    cloud("stop-node", lost)
    try:
        assert found(app, "primitif") == [before["name"]]
        page = app.get("/dataset/", query_string={"q": "primitif"})
        assert page.status_code == 200
        assert "Budget primitif" in page.get_data(as_text=True)
        assert uri(before) in feed(app)

        during = make_dataset(
            title="Subventions aux associations",
            notes="Les subventions versées aux associations sportives.",
        )
        assert found(app, "associations") == [during["name"]]
        assert feed(app) == {uri(before), uri(during)}
    finally:
        cloud("start-node", lost)

    # The node that came back recovered, from the new leader, what was indexed
    # without it: asked alone (distrib=false), its replica has both datasets.
    alone = requests.get(
        cloud("node-url", lost) + "/select",
        params={"q": "*:*", "fl": "name", "distrib": "false", "wt": "json"},
        timeout=30,
    ).json()["response"]
    assert sorted(d["name"] for d in alone["docs"]) == sorted(
        [before["name"], during["name"]]
    )


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_both_replicas_hold_what_was_just_indexed_and_can_compare_themselves(
    make_dataset: Callable[..., dict[str, Any]],
) -> None:
    """What a replica needs to catch up with its leader without copying the
    whole index (PeerSync): a fingerprint of its versions, which Solr cannot
    compute when ``_version_`` is CKAN's string field. Without it the replica
    stays in recovery and answers searches with an old index."""
    names = sorted(make_dataset(title=f"Registre {n}")["name"] for n in range(3))
    for node in ("1", "2"):
        url = cloud("node-url", node)
        alone = requests.get(
            url + "/select",
            params={"q": "*:*", "fl": "name", "distrib": "false", "wt": "json"},
            timeout=30,
        ).json()["response"]
        assert sorted(d["name"] for d in alone["docs"]) == names, node
        fingerprint = requests.get(
            url + "/get",
            params={"getFingerprint": str(2**63 - 1), "distrib": "false", "wt": "json"},
            timeout=30,
        )
        assert fingerprint.status_code == 200, fingerprint.text[:300]
        assert fingerprint.json()["fingerprint"]["numDocs"] >= len(names), node
