"""DCAT feeds: our profile on DCAT-AP 3, the catalogues harvesters read, what
they never show, their conformance to the DCAT-AP 3.0.0 shapes and the round
trip through ckanext-dcat's parser."""

from __future__ import annotations

from typing import Any

import pytest
from dcat_helpers import (
    DATA,
    SCDL_FILES,
    collectivite,
    parse,
    scdl_dataset,
    shacl_violations,
)
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.dcat.processors import RDFParser

from ckanext.haute_garonne.collectivites.identity import identity
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.uploads import store

HYDRA = "http://www.w3.org/ns/hydra/core#"
LOV2 = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
ODBL = URIRef("http://opendatacommons.org/licenses/odbl/summary/")
ROQUES_URI = URIRef("https://annuaire-entreprises.data.gouv.fr/entreprise/213104581")
SICOVAL_URI = URIRef("https://annuaire-entreprises.data.gouv.fr/entreprise/243100633")
MONTHLY = "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
GOVE = "http://publications.europa.eu/resource/authority/data-theme/GOVE"


def _ttl(app, url: str, status: int = 200, **kwargs: Any) -> Graph:
    response = app.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return parse(response.get_data(as_text=True))


def _datasets(graph: Graph) -> set[str]:
    return {str(d) for d in graph.subjects(RDF.type, DCAT.Dataset)}


def _uri(dataset: dict[str, Any]) -> str:
    return f"http://test.ckan.net/dataset/{dataset['id']}"


@pytest.fixture
def roques() -> dict[str, Any]:
    return collectivite(name="roques", title="Roques")


@pytest.fixture
def sicoval() -> dict[str, Any]:
    return collectivite(
        name="sicoval",
        title="Sicoval",
        kind="communaute_agglomeration",
        siren="243100633",
        insee="31004 31025 31446",
    )


# Organisation identity ------------------------------------------------------


def test_identity_reads_extras_and_top_level_fields():
    as_extras = {
        "id": "1",
        "name": "roques",
        "title": "Roques",
        "extras": [
            {"key": "siren", "value": "213104581"},
            {"key": "insee", "value": "31458"},
            {"key": "kind", "value": "commune"},
        ],
    }
    # ckanext-scheming organisation fields come as top-level keys.
    as_fields = {
        "id": "1",
        "name": "roques",
        "title": "Roques",
        "siren": "213104581",
        "insee": "31458",
        "kind": "commune",
    }
    assert identity(as_extras) == identity(as_fields)
    assert identity(as_fields).siren == "213104581"
    assert identity(as_fields).insee == ("31458",)


