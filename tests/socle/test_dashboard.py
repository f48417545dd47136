""" "Ma collectivité": where a publisher lands after logging in, with the
state of each of the six datasets and one action for each."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
EQUIPEMENTS = (ROOT / "tests/data/equipements/0.1.5/valid.csv").read_bytes()
INVALID = "\r\n".join([HEADER, FIRST.replace(",2400,", ',"2400,50",')]).encode()
FREQ = "http://publications.europa.eu/resource/authority/frequency/"
PASSWORD = "Editeur-Test-31"


def _dataset(org: dict[str, Any], name: str, type_: str, **kwargs: Any):
    kwargs.setdefault("frequency", FREQ + "ANNUAL")
    return call_action(
        "package_create", type=type_, name=name, title=name.replace("-", " ").title(),
        notes="Jeu de données de test.", owner_org=org["id"], **kwargs,
    )  # fmt: skip


def _member(org: dict[str, Any], role: str = "editor", **kwargs: Any):
    user = factories.User(password=PASSWORD, **kwargs)
    call_action(
        "organization_member_create", id=org["id"], username=user["name"], role=role
    )
    return user


def _headers(user: dict[str, Any]) -> dict[str, str]:
    """For the requests after the login (CKAN 2.11's test client keeps the
    session cookie only for the host its redirects name)."""
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _login(app, user: dict[str, Any]):
    """Log in through the form, following the redirects as a browser does."""
    return app.post(
        "/user/login",
        data={"login": user["name"], "password": PASSWORD},
        follow_redirects=True,
    )


@pytest.fixture
def roques(make_collectivite, background_file):
    """Roques (subject to the open data obligation): valid grants, a faulty
    council decisions file, late facilities, a draft of first names."""
    org = make_collectivite(
        name="roques", title="Roques", siren="213104581", population=5436, agents=65
    )
    background_file(_dataset(org, "subventions-roques", "subventions"), VALID)
    background_file(_dataset(org, "subventions-roques-2023", "subventions"), VALID)
    faulty = _dataset(org, "deliberations-roques", "deliberations")
    background_file(faulty, INVALID)
    late = _dataset(org, "equipements-roques", "equipements")
    resource = background_file(late, EQUIPEMENTS, "equipements.csv")
    old = (datetime.datetime.utcnow() - datetime.timedelta(days=500)).isoformat()
    call_action("resource_patch", id=resource["id"], last_modified=old)
    _dataset(org, "prenoms-roques", "prenoms", state="draft")
    return org


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_publisher_lands_on_what_to_do(app, roques):
    editor = _member(roques)
    response = _login(app, editor)
    assert response.request.path == "/ma-collectivite/roques"
    page = BeautifulSoup(response.body, "html.parser")
    items = {s["data-dataset-type"]: s for s in page.select("[data-dataset-type]")}
    assert list(items) == [
        "deliberations", "subventions", "marches", "adresses", "equipements", "prenoms"
    ]  # fmt: skip
    states = {name: item["data-state"] for name, item in items.items()}
    assert states == {
        "deliberations": "invalid", "subventions": "ok", "marches": "missing",
        "adresses": "missing", "equipements": "late", "prenoms": "draft",
    }  # fmt: skip
    # Must it be published? Roques is a commune subject to the obligation.
    assert items["deliberations"]["data-requirement"] == "required"
    assert items["adresses"]["data-requirement"] == "required"
    assert "Obligatoire" in items["deliberations"].select_one(".hg-requirement").text

    def action(name: str) -> tuple[str, str]:
        link = items[name].select_one("a.hg-action")
        return link.get_text(strip=True), link["href"]

    # One action per state.
    label, href = action("deliberations")
    assert label == "Corriger le fichier avec son rapport"
    assert href.startswith("/deliberations/deliberations-roques/resource/")
    assert href.endswith("/validation")
    assert re.search(r"\b\d+ erreurs?\b", items["deliberations"].get_text())
    assert action("equipements") == (
        "Ajouter le fichier de cette année",
        "/equipements/equipements-roques/resource/new",
    )
    assert action("prenoms") == (
        "Ajouter un fichier",
        "/prenoms/prenoms-roques/resource/new",
    )
    label, href = action("marches")
    assert label == "Créer à partir du modèle"
    assert href == f"/marches/new?group={roques['id']}"
    template = items["adresses"].select("a.hg-action")[1]["href"]
    assert template == "/standards/bal/1.5/template.xlsx"
    # Both grants datasets are listed.
    assert len(items["subventions"].select("[data-dataset]")) == 2
    lead = " ".join(page.select_one(".lead").get_text().split())
    assert "5 des six jeux de données prioritaires vous attendent" in lead
    # The link to the report works.
    report = app.get(action("deliberations")[1], headers=_headers(editor))
    assert report.status_code == 200


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_who_lands_where(app, make_collectivite):
    roques = make_collectivite(name="roques", title="Roques")
    labege = make_collectivite(name="labege", title="Labège")
    both = _member(roques, role="admin")
    call_action(
        "organization_member_create", id=labege["id"], username=both["name"],
        role="editor",
    )  # fmt: skip
    response = _login(app, both)
    assert response.request.path == "/ma-collectivite"
    page = BeautifulSoup(response.body, "html.parser")
    assert [li["data-collectivite"] for li in page.select("[data-collectivite]")] == [
        "labege",
        "roques",
    ]
    read = BeautifulSoup(
        app.get("/ma-collectivite/labege", headers=_headers(both)).body, "html.parser"
    )
    assert (
        read.select_one(".hg-dashboard__switch a")["href"] == "/ma-collectivite/roques"
    )
    assert read.select_one("nav a[href='/ma-collectivite']") is not None


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_sysadmin_and_a_user_without_collectivite_land_somewhere_useful(
    app, make_collectivite
):
    make_collectivite(name="roques", title="Roques")
    admin = factories.Sysadmin(password=PASSWORD)
    assert _login(app, admin).request.path == "/ckan-admin/socle-commun"
    app.get("/user/_logout")
    nobody = factories.User(password=PASSWORD)
    response = _login(app, nobody)
    assert response.request.path == "/ma-collectivite"
    page = BeautifulSoup(response.body, "html.parser")
    assert "aucune collectivité" in page.select_one(".hg-dashboard-none").text
    headers = _headers(nobody)
    assert app.get("/ma-collectivite/roques", headers=headers).status_code == 403


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_page_is_for_the_collectivites_own_people(app, make_collectivite):
    roques = make_collectivite(name="roques", title="Roques")
    anonymous = app.get("/ma-collectivite/roques", follow_redirects=False)
    assert anonymous.status_code == 302
    assert "/user/login" in anonymous.headers["Location"]
    stranger = factories.User()
    headers = {"Authorization": factories.APIToken(user=stranger["name"])["token"]}
    assert app.get("/ma-collectivite/roques", headers=headers).status_code == 403
    assert app.get("/ma-collectivite/inconnue", headers=headers).status_code == 404
    member = _member(roques)
    headers = {"Authorization": factories.APIToken(user=member["name"])["token"]}
    assert app.get("/ma-collectivite/roques", headers=headers).status_code == 200
