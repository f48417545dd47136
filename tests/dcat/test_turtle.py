"""The catalogues' Turtle (written by the portal, not by rdflib): the same
graph as the other formats, whatever publishers write in their titles and
links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dcat_helpers import collectivite, parse, shacl_violations
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS

# Titles and descriptions a hostile (or merely creative) publisher writes:
# quotes of every kind, backslashes, line breaks, tabs, Turtle's own syntax.
HOSTILE_TEXTS = [
    'Budget "primitif" 2026 \\ annexe',
    'Trois guillemets """ et une fin "',
    "Lignes\nsur\r\nplusieurs\tcolonnes",
    '<http://evil.example/> a dcat:Dataset ; dct:title "x" .',
    "@prefix ev: <http://evil.example/> . _:b0 ev:p ev:o",
    "Émoji 🚲, accents àéîõü, apostrophe \u2019 et ' simple",
    "Fin par une barre \\",
]


def _body(app: Any, url: str) -> str:
    response = app.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_hostile_titles_come_back_intact_and_every_format_carries_one_graph(
    app, make_dataset
):
    roques = collectivite(name="roques", title="Roques")
    created = []
    for n, text in enumerate(HOSTILE_TEXTS):
        created.append(
            make_dataset(
                owner_org=roques["id"],
                name=f"jeu-{n}",
                title=text,
                notes=text,
                resources=[
                    {"url": f"https://data.roques.example/f-{n}.csv", "format": "CSV"}
                ],
            )
        )

    for url in ("/catalog.ttl", "/organization/roques/catalog.ttl"):
        graph = parse(_body(app, url))
        for dataset, text in zip(created, HOSTILE_TEXTS, strict=True):
            ref = URIRef(f"http://test.ckan.net/dataset/{dataset['id']}")
            assert str(graph.value(ref, DCTERMS.title)) == text, url
        # Nothing the titles hold became a triple of its own.
        assert not list(graph.triples((URIRef("http://evil.example/"), None, None)))
        assert shacl_violations(graph) == [], url

        # rdflib's RDF/XML and JSON-LD of the same page: the same graph.
        for fmt, rdflib_format in (("xml", "xml"), ("jsonld", "json-ld")):
            other = parse(_body(app, url.replace(".ttl", f".{fmt}")), rdflib_format)
            assert isomorphic(_without_paging(graph), _without_paging(other)), fmt


def _without_paging(graph: Graph) -> Graph:
    """The graph less its Hydra paging, whose URIs name the format."""
    out = Graph()
    for s, p, o in graph:
        if "hydra" not in str(p) and "hydra" not in str(o):
            out.add((s, p, o))
    return out


FORMATS = (("ttl", "turtle"), ("n3", "n3"), ("xml", "xml"), ("jsonld", "json-ld"))


def _every_feed(app: Any, dataset: dict[str, Any]) -> Iterator[tuple[str, str, Graph]]:
    """(format, URL, graph) of every feed that shows ``dataset``: the
    portal's catalogue, its collectivité's and its own, in every format."""
    for path in (
        "/catalog",
        "/organization/roques/catalog",
        f"/dataset/{dataset['id']}",
    ):
        for fmt, rdflib_format in FORMATS:
            url = f"{path}.{fmt}"
            yield fmt, url, parse(_body(app, url), rdflib_format)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_link_with_characters_turtle_forbids_does_not_break_the_feed(
    app, make_dataset
):
    roques = collectivite(name="roques", title="Roques")
    link = 'https://data.roques.example/mon fichier {2026}|"final".csv'
    dataset = make_dataset(
        owner_org=roques["id"],
        name="lien-espace",
        url='https://www.roques.example/la page "données"',
        resources=[{"url": link, "format": "CSV"}],
    )
    mended = "https://data.roques.example/mon%20fichier%20%7B2026%7D%7C%22final%22.csv"
    for fmt, url, graph in _every_feed(app, dataset):
        for predicate in (DCAT.accessURL, DCAT.downloadURL):
            assert {str(u) for u in graph.objects(None, predicate)} == {mended}, url
        for triple in graph:
            for term in triple:
                assert not (isinstance(term, URIRef) and " " in term), url
        if fmt == "ttl":
            assert shacl_violations(graph) == [], url


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_e_mail_addresses_with_characters_an_iri_forbids_do_not_break_the_feed(
    app, make_dataset
):
    # Addresses CKAN's e-mail check accepts (RFC 5322 allows these
    # characters before the @), on the collectivité and on a contact point.
    roques = collectivite(name="roques", title="Roques", email="open{data}@roques.fr")
    dataset = make_dataset(
        owner_org=roques["id"],
        name="contact-bizarre",
        contact=[{"name": "Mairie", "email": "m|a^i`rie@roques.fr"}],
        resources=[{"url": "https://data.roques.example/f.csv", "format": "CSV"}],
    )
    for _fmt, url, graph in _every_feed(app, dataset):
        mailto = {str(o) for o in graph.objects() if str(o).startswith("mailto:")}
        assert "mailto:open%7Bdata%7D@roques.fr" in mailto, url
        assert "mailto:m%7Ca%5Ei%60rie@roques.fr" in mailto, url


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_control_characters_pasted_from_a_spreadsheet_do_not_break_rdf_xml(
    app, make_dataset
):
    # XML cannot carry them, even escaped: one title with a vertical tab
    # made the RDF/XML of the whole page unreadable.
    roques = collectivite(
        name="roques", title="Roques", description="La commune\x0bde Roques\x01"
    )
    dataset = make_dataset(
        owner_org=roques["id"],
        name="controle",
        title="Budget\x0b2026\x01",
        notes="Notes\x0c\x1f fin",
        contact=[{"name": "Mairie\x02", "email": "mairie@roques.fr"}],
        resources=[
            {
                "url": "https://data.roques.example/f.csv",
                "format": "CSV",
                "name": "Fichier\x03",
            }
        ],
    )
    ref = URIRef(f"http://test.ckan.net/dataset/{dataset['id']}")
    graphs: dict[tuple[str, str], Graph] = {}
    for fmt, url, graph in _every_feed(app, dataset):
        graphs[url.rsplit(".", 1)[0], fmt] = graph
        assert str(graph.value(ref, DCTERMS.title)) == "Budget 2026 ", url
        for term in graph.objects():
            assert not any(ord(c) < 9 or 13 < ord(c) < 32 for c in str(term)), url
    for (path, fmt), graph in graphs.items():
        if fmt == "xml":
            turtle = graphs[path, "ttl"]
            assert isomorphic(_without_paging(turtle), _without_paging(graph)), path