# The profile ----------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_scdl_dataset_graph_maps_every_field(app, create_with_upload, roques):
    dataset = scdl_dataset(
        create_with_upload,
        roques,
        "deliberations",
        tag_string="conseil municipal",
        temporal_coverage=[{"start": "2024-01-01", "end": "2024-12-31"}],
        contact=[{"name": "Mairie de Roques", "email": "mairie@roques.example"}],
    )
    graph = _ttl(app, f"/deliberations/{dataset['id']}.ttl")
    ref = URIRef(_uri(dataset))
    resource = dataset["resources"][0]
    dist = graph.value(ref, DCAT.distribution)

    assert graph.value(ref, DCTERMS.identifier) == Literal(dataset["id"])
    assert graph.value(ref, DCTERMS.title) == Literal(dataset["title"])
    assert graph.value(ref, DCTERMS.license) == LOV2
    assert graph.value(ref, DCTERMS.accrualPeriodicity) == URIRef(MONTHLY)
    assert graph.value(ref, DCAT.theme) == URIRef(GOVE)
    assert graph.value(ref, DCAT.keyword) == Literal("conseil municipal")
    assert graph.value(ref, DCTERMS.spatial) == URIRef(
        "http://id.insee.fr/geo/commune/31458"
    )
    assert graph.value(ref, DCTERMS.issued).datatype == XSD.dateTime
    assert graph.value(ref, DCTERMS.modified).datatype == XSD.dateTime
    temporal = graph.value(ref, DCTERMS.temporal)
    assert graph.value(temporal, DCAT.startDate) == Literal(
        "2024-01-01", datatype=XSD.date
    )
    contact = graph.value(ref, DCAT.contactPoint)
    assert str(
        graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))
    ) == ("mailto:mairie@roques.example")

    # The collectivité, by its SIREN.
    assert graph.value(ref, DCTERMS.publisher) == ROQUES_URI
    assert (ROQUES_URI, RDF.type, FOAF.Organization) in graph
    assert graph.value(ROQUES_URI, FOAF.name) == Literal("Roques")
    assert graph.value(ROQUES_URI, DCTERMS.identifier) == Literal("213104581")

    # The file: its standard's exact versioned URL, a direct link, its size.
    assert list(graph.objects(dist, DCTERMS.conformsTo)) == [
        URIRef(SCDL_FILES["deliberations"][1])
    ]
    assert graph.value(dist, DCTERMS.identifier) == Literal(resource["id"])
    assert graph.value(dist, DCTERMS.license) == LOV2
    assert graph.value(dist, DCAT.downloadURL) == URIRef(resource["url"])
    assert resource["url"].endswith("/download/valid.csv")
    assert int(graph.value(dist, DCAT.byteSize)) == resource["size"]
    assert graph.value(dist, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert graph.value(dist, DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    assert graph.value(dist, DCTERMS.issued).datatype == XSD.dateTime
    assert shacl_violations(graph) == []


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("dataset_type", sorted(SCDL_FILES))
def test_every_scdl_type_gets_its_versioned_conforms_to(
    app, create_with_upload, roques, dataset_type
):
    dataset = scdl_dataset(create_with_upload, roques, dataset_type)
    graph = _ttl(app, f"/{dataset_type}/{dataset['id']}.ttl")
    dist = graph.value(URIRef(_uri(dataset)), DCAT.distribution)
    assert list(graph.objects(dist, DCTERMS.conformsTo)) == [
        URIRef(SCDL_FILES[dataset_type][1])
    ]
    assert shacl_violations(graph) == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_generic_dataset_with_odbl_and_a_link(app, make_dataset, sicoval):
    dataset = make_dataset(
        owner_org=sicoval["id"],
        license_id="odc-odbl",
        resources=[
            {"url": "https://data.sicoval.example/velos.geojson", "format": "GeoJSON"},
            {"url": "https://www.sicoval.fr/velos", "format": "HTML"},
        ],
    )
    graph = _ttl(app, f"/dataset/{dataset['id']}.ttl")
    ref = URIRef(_uri(dataset))
    assert graph.value(ref, DCTERMS.license) == ODBL
    assert graph.value(ref, DCTERMS.publisher) == SICOVAL_URI
    # The collectivité's territory when the dataset gives none.
    assert {str(s) for s in graph.objects(ref, DCTERMS.spatial)} == {
        "http://id.insee.fr/geo/commune/31004",
        "http://id.insee.fr/geo/commune/31025",
        "http://id.insee.fr/geo/commune/31446",
    }
    assert not list(graph.objects(ref, DCTERMS.conformsTo))
    urls = [
        str(u)
        for d in graph.objects(ref, DCAT.distribution)
        for u in graph.objects(d, DCAT.downloadURL)
    ]
    # A file link is a download; a web page is only an access URL.
    assert urls == ["https://data.sicoval.example/velos.geojson"]
    for dist in graph.objects(ref, DCAT.distribution):
        assert graph.value(dist, DCTERMS.license) == ODBL
    assert shacl_violations(graph) == []


# Catalogues -----------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_portal_and_each_collectivite_have_a_conforming_catalogue(
    app, create_with_upload, roques, sicoval
):
    mine = scdl_dataset(create_with_upload, roques, "subventions")
    theirs = scdl_dataset(create_with_upload, sicoval, "deliberations")

    portal = _ttl(app, "/catalog.ttl")
    assert _datasets(portal) == {_uri(mine), _uri(theirs)}
    assert shacl_violations(portal) == []

    catalog = _ttl(app, "/organization/sicoval/catalog.ttl")
    assert _datasets(catalog) == {_uri(theirs)}
    ref = URIRef("http://test.ckan.net/organization/" + sicoval["id"] + "/catalog")
    assert (ref, RDF.type, DCAT.Catalog) in catalog
    assert catalog.value(ref, DCTERMS.publisher) == SICOVAL_URI
    assert catalog.value(SICOVAL_URI, DCTERMS.identifier) == Literal("243100633")
    assert shacl_violations(catalog) == []

    for fmt, rdflib_format in (("rdf", "xml"), ("xml", "xml"), ("jsonld", "json-ld")):
        response = app.get(f"/organization/sicoval/catalog.{fmt}")
        assert response.status_code == 200
        assert _datasets(parse(response.get_data(as_text=True), rdflib_format)) == {
            _uri(theirs)
        }


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
def test_catalogues_are_paged_with_hydra(app, make_dataset, roques):
    created = {_uri(make_dataset(owner_org=roques["id"])) for _ in range(5)}
    seen: set[str] = set()
    url = "/catalog.ttl"
    pages = 0
    while url:
        graph = _ttl(app, url)
        pages += 1
        seen |= _datasets(graph)
        paging = next(graph.subjects(RDF.type, URIRef(HYDRA + "PagedCollection")))
        assert int(graph.value(paging, URIRef(HYDRA + "totalItems"))) == 5
        following = graph.value(paging, URIRef(HYDRA + "next"))
        url = str(following).replace("http://test.ckan.net", "") if following else ""
    assert pages == 3
    assert seen == created
    # Past the last page, and bad parameters: clear errors, no 500.
    assert app.get("/catalog.ttl?page=4").status_code == 404
    for bad in ("page=0", "page=deux", "modified_since=hier"):
        response = app.get(f"/catalog.ttl?{bad}")
        assert response.status_code == 400
        assert response.get_data(as_text=True).strip()


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_modified_since_keeps_the_datasets_changed_since(app, make_dataset, roques):
    import datetime

    from ckan import model
    from ckan.lib import search

    def made_on(day: str) -> dict[str, Any]:
        # Dated in the database (freezegun does not reach CKAN 2.11's
        # timestamps), then indexed again.
        dataset = make_dataset(owner_org=roques["id"])
        package = model.Package.get(dataset["id"])
        package.metadata_modified = datetime.datetime.fromisoformat(day)
        model.repo.commit()
        search.rebuild(dataset["id"])
        return dataset

    old = made_on("2024-01-10T12:00:00")
    recent = made_on("2025-06-10T12:00:00")
    graph = _ttl(app, "/catalog.ttl?modified_since=2025-01-01")
    assert _datasets(graph) == {_uri(recent)}
    graph = _ttl(
        app,
        "/organization/roques/catalog.ttl?modified_since=2024-01-01T00:00:00%2B01:00",
    )
    assert _datasets(graph) == {_uri(old), _uri(recent)}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_content_negotiation(app, make_dataset, roques):
    dataset = make_dataset(owner_org=roques["id"])
    turtle = {"Accept": "text/turtle"}
    assert _uri(dataset) in _datasets(_ttl(app, "/catalog", headers=turtle))
    assert _uri(dataset) in _datasets(
        _ttl(app, "/organization/roques/catalog", headers=turtle)
    )
    assert _uri(dataset) in _datasets(_ttl(app, "/", headers=turtle))
    # The dataset's URI dereferences to its graph.
    assert _datasets(_ttl(app, f"/dataset/{dataset['id']}", headers=turtle)) == {
        _uri(dataset)
    }
    response = app.get("/catalog", headers={"Accept": "application/ld+json"})
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert app.get("/organization/nowhere/catalog.ttl").status_code == 404


# Never exposed ----------------------------------------------------------------


def _everywhere(app, dataset: dict[str, Any], headers: dict[str, str]) -> list[bool]:
    """Whether the dataset shows in each feed, asked with these headers."""
    uri = _uri(dataset)
    found = [
        uri in _datasets(_ttl(app, "/catalog.ttl", headers=headers)),
        uri
        in _datasets(_ttl(app, "/organization/roques/catalog.ttl", headers=headers)),
        uri in _datasets(_ttl(app, "/", headers={**headers, "Accept": "text/turtle"})),
    ]
    api = app.get("/api/3/action/dcat_catalog_show?format=ttl", headers=headers)
    found.append(uri in _datasets(parse(api.json["result"])))
    for path in (
        f"/{dataset['type']}/{dataset['id']}.ttl",
        f"/dataset/{dataset['id']}.ttl",
    ):
        response = app.get(path, headers=headers)
        assert response.status_code in (200, 404)
        found.append(response.status_code == 200)
    response = app.get(
        f"/dataset/{dataset['id']}", headers={**headers, "Accept": "text/turtle"}
    )
    found.append(
        response.status_code == 200 and response.content_type.startswith("text/turtle")
    )
    return found


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_private_dataset_appears_in_no_feed_until_made_public(
    app, make_dataset, roques, sysadmin_headers
):
    dataset = make_dataset(owner_org=roques["id"], private=True)
    # Not even for a sysadmin: feeds are what the public sees.
    assert _everywhere(app, dataset, sysadmin_headers) == [False] * 7
    call_action("package_patch", id=dataset["id"], private=False)
    assert _everywhere(app, dataset, {}) == [True] * 7


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_deleted_and_draft_datasets_appear_in_no_feed(
    app, make_dataset, roques, sysadmin_headers
):
    deleted = make_dataset(owner_org=roques["id"])
    call_action("package_delete", id=deleted["id"])
    draft = make_dataset(owner_org=roques["id"], state="draft")
    for dataset in (deleted, draft):
        assert _everywhere(app, dataset, sysadmin_headers) == [False] * 7


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_hidden_invalid_file_appears_in_no_feed(
    app, create_with_upload, roques, sysadmin_headers
):
    dataset = scdl_dataset(create_with_upload, roques, "subventions")
    kept = dataset["resources"][0]
    hidden = create_with_upload(
        (DATA / SCDL_FILES["subventions"][0]).read_bytes(),
        "2025.csv",
        package_id=dataset["id"],
        name="2025",
    )
    # What step 3 records when the background validation of a file fails.
    store.save(
        hidden,
        "sha256-of-the-bad-file",
        registry.standards()["subventions"].latest,
        {"status": "invalid", "errors": [], "error_counts": {}, "version": "2.1.1"},
        "invalid",
    )
    editor = factories.User()
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=editor["name"],
        role="editor",
    )
    editor_headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    for headers in ({}, sysadmin_headers, editor_headers):
        for url in (
            "/catalog.ttl",
            "/organization/roques/catalog.ttl",
            f"/subventions/{dataset['id']}.ttl",
            f"/dataset/{dataset['id']}.ttl",
        ):
            graph = _ttl(app, url, headers=headers)
            ids = {str(o) for o in graph.objects(None, DCTERMS.identifier)}
            assert kept["id"] in ids, url
            assert hidden["id"] not in ids, url
        for url in ("/", f"/dataset/{dataset['id']}"):
            graph = _ttl(app, url, headers={**headers, "Accept": "text/turtle"})
            ids = {str(o) for o in graph.objects(None, DCTERMS.identifier)}
            assert hidden["id"] not in ids, url


