"""Forms that help: defaults that show, themes as checkboxes, SCDL datasets
public by default, colours with a picker, a preview and a contrast check at
save, territories with commune names, the EPCI as a link."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.standards import registry

THEME = "http://publications.europa.eu/resource/authority/data-theme/"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
SICOVAL = (
    "31004 31025 31035 31036 31048 31057 31058 31113 31148 31151 31161 31162 "
    "31169 31171 31192 31227 31240 31249 31254 31259 31284 31340 31366 31381 "
    "31384 31401 31402 31409 31411 31429 31437 31446 31448 31568 31575 31578"
)


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _selected(select) -> str | None:
    """The option a browser shows: the one marked selected, else the first."""
    options = select.select("option")
    chosen = [o for o in options if o.has_attr("selected")]
    return (chosen or options)[0].get("value") if options else None


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("dataset_type", [t.name for t in registry.DATASET_TYPES])
def test_a_new_scdl_dataset_starts_public_with_its_defaults_shown(
    app, editor, dataset_type
):
    form = _page(app.get(f"/{dataset_type}/new", headers=editor["headers"]))
    assert _selected(form.select_one("select[name=private]")) == "False"
    assert _selected(form.select_one("select[name=license_id]")) == "lov2"
    standard = form.select_one("select[name=scdl_standard]")
    default = registry.standards_for(dataset_type)[0]
    assert "" not in [o.get("value") for o in standard.select("option")]
    assert _selected(standard) == default.name
    version = form.select_one("select[name=scdl_version]")
    assert "" not in [o.get("value") for o in version.select("option")]
    assert _selected(version) == default.latest.version
    # Themes: checkboxes, the type's defaults ticked.
    boxes = form.select("input[type=checkbox][name=theme]")
    assert len(boxes) == 13
    assert form.select_one("select[name=theme]") is None
    assert {b["value"] for b in boxes if b.has_attr("checked")}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_other_datasets_start_private_and_saved_choices_are_kept(app, editor, roques):
    form = _page(app.get("/dataset/new", headers=editor["headers"]))
    assert _selected(form.select_one("select[name=private]")) == "True"
    call_action(
        "package_create", type="subventions", name="subventions-roques",
        title="Subventions", notes="Aux associations.", owner_org=roques["id"],
        private=True, theme=[THEME + "ECON"],
    )  # fmt: skip
    edit = _page(
        app.get("/subventions/edit/subventions-roques", headers=editor["headers"])
    )
    assert _selected(edit.select_one("select[name=private]")) == "True"
    ticked = [
        b["value"] for b in edit.select("input[name=theme]") if b.has_attr("checked")
    ]
    assert ticked == [THEME + "ECON"]


def _admin(org: dict[str, Any]) -> dict[str, Any]:
    user = factories.User()
    call_action(
        "organization_member_create", id=org["id"], username=user["name"], role="admin"
    )
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_colour_too_light_for_links_is_refused_at_save(app, roques):
    headers = _admin(roques)
    form = _page(app.get("/organization/edit/roques", headers=headers))
    for name in ("primary_color", "secondary_color"):
        field = form.select_one(f"input[name={name}]")
        assert field.find_previous_sibling("input", type="color") is not None
    assert form.select_one(".hg-color-preview") is not None

    response = app.post(
        "/organization/edit/roques",
        data={"title": "Roques", "name": "roques", "kind": "commune",
              "siren": roques["siren"], "primary_color": "#FFD54F", "save": ""},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 200
    errors = _page(response).select_one(".error-explanation").get_text(" ", strip=True)
    assert "1,4:1" in errors and "4,5:1" in errors
    assert "#806a28" in errors  # a darker shade that passes
    # Not also told that the refused colour "was darkened".
    assert _page(response).select_one(".hg-theme-adjusted") is None
    assert "primary_color" not in call_action("organization_show", id="roques")

    api = app.post(
        "/api/3/action/organization_patch",
        json={"id": roques["id"], "primary_color": "#ef6c00"},
        headers=headers,
    )
    assert api.status_code == 409
    assert "3,0:1" in api.json["error"]["primary_color"][0]
    assert "#bf5600" in api.json["error"]["primary_color"][0]
    ok = app.post(
        "/api/3/action/organization_patch",
        json={"id": roques["id"], "primary_color": "#bf5600"},
        headers=headers,
    )
    assert ok.status_code == 200, ok.json

    # A light colour kept from before does not block other changes.
    group = model.Group.get(roques["id"])
    group.extras = {**group.extras, "primary_color": "#ffd54f"}
    model.repo.commit()
    kept = app.post(
        "/api/3/action/organization_patch",
        json={"id": roques["id"], "tagline": "Nos données"},
        headers=headers,
    )
    assert kept.status_code == 200, kept.json


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_territories_show_commune_names_compactly_and_the_epci_links(
    app, make_collectivite
):
    sicoval = make_collectivite(
        name="sicoval", title="Sicoval", kind="communaute_agglomeration",
        siren="243100633", insee=SICOVAL,
    )  # fmt: skip
    make_collectivite(
        name="labege", title="Labège", siren="213102544", insee="31254",
        epci_siren="243100633",
    )  # fmt: skip
    call_action(
        "package_create", type="subventions", name="subventions-sicoval",
        title="Subventions", notes="Aux associations.", owner_org=sicoval["id"],
        frequency=ANNUAL,
    )  # fmt: skip
    page = _page(app.get("/subventions/subventions-sicoval"))
    places = page.select(".hg-territory__place")
    assert len({p["data-code"] for p in places}) == 36
    territory = page.select_one(".hg-territory")
    assert territory.find("ol") is None and territory.find("li") is None
    assert territory.select_one("details summary") is not None
    assert "Labège (31254)" in territory.get_text(" ")

    about = _page(app.get("/organization/about/labege"))
    link = about.select_one(".hg-epci a")
    assert link["href"] == "/organization/sicoval"
    assert link.get_text(strip=True) == "Sicoval"
    assert "Labège (31254)" in about.select_one(".hg-identity").get_text(" ")
