"""The compliance overview of the socle commun (/socle-commun): published,
valid, up to date, per collectivité and dataset type; filters, CSV export,
the sysadmins' version with private datasets, and the detail page."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
INVALID = "\r\n".join([HEADER, FIRST.replace(",2400,", ',"2400,50",')]).encode()
FREQ = "http://publications.europa.eu/resource/authority/frequency/"


def _dataset(org: dict[str, Any], name: str, type_: str = "subventions", **kwargs: Any):
    kwargs.setdefault("frequency", FREQ + "ANNUAL")
    return call_action(
        "package_create", type=type_, name=name, title=name.replace("-", " ").title(),
        notes="Jeu de données de test.", owner_org=org["id"], **kwargs,
    )  # fmt: skip


@pytest.fixture
def territory(make_collectivite, background_file):
    """The Sicoval, and two of its communes: Roques (subject to the open data
    obligation) and Labège (figures unknown)."""
    sicoval = make_collectivite(
        name="sicoval", title="Sicoval", kind="communaute_agglomeration",
        siren="243100633", population=83758, agents=900,
    )  # fmt: skip
    roques = make_collectivite(
        name="roques", title="Roques", siren="213104581", epci_siren="243100633",
        population=5436, agents=65,
    )  # fmt: skip
    labege = make_collectivite(
        name="labege", title="Labège", siren="213102544", epci_siren="243100633"
    )
    # Roques: valid grants; invalid council decisions are not possible without
    # a file, so: an invalid grants file at Labège, late facilities at the
    # Sicoval, a private dataset at Roques.
    background_file(_dataset(roques, "subventions-roques"), VALID)
    background_file(_dataset(labege, "subventions-labege"), INVALID)
    late = _dataset(sicoval, "subventions-sicoval", frequency=FREQ + "MONTHLY")
    old = (datetime.datetime.utcnow() - datetime.timedelta(days=200)).isoformat()
    resource = background_file(late, VALID)
    call_action("resource_patch", id=resource["id"], last_modified=old)
    _dataset(roques, "prenoms-roques", type_="prenoms", private=True)
    return {"sicoval": sicoval, "roques": roques, "labege": labege}


def _table(body: str) -> dict[str, dict[str, str]]:
    page = BeautifulSoup(body, "html.parser")
    return {
        tr["data-collectivite"]: {
            td["data-dataset-type"]: td["data-state"]
            for td in tr.select("td[data-state]")
        }
        for tr in page.select("tr[data-collectivite]")
    }


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_overview_says_who_publishes_what(app, territory, sysadmin_headers):
    table = _table(app.get("/socle-commun").body)
    assert list(table) == ["labege", "roques", "sicoval"]
    assert table["roques"]["subventions"] == "ok"
    assert table["labege"]["subventions"] == "invalid"
    assert table["sicoval"]["subventions"] == "late"
    assert table["roques"]["deliberations"] == "missing"
    # Private: absent from the public page, counted for sysadmins.
    assert table["roques"]["prenoms"] == "missing"
    admin = app.get("/ckan-admin/socle-commun", headers=sysadmin_headers).body
    assert _table(admin)["roques"]["prenoms"] == "missing"  # no file yet
    assert (
        "prenoms-roques" in admin
        and "prenoms-roques" not in app.get("/socle-commun").body
    )

    page = BeautifulSoup(app.get("/socle-commun").body, "html.parser")
    bar = page.select_one(
        ".hg-chart__row[data-dataset-type=subventions] .hg-chart__value"
    )
    # Subject to the obligation: the Sicoval (late) and Roques (ok).
    assert bar.get_text(strip=True) == "50 % (1/2)"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_filters_and_the_csv_export_match(app, territory):
    def names(query: str) -> list[str]:
        return list(_table(app.get(f"/socle-commun?{query}").body))

    assert names("kind=commune") == ["labege", "roques"]
    assert names("obligation=yes") == ["roques", "sicoval"]
    assert names("state=invalid") == ["labege"]
    assert names("state=late") == ["sicoval"]
    assert names("epci=243100633") == ["labege", "roques", "sicoval"]
    assert names("sort=score")[0] == "roques"
    assert names("kind=<b>&state=x&sort=y&epci=z") == ["labege", "roques", "sicoval"]

    response = app.get("/socle-commun.csv?obligation=yes")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";")
    )
    assert [r[0] for r in rows[1:]] == ["Roques", "Sicoval"]
    header = rows[0]
    subventions = header.index("Subventions")
    assert [r[subventions] for r in rows[1:]] == ["À jour et conforme", "En retard"]
    assert rows[1][header.index("Subventions : jeu de données")] == "subventions-roques"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_formula_in_a_name_is_neutralised_in_the_csv(app, make_collectivite):
    make_collectivite(name="piege", title='=HYPERLINK("http://x")')
    rows = list(
        csv.reader(
            io.StringIO(app.get("/socle-commun.csv").data.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[1][0] == '\'=HYPERLINK("http://x")'


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_csv_export_quotes_text_and_leaves_numbers_bare(app, make_collectivite):
    make_collectivite(name="piege", title=" =1+1; Ville", population=1234)
    text = app.get("/socle-commun.csv").data.decode("utf-8-sig")
    line = text.splitlines()[1]
    # A ";" inside the quotes cannot split the cell in French Excel; the
    # formula behind a space is neutralised; the population stays a number.
    assert line.startswith("\"'") and '=1+1; Ville";' in line
    assert ";1234;" in line


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_only_sysadmins_see_private_datasets(app, territory):
    editor = factories.User()
    call_action(
        "organization_member_create", id=territory["roques"]["id"],
        username=editor["name"], role="admin",
    )  # fmt: skip
    headers = {"Authorization": factories.APIToken(user=editor["name"])["token"]}
    assert app.get("/ckan-admin/socle-commun").status_code == 403
    assert app.get("/ckan-admin/socle-commun", headers=headers).status_code == 403
    assert app.get("/ckan-admin/socle-commun.csv", headers=headers).status_code == 403
    api = app.get(
        "/api/3/action/haute_garonne_overview_show?include_private=true",
        headers=headers,
    )
    assert api.status_code == 403
    public = app.get("/api/3/action/haute_garonne_overview_show").json["result"]
    roques = next(c for c in public["collectivites"] if c["name"] == "roques")
    assert roques["datasets"]["subventions"]["state"] == "ok"
    assert roques["datasets"]["prenoms"]["dataset"] is None
    assert roques["open_data_obligation"] is True


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_detail_page_says_how_to_fix(app, territory):
    page = BeautifulSoup(app.get("/socle-commun/labege").body, "html.parser")
    states = {li["data-dataset-type"]: li for li in page.select("li[data-state]")}
    assert states["subventions"]["data-state"] == "invalid"
    assert "rapport de validation" in states["subventions"].get_text()
    assert states["deliberations"].select_one("a[href*='/deliberations/new']")
    late = BeautifulSoup(app.get("/socle-commun/sicoval").body, "html.parser")
    assert "Aucun nouveau fichier depuis" in late.get_text()
    assert app.get("/socle-commun/inconnue").status_code == 404


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_detail_page_shows_who_is_logged_in(app, editor):
    page = BeautifulSoup(
        app.get("/socle-commun/roques", headers=editor["headers"]).body,
        "html.parser",
    )
    assert page.select_one(".account.authed") is not None
    assert (
        page.select_one(".account .username").get_text(strip=True)
        == (editor["fullname"])
    )
    assert page.select_one("h1").get_text(strip=True) == "Roques"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_faulty_dataset_is_not_hidden_by_a_conforming_one(
    app, territory, background_file
):
    """Roques has valid grants; a second grants dataset with a faulty file
    makes its cell "invalid", counted, and the filters agree with search."""
    background_file(_dataset(territory["roques"], "subventions-roques-2"), INVALID)
    page = BeautifulSoup(app.get("/socle-commun").body, "html.parser")
    cell = page.select_one(
        "tr[data-collectivite=roques] td[data-dataset-type=subventions]"
    )
    assert cell["data-state"] == "invalid"
    counts = {
        span["data-state"]: span["data-count"]
        for span in cell.select(".hg-state__counts [data-state]")
    }
    assert counts == {"invalid": "1", "ok": "1"}
    assert "Non conforme : 1" in cell.get_text(" ", strip=True)
    listed = cell.select_one(".hg-state__counts a")["href"]
    assert listed.startswith("/subventions/") and "organization=roques" in listed

    def names(query: str) -> list[str]:
        return list(_table(app.get(f"/socle-commun?{query}").body))

    # The filter counts what the search's "Conformité" facet counts.
    search = call_action(
        "package_search",
        fq="+dataset_type:subventions +validation_status:invalid",
        **{"facet.field": ["organization"]},
    )
    facet = sorted(i["name"] for i in search["search_facets"]["organization"]["items"])
    assert names("state=invalid") == facet == ["labege", "roques"]
    assert names("state=ok") == ["roques"]
    api = app.get("/api/3/action/haute_garonne_overview_show").json["result"]
    roques = next(c for c in api["collectivites"] if c["name"] == "roques")
    assert roques["datasets"]["subventions"]["counts"] == {"invalid": 1, "ok": 1}
    assert roques["score"] == 0