# Round trip -------------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("dataset_type", ["dataset", *sorted(SCDL_FILES)])
def test_the_parser_gives_back_what_the_feed_says(
    app, create_with_upload, make_dataset, roques, dataset_type
):
    if dataset_type == "dataset":
        dataset = make_dataset(
            owner_org=roques["id"],
            title="Vélos",
            notes="Stations de vélos.",
            license_id="odc-odbl",
            resources=[
                {
                    "url": "https://data.roques.example/v.csv",
                    "format": "CSV",
                    "name": "V",
                    "description": "D",
                }
            ],
        )
    else:
        dataset = scdl_dataset(create_with_upload, roques, dataset_type)
    body = app.get("/organization/roques/catalog.ttl").get_data(as_text=True)

    parser = RDFParser(profiles=["euro_dcat_ap_3", "haute_garonne"])
    parser.parse(body, _format="ttl")
    (back,) = list(parser.datasets())

    assert back["title"] == dataset["title"]
    assert back["notes"] == dataset["notes"]
    assert back["license_id"] == dataset["license_id"]
    assert back["type"] if dataset_type != "dataset" else True
    if dataset_type != "dataset":
        assert back["type"] == dataset_type
        assert (
            back["scdl_standard"] == dataset["scdl_standard"] or back["scdl_standard"]
        )
    assert [p["name"] for p in back["publisher"]] == ["Roques"]
    assert [p["uri"] for p in back["publisher"]] == [str(ROQUES_URI)]
    assert [p["identifier"] for p in back["publisher"]] == ["213104581"]
    assert back["territory"] == ["31458"]
    assert len(back["resources"]) == len(dataset["resources"])
    for original, parsed in zip(dataset["resources"], back["resources"], strict=True):
        assert parsed["name"] == original["name"]
        assert parsed.get("description", "") == original.get("description", "")
        assert parsed["url"] == original["url"]
        if dataset_type == "dataset":
            assert "conforms_to" not in parsed
        else:
            expected = registry.schema_version_for(dataset, original)
            assert parsed["conforms_to"] == f'["{expected.url}"]'
            assert (parsed["scdl_standard"], parsed["scdl_version"]) == (
                expected.standard,
                expected.version,
            )


# The organisation page --------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_organisation_page_links_to_its_feeds(app, roques):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(
        app.get("/organization/roques").get_data(as_text=True), "html.parser"
    )
    block = page.select_one(".haute-garonne-harvest-links")
    assert block.select_one("h2").get_text(strip=True) == "Moissonner ce catalogue"
    links = [a["href"] for a in block.select("a")]
    assert links == [
        "/organization/roques/catalog.ttl",
        "/organization/roques/catalog.rdf",
        "/organization/roques/catalog.jsonld",
    ]
    for link in links:
        assert app.get(link).status_code == 200
