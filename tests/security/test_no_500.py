"""No 500 and no traceback: every page, feed and action of ours answers a
hostile parameter with a 4xx and a French message, or handles it.

A fuzz-like sweep sends a list of hostile values (non-numeric, negative and
huge page numbers, Solr local parameters and unbalanced syntax, NUL bytes,
CR/LF, very long strings, markup) to each of our routes and actions, through
real requests to a real CKAN, and asserts that none answers 5xx or shows a
traceback. Then a few precise cases check the status and the French text.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()

# Values a visitor may put in any query parameter or form field.
HOSTILE = [
    "",
    "abc",
    "-1",
    "0",
    "1.5",
    "7",
    "1e309",
    "99999999999999999999",
    "2147483648",
    "\x00",
    "a\x00b",
    "{!lucene}*:*",
    "{!join from=id to=id}x",
    "{!frange l=0}sum(1)",
    "x {!lucene}*:*",
    '"unbalanced',
    "title:(abc",
    "title:[* TO",
    "a:b:c",
    "\\",
    "*:*",
    "_val_:1",
    "name:*",
    "' OR 1=1 --",
    "é\u202e\ufeff",
    "\r\nX-Injected: 1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-14:00",
    "-0001-01-01",
    "x" * 5000,
]

# Values for a path segment (a name or an id).
HOSTILE_SEGMENTS = [
    "%00",
    "a%00b",
    "%0D%0Aevil",
    "..",
    "%25",
    "x" * 2000,
    "%7B!lucene%7D",
    "%C3%A9",
    "%FF",
]


class Failures(list):
    """What answered 5xx or showed a traceback, collected over a sweep so
    that one run names them all."""

    def __str__(self) -> str:
        return f"{len(self)} answers failed:\n" + "\n".join(self)

    def check(self, request: Any, where: str) -> None:
        """Send a request (a function of no argument) and check its answer.
        Under test, Flask lets an exception through instead of a 500."""
        try:
            response = request()
        except Exception as e:  # what a 500 would have been
            self.append(f"{where}: {type(e).__name__}: {str(e)[:80]}")
            return
        body = response.get_data().decode("utf-8", "replace")
        if response.status_code >= 500 or "Traceback" in body:
            self.append(f"{where}: {response.status_code}")


@pytest.fixture
def failures() -> Failures:
    return Failures()


@pytest.fixture
def site(create_with_upload: Any, roques: dict[str, Any]) -> dict[str, Any]:
    """A collectivité with an SCDL dataset whose file has a report, and a
    sysadmin's API token."""
    dataset = call_action(
        "package_create",
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=roques["id"],
    )
    resource = create_with_upload(
        VALID, "subventions.csv", package_id=dataset["id"], name="Fichier"
    )
    admin = factories.Sysadmin()
    token = factories.APIToken(user=admin["name"])["token"]
    return {
        "org": roques,
        "dataset": dataset,
        "resource": resource,
        "admin": {"Authorization": token},
    }


