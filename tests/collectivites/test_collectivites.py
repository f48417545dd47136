"""Collectivités: their identity, their theme, and who may change them.

Through the action API and the web forms, on a real database: invalid input
is refused in French and changes nothing; a valid theme colours the
collectivité's pages and those of its datasets; an editor changes neither
the theme nor anything of another collectivité.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.collectivites import theming

XSS = "red;}</style><script>alert(1)</script>"


def _png(
    width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 0, 0)
) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _headers(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _member(org: dict[str, Any], role: str) -> dict[str, Any]:
    user = factories.User()
    call_action(
        "organization_member_create", id=org["id"], username=user["name"], role=role
    )
    return {**user, "headers": _headers(user)}


def _patch(app, headers, org_id: str, **fields: Any):
    return app.post(
        "/api/3/action/organization_patch",
        json={"id": org_id, **fields},
        headers=headers,
    )


def _show(org_id: str) -> dict[str, Any]:
    """What a collectivité is (its members' last activity left aside)."""
    org = call_action("organization_show", id=org_id)
    org.pop("users", None)
    return org


# Identity ---------------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_collectivite_keeps_its_identity_and_its_obligation_is_computed(
    app, sysadmin_headers
):
    response = app.post(
        "/api/3/action/organization_create",
        json={
            "name": "roques",
            "title": "Roques",
            "kind": "commune",
            "siren": "213 104 581",
            "insee": "31458",
            "population": "5 436",
            "agents": "65",
            "website": "https://www.mairie-roques.fr",
            "email": "donnees@mairie-roques.fr",
            "primary_color": "#B3261E",
            "tagline": "Roques partage ses données publiques",
        },
        headers=sysadmin_headers,
    )
    assert response.status_code == 200, response.json
    org = _show("roques")
    assert org["siren"] == "213104581"
    assert org["population"] == 5436
    assert org["agents"] == 65
    assert org["open_data_obligation"] is True
    assert org["primary_color"] == "#b3261e"

    call_action("organization_patch", id="roques", agents=12)
    assert _show("roques")["open_data_obligation"] is False
    call_action("organization_patch", id="roques", agents="")
    assert "open_data_obligation" not in _show("roques")  # unknown


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siren", "213104582", "n'est pas un numéro SIREN valide"),
        ("siren", "21310458", "n'est pas un numéro SIREN valide"),
        ("insee", "31000", "code INSEE d'une commune existante"),
        ("population", "5,4 k", "nombre entier"),
        ("primary_color", "red", "#rgb ou #rrggbb"),
        ("primary_color", XSS, "#rgb ou #rrggbb"),
        ("secondary_color", "#12345", "#rgb ou #rrggbb"),
        ("website", "javascript:alert(1)", "http:// ou https://"),
        ("website", "ftp://example.org", "http:// ou https://"),
        ("image_url", "javascript:alert(1)", "http:// ou https://"),
        ("image_url", 'https://x.fr/a.png" onerror="alert(1)', "http:// ou https://"),
        (
            "banner_url",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "http:// ou https://",
        ),
        ("tagline", XSS, "ne sont pas acceptés"),
        ("tagline", "x" * 141, "140 caractères au plus"),
        ("title", "<b>Roques</b>", "ne sont pas acceptés"),
        ("kind", "royaume", "Valeur non autorisée"),
    ],
)
def test_bad_identity_or_theme_is_refused_and_changes_nothing(
    app, sysadmin_headers, roques, field, value, message
):
    before = _show(roques["id"])
    response = _patch(app, sysadmin_headers, roques["id"], **{field: value})
    assert response.status_code == 409
    errors = response.json["error"]
    assert message in " ".join(errors.get(field, [])), errors
    assert _show(roques["id"]) == before

    created = app.post(
        "/api/3/action/organization_create",
        json={"name": "autre", "title": "Autre", "kind": "commune",
              "siren": "213102544", field: value},
        headers=sysadmin_headers,
    )  # fmt: skip
    assert created.status_code == 409
    assert model.Group.get("autre") is None


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_two_collectivites_cannot_share_a_siren(app, sysadmin_headers, roques):
    response = app.post(
        "/api/3/action/organization_create",
        json={
            "name": "copie",
            "title": "Copie",
            "kind": "commune",
            "siren": "213104581",
        },
        headers=sysadmin_headers,
    )
    assert response.status_code == 409
    assert "déjà celui de Roques" in response.json["error"]["siren"][0]
    # Saving Roques again with its own SIREN is fine.
    assert (
        _patch(app, sysadmin_headers, roques["id"], siren="213104581").status_code
        == 200
    )