def _routes(site: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Our pages and feeds, each with the query parameters it reads."""
    org = site["org"]["name"]
    dataset = site["dataset"]["name"]
    resource = site["resource"]["id"]
    feed = ["page", "modified_since", "q", "profiles"]
    return [
        ("/standards", []),
        ("/standards/subventions", []),
        ("/standards/subventions/2.1.1", []),
        ("/standards/subventions/2.1.1/template.csv", []),
        ("/standards/subventions/2.1.1/template.xlsx", []),
        ("/publish", ["group"]),
        ("/organization/", ["q", "kind", "obligation", "sort", "page"]),
        ("/socle-commun", ["epci", "kind", "obligation", "state", "sort"]),
        ("/socle-commun.csv", ["epci", "kind", "obligation", "state", "sort"]),
        ("/ckan-admin/socle-commun", ["epci", "kind", "state", "sort"]),
        ("/ckan-admin/socle-commun.csv", ["epci", "kind", "state", "sort"]),
        (f"/socle-commun/{org}", []),
        (f"/subventions/{dataset}/resource/{resource}/validation", ["page"]),
        ("/catalog.ttl", feed),
        ("/catalog.jsonld", feed),
        ("/catalog", feed),
        (f"/organization/{org}/catalog.ttl", feed),
        (f"/organization/{org}/catalog", feed),
        (f"/subventions/{dataset}.ttl", ["profiles"]),
        (f"/dataset/{dataset}.rdf", ["profiles"]),
        # ckanext-dcat's content negotiation, through our catalogue
        ("/", ["page", "modified_since", "q"]),
    ]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_no_page_or_feed_answers_500_to_hostile_parameters(
    app: Any, site: dict[str, Any], failures: Failures
) -> None:
    for path, params in _routes(site):
        for headers in ({}, site["admin"], {"Accept": "text/turtle"}):
            failures.check(partial(app.get, path, headers=headers), path)
        for param in params:
            for value in HOSTILE:
                where = f"{path}?{param}={value[:40]!r}"
                failures.check(
                    partial(
                        app.get,
                        path,
                        query_string={param: value},
                        headers={**site["admin"], "Accept": "text/turtle"},
                    ),
                    where,
                )
    assert not failures, str(failures)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_no_page_or_feed_answers_500_to_hostile_path_segments(
    app: Any, site: dict[str, Any], failures: Failures
) -> None:
    org = site["org"]["name"]
    dataset = site["dataset"]["name"]
    resource = site["resource"]["id"]
    for bad in HOSTILE_SEGMENTS:
        for path in (
            f"/standards/{bad}",
            f"/standards/subventions/{bad}",
            f"/standards/{bad}/2.1.1/template.csv",
            f"/socle-commun/{bad}",
            f"/organization/{bad}",
            f"/organization/{bad}/catalog.ttl",
            f"/organization/{bad}/catalog",
            f"/subventions/{bad}.ttl",
            f"/dataset/{bad}.jsonld",
            f"/dataset/{bad}",
            f"/subventions/{bad}",
            f"/subventions/{dataset}/resource/{bad}/validation",
            f"/subventions/{bad}/resource/{resource}/validation",
            f"/organization/{org}/{bad}",
        ):
            failures.check(partial(app.get, path), path)
            failures.check(partial(app.get, path, headers=site["admin"]), path)
    assert not failures, str(failures)


ACTIONS: dict[str, list[str]] = {
    "haute_garonne_schema_list": ["dataset_type"],
    "haute_garonne_schema_show": ["id", "version"],
    "haute_garonne_validation_show": ["resource_id"],
    "haute_garonne_validation_run": ["resource_id"],
    "haute_garonne_validation_run_all": ["organization"],
    "haute_garonne_overview_show": ["include_private"],
    "haute_garonne_dcat_catalog_show": [
        "format",
        "page",
        "modified_since",
        "organization",
        "q",
        "profiles",
    ],
    "dcat_catalog_show": ["page", "modified_since", "q"],
    "dcat_catalog_search": ["page", "modified_since", "q"],
    "dcat_dataset_show": ["id", "format"],
}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_no_action_answers_500_to_hostile_parameters(
    app: Any, site: dict[str, Any], failures: Failures
) -> None:
    for action, params in ACTIONS.items():
        url = f"/api/3/action/{action}"
        for param in params:
            for value in [*HOSTILE, ["x"], {"a": 1}, 12, None]:
                where = f"{action}({param}={str(value)[:40]!r})"
                if isinstance(value, str):
                    failures.check(
                        partial(
                            app.get,
                            url,
                            query_string={param: value},
                            headers=site["admin"],
                        ),
                        "GET " + where,
                    )
                failures.check(
                    partial(app.post, url, json={param: value}, headers=site["admin"]),
                    "POST " + where,
                )
    assert not failures, str(failures)


# Precise answers ---------------------------------------------------------------


def _text(response: Any) -> str:
    return response.get_data().decode("utf-8", "replace")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_bad_page_numbers_get_a_french_400(app: Any, site: dict[str, Any]) -> None:
    org = site["org"]["name"]
    dataset = site["dataset"]["name"]
    resource = site["resource"]["id"]
    for path in (
        "/organization/",
        f"/subventions/{dataset}/resource/{resource}/validation",
        "/catalog.ttl",
        f"/organization/{org}/catalog.ttl",
    ):
        for page in ("abc", "-1", "0", "1.5", "99999999999999999999", "٣"):
            response = app.get(path, query_string={"page": page})
            assert response.status_code == 400, (path, page)
            assert "Le numéro de page doit être un nombre entier" in _text(response), (
                path,
                page,
            )
    # A page past the last one is not found, in French too.
    response = app.get("/catalog.ttl", query_string={"page": "7"})
    assert response.status_code == 404
    assert "Ce catalogue n'a pas de page 7" in _text(response)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_local_parameters_and_broken_syntax_in_a_feed_query_get_a_french_400(
    app: Any, site: dict[str, Any]
) -> None:
    for q in ("{!lucene}*:*", "x {!join from=id to=id}y", "_val_:1", "_query_:x"):
        response = app.get("/catalog.ttl", query_string={"q": q})
        assert response.status_code == 400, q
        assert "les syntaxes {!...}, _val_: et _query_: sont réservées" in _text(
            response
        )
    for q in ("title:(abc", "title:[* TO", "a:b:c", 'title:"abc'):
        response = app.get("/catalog.ttl", query_string={"q": q})
        assert response.status_code == 400, q
        assert "n'a pas pu lire cette recherche" in _text(response)
    # Words, phrases and fields still search.
    for q in ("subventions", '"Subventions de Roques"', "organization:roques"):
        response = app.get("/catalog.ttl", query_string={"q": q})
        assert response.status_code == 200, q
        assert site["dataset"]["id"] in _text(response), q
    # The same through the API and ckanext-dcat's content negotiation.
    response = app.get(
        "/api/3/action/haute_garonne_dcat_catalog_show",
        query_string={"q": "{!lucene}*:*"},
    )
    assert response.status_code == 409
    assert "sont réservées" in response.json["error"]["q"][0]
    response = app.get(
        "/", query_string={"q": "title:(abc"}, headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 409


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dates_out_of_range_get_a_french_400(app: Any, site: dict[str, Any]) -> None:
    for since in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00", "hier"):
        response = app.get("/catalog.ttl", query_string={"modified_since": since})
        assert response.status_code == 400, since
        assert "Ce n'est pas une date ou une date et heure ISO 8601" in _text(response)
    # The first years of the calendar are dates Solr reads.
    response = app.get("/catalog.ttl", query_string={"modified_since": "0001-01-01"})
    assert response.status_code == 200
    assert site["dataset"]["id"] in _text(response)