# Images -------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_png_logo_and_banner_are_stored_and_served(app, sysadmin_headers, roques):
    response = app.post(
        "/api/3/action/organization_patch",
        data={
            "id": roques["id"],
            "image_upload": (io.BytesIO(_png()), "logo.png"),
            "banner_upload": (io.BytesIO(_png(20, 4)), "banniere.png"),
        },
        headers=sysadmin_headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    org = _show(roques["id"])
    assert org["image_url"].endswith("logo.png")
    assert org["banner_url"].endswith("banniere.png")
    page = BeautifulSoup(app.get("/organization/roques").body, "html.parser")
    band = page.select_one(".hg-band")
    banner = band.select_one(".hg-band__banner")["src"]
    logo = band.select_one(".hg-band__logo")["src"]
    assert banner.endswith(org["banner_url"])
    assert logo.endswith(org["image_url"])
    assert app.get(urlsplit(logo).path).data == _png()
    assert app.get(urlsplit(banner).path).data == _png(20, 4)


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize(
    ("field", "body", "name", "message"),
    [
        ("image", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
         "logo.png", "Seules les images PNG, JPEG ou WebP"),
        ("banner", b"<html><script>alert(1)</script></html>", "banniere.jpg",
         "Seules les images PNG, JPEG ou WebP"),
        ("image", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 10), "logo.png",
         "2 Mo au plus"),
    ],
)  # fmt: skip
def test_svg_html_or_oversized_images_are_refused(
    app, sysadmin_headers, roques, field, body, name, message
):
    before = _show(roques["id"])
    response = app.post(
        "/api/3/action/organization_patch",
        data={
            "id": roques["id"],
            "title": "Changé",
            f"{field}_upload": (io.BytesIO(body), name),
        },
        headers=sysadmin_headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    assert message in response.json["error"][f"{field}_url"][0]
    assert _show(roques["id"]) == before


# Theme ----------------------------------------------------------------------------


def test_text_and_links_always_reach_wcag_aa():
    for red in range(0, 256, 17):
        for green in range(0, 256, 51):
            for blue in range(0, 256, 85):
                color = f"#{red:02x}{green:02x}{blue:02x}"
                theme = theming.theme_for(color)
                assert theming.contrast(theme.primary, theme.on_primary) >= 4.5, color
                assert theming.contrast(theme.accent, "#ffffff") >= 4.5, color
                assert theme.adjusted == (theme.accent != color)


def _css(body: bytes) -> str:
    page = BeautifulSoup(body, "html.parser")
    return " ".join(style.get_text() for style in page.select("style"))


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_collectivite_and_its_datasets_wear_its_theme(
    app, make_collectivite, make_dataset
):
    sicoval = make_collectivite(
        name="sicoval", title="Sicoval", kind="communaute_agglomeration",
        primary_color="#00843d", secondary_color="#c8e6c9", tagline="L'agglomération",
    )  # fmt: skip
    plain = make_collectivite(name="sans-theme", title="Sans thème")
    dataset = make_dataset(owner_org=sicoval["id"], name="equipements-sicoval")

    for url in ("/organization/sicoval", "/organization/about/sicoval",
                "/dataset/equipements-sicoval"):  # fmt: skip
        body = app.get(url).body
        assert "--hg-primary:#00843d" in _css(body), url
        band = BeautifulSoup(body, "html.parser").select_one(".hg-band")
        assert band["data-collectivite"] == "sicoval"
        assert "L'agglomération" in band.get_text()
    resource = call_action(
        "resource_create", package_id=dataset["id"], url="https://example.org/a.csv"
    )
    body = app.get(f"/dataset/equipements-sicoval/resource/{resource['id']}").body
    assert "--hg-primary:#00843d" in _css(body)

    # No colours: the département's theme, from the style sheet alone.
    body = app.get("/organization/sans-theme").body
    assert "--hg-primary" not in _css(body)
    assert BeautifulSoup(body, "html.parser").select_one(".hg-band") is not None
    assert "--hg-primary" not in _css(app.get("/dataset/").body)
    assert plain["name"] == "sans-theme"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_admins_are_told_when_their_colour_was_darkened(app, roques):
    admin = _member(roques, "admin")
    # A colour saved before the portal refused light ones.
    group = model.Group.get(roques["id"])
    group.extras = {**group.extras, "primary_color": "#ffd54f"}
    model.repo.commit()
    about = app.get("/organization/about/roques", headers=admin["headers"]).body
    assert "trop claire" in about
    assert "trop claire" not in app.get("/organization/about/roques").body
    form = app.get("/organization/edit/roques", headers=admin["headers"]).body
    assert "trop claire" in form


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_stored_values_never_reach_the_page_unchecked(app, roques):
    """Even if a bad value reached the database by another road than our
    validators, pages escape it and the theme ignores it."""
    group = model.Group.get(roques["id"])
    group.extras = {
        **group.extras,
        "primary_color": XSS,
        "secondary_color": "#fff;background:url(javascript:alert(1))",
        "tagline": XSS,
        "banner_url": "javascript:alert(1)",
    }
    group.image_url = '"><script>alert(1)</script>'
    model.repo.commit()
    body = app.get("/organization/roques").body
    assert "<script>alert(1)" not in body
    assert "javascript:" not in body
    assert "--hg-primary" not in _css(body)


# Who may change what --------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_who_may_change_a_collectivite(
    app, roques, make_collectivite, sysadmin_headers
):
    sicoval = make_collectivite(name="sicoval", title="Sicoval")
    people = {
        "sysadmin": sysadmin_headers,
        "roques admin": _member(roques, "admin")["headers"],
        "roques editor": _member(roques, "editor")["headers"],
        "roques member": _member(roques, "member")["headers"],
        "sicoval admin": _member(sicoval, "admin")["headers"],
        "anonymous": {},
    }
    allowed = {
        ("sysadmin", "roques"), ("sysadmin", "sicoval"),
        ("roques admin", "roques"), ("sicoval admin", "sicoval"),
    }  # fmt: skip
    for who, headers in people.items():
        for org in (roques, sicoval):
            before = _show(org["id"])
            api = _patch(
                app, headers, org["id"], primary_color="#123456", siren=before["siren"]
            )
            form = app.post(
                f"/organization/edit/{org['name']}",
                data={"title": "Pirate", "name": org["name"], "kind": "commune",
                      "siren": before["siren"], "primary_color": "#654321", "save": ""},
                headers=headers,
            )  # fmt: skip
            page = app.get(f"/organization/edit/{org['name']}", headers=headers)
            if (who, org["name"]) in allowed:
                assert api.status_code == 200, (who, org["name"])
                assert page.status_code == 200, (who, org["name"])
                assert _show(org["id"])["title"] == "Pirate"
                call_action("organization_patch", id=org["id"], title=before["title"])
            else:
                assert api.status_code == 403, (who, org["name"], api.status_code)
                assert form.status_code in (403, 302), (who, org["name"])
                assert page.status_code in (403, 302), (who, org["name"])
                assert _show(org["id"]) == before, (who, org["name"])


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_editor_publishes_but_does_not_theme(app, editor, roques):
    created = app.post(
        "/api/3/action/package_create",
        json={"name": "deliberations-roques", "title": "Délibérations", "type": "deliberations",
              "notes": "Conseil municipal.", "owner_org": roques["id"],
              "frequency": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"},
        headers=editor["headers"],
    )  # fmt: skip
    assert created.status_code == 200, created.json
    assert (
        _patch(
            app, editor["headers"], roques["id"], primary_color="#000000"
        ).status_code
        == 403
    )


# Finding collectivités ------------------------------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_list_filters_by_kind_and_obligation(app, make_collectivite, make_dataset):
    make_collectivite(name="roques", title="Roques", population=5436, agents=65)
    make_collectivite(name="labege", title="Labège", population=4392)
    sicoval = make_collectivite(
        name="sicoval",
        title="Sicoval",
        kind="communaute_agglomeration",
        population=83758,
    )
    make_dataset(owner_org=sicoval["id"])

    def names(query: str = "") -> list[str]:
        page = BeautifulSoup(app.get(f"/organization/{query}").body, "html.parser")
        return [
            li["data-collectivite"] for li in page.select(".hg-collectivites__item")
        ]

    assert names() == ["labege", "roques", "sicoval"]
    assert names("?kind=commune") == ["labege", "roques"]
    assert names("?kind=communaute_agglomeration") == ["sicoval"]
    assert names("?obligation=yes") == ["roques"]
    assert names("?sort=population") == ["sicoval", "roques", "labege"]
    assert names("?sort=datasets")[0] == "sicoval"
    assert names("?q=lab") == ["labege"]
    assert names("?kind=<script>&sort=x&obligation=?") == [
        "labege",
        "roques",
        "sicoval",
    ]
    text = BeautifulSoup(app.get("/organization/").body, "html.parser").get_text()
    assert "83\u202f758 habitants" in text
    assert "1 jeu de données" in text


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_home_page_shows_collectivites_with_their_logos(
    app, make_collectivite, make_dataset
):
    org = make_collectivite(
        name="roques", title="Roques", image_url="https://example.org/logo.png"
    )
    make_collectivite(name="vide", title="Sans données")
    make_dataset(owner_org=org["id"])
    page = BeautifulSoup(app.get("/").body, "html.parser")
    cards = page.select(".hg-home-collectivites .hg-collectivites__item")
    assert [c["data-collectivite"] for c in cards] == ["roques"]
    assert cards[0].select_one("img")["src"] == "https://example.org/logo.png"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_search_has_a_collectivite_facet(app, roques, make_dataset):
    make_dataset(owner_org=roques["id"])
    page = BeautifulSoup(app.get("/dataset/").body, "html.parser")
    titles = [h.get_text(" ", strip=True) for h in page.select(".module-heading")]
    assert any(t.startswith("Collectivité") for t in titles), titles


def _demo_loader():
    """dev/demo/load.py, imported as a module (it runs nothing on import)."""
    import importlib.util
    import sys
    from pathlib import Path

    demo = Path(__file__).resolve().parents[2] / "dev" / "demo"
    sys.path.insert(0, str(demo))
    try:
        spec = importlib.util.spec_from_file_location("demo_load", demo / "load.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(demo))
    return module


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_demo_collectivites_have_distinct_valid_themes(app, make_dataset, sysadmin):
    load = _demo_loader()
    colours = set()
    for org in load.collectivites():
        created = call_action(
            "organization_create",
            {"user": sysadmin["name"]},
            **load.organization_fields(org),
        )
        assert created["primary_color"] and created["tagline"], org["name"]
        colours.add(created["primary_color"])
        assert (
            load.images.logo(org["title"], created["primary_color"], "#ffffff")[:4]
            == b"\x89PNG"
        )
    assert len(colours) == len(list(load.collectivites()))

    for name in ("sicoval", "roques"):
        org = _show(name)
        make_dataset(owner_org=org["id"], name=f"jeu-{name}")
        assert f"--hg-primary:{org['primary_color']}" in _css(
            app.get(f"/dataset/jeu-{name}").body
        )
