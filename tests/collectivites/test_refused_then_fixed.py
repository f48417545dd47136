"""A refused form, fixed in the page that shows the errors, is stored.

Through the web forms as a browser without JavaScript sends them (the fields
the page shows, with their values): a first save is refused in French and
changes nothing; the user corrects the refused field in the re-rendered form
and saves again; the correction and everything else typed in the first try
are stored. On CKAN 2.11 (whose edit views make partial updates) and 2.12.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from browser_form import send
from bs4 import BeautifulSoup

from ckan import model
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.collectivites import theming

DATA = Path(__file__).resolve().parents[1] / "data"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
ORG_FORM = "form[data-module=basic-form]"
SAVE = "button[name=save]"


def _errors(response: Any) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = page.select(".error-explanation, .error-block, .haute-garonne-form-report")
    return " | ".join(e.get_text(" ", strip=True) for e in found)


def _show(action: str, id: str) -> dict[str, Any]:
    """What is stored, read afresh (not an object this session loaded before)."""
    model.Session.remove()
    return call_action(action, id=id)


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes((0, 132, 61)) * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _refused_then_fixed(
    app: Any,
    url: str,
    selector: str,
    headers: dict[str, str],
    bad: dict[str, Any],
    good: dict[str, Any],
    others: dict[str, Any],
) -> None:
    """The first save (``bad`` and ``others``) is refused; the second, from
    the refused page with ``good`` typed in, is accepted."""
    page = app.get(url, headers=headers)
    assert page.status_code == 200
    refused = send(
        app,
        page.get_data(as_text=True),
        url,
        selector,
        headers,
        {**others, **bad},
        SAVE,
    )
    assert refused.status_code == 200, refused.status_code
    assert _errors(refused), "no error shown"
    accepted = send(
        app, refused.get_data(as_text=True), url, selector, headers, good, SAVE
    )
    assert accepted.status_code == 302, _errors(accepted)


# The collectivité form --------------------------------------------------------

# field: (refused value, accepted value, the stored value of the accepted one)
ORG_CASES = {
    "primary_color": ("#ffd54f", "#00843d", "#00843d"),
    "secondary_color": ("bleu", "#E5F0F7", "#e5f0f7"),
    "tagline": ("x" * 141, "Les données de Roques", "Les données de Roques"),
    "title": ("", "Commune de Roques", "Commune de Roques"),
    "website": ("javascript:alert(1)", "https://roques.fr", "https://roques.fr"),
    "email": ("pas-une-adresse", "donnees@roques.fr", "donnees@roques.fr"),
    "population": ("beaucoup", "5500", 5500),
    "insee": ("31000x", "31458", "31458"),
    "image_url": ("javascript:alert(1)", "https://roques.fr/l.png", "https://roques.fr/l.png"),
    "banner_url": ("javascript:alert(1)", "https://roques.fr/b.png", "https://roques.fr/b.png"),
}  # fmt: skip

# Typed in the refused try too, and kept by the re-rendered form.
ORG_OTHERS = {
    "description": "Nouvelle présentation de Roques.",
    "address": "Place de la Mairie, 31120 Roques",
    "secondary_color": "#fff8e1",
    "tagline": "Roques en données",
    "agents": "70",
}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_presentation_typed_in_the_form_is_what_every_page_shows(
    app, roques, sysadmin_headers
):
    """The form's "Présentation" is CKAN's own description of an
    organisation, which its side box and the list of collectivités show."""
    url = "/organization/edit/roques"
    page = app.get(url, headers=sysadmin_headers)
    text = "Roques publie ses délibérations chaque mois."
    saved = send(
        app, page.get_data(as_text=True), url, ORG_FORM, sysadmin_headers,
        {"description": text}, SAVE,
    )  # fmt: skip
    assert saved.status_code == 302, _errors(saved)
    assert _show("organization_show", roques["id"])["description"] == text
    for path in ("/organization/roques", "/organization/about/roques"):
        assert text in app.get(path).get_data(as_text=True), path


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("field", list(ORG_CASES))
def test_a_refused_collectivite_form_then_fixed_is_stored(
    app, roques, sysadmin_headers, field
):
    bad, good, stored = ORG_CASES[field]
    others = {k: v for k, v in ORG_OTHERS.items() if k != field}
    before = _show("organization_show", roques["id"])
    url = "/organization/edit/roques"
    page = app.get(url, headers=sysadmin_headers)
    refused = send(
        app, page.get_data(as_text=True), url, ORG_FORM, sysadmin_headers,
        {**others, field: bad}, SAVE,
    )  # fmt: skip
    assert refused.status_code == 200, refused.status_code
    assert _errors(refused)
    assert _show("organization_show", roques["id"]) == before
    accepted = send(
        app, refused.get_data(as_text=True), url, ORG_FORM, sysadmin_headers,
        {field: good}, SAVE,
    )  # fmt: skip
    assert accepted.status_code == 302, _errors(accepted)
    after = _show("organization_show", roques["id"])
    assert after[field] == stored
    for name, value in others.items():
        expected = int(value) if name == "agents" else value
        assert after[name] == expected, name
    assert after["siren"] == before["siren"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_theme_refused_then_fixed_colours_the_pages(app, roques, sysadmin_headers):
    """The browser journey's sequence, without a browser."""
    url = "/organization/edit/roques"
    page = app.get(url, headers=sysadmin_headers)
    refused = send(
        app, page.get_data(as_text=True), url, ORG_FORM, sysadmin_headers,
        {"primary_color": "#ffd54f"}, SAVE,
    )  # fmt: skip
    assert "1,4:1" in _errors(refused) and "4,5:1" in _errors(refused)
    assert "primary_color" not in _show("organization_show", "roques")
    accepted = send(
        app, refused.get_data(as_text=True), url, ORG_FORM, sysadmin_headers,
        {"primary_color": "#00843d"}, SAVE,
    )  # fmt: skip
    assert accepted.status_code == 302, _errors(accepted)
    assert _show("organization_show", "roques")["primary_color"] == "#00843d"
    assert theming.theme_for("#00843d").primary in app.get("/organization/roques").body


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("field", ["image_upload", "banner_upload"])
def test_a_refused_image_then_a_good_one_is_stored(
    app, roques, sysadmin_headers, field
):
    stored = "image_url" if field == "image_upload" else "banner_url"
    before = _show("organization_show", "roques").get(stored)
    url = "/organization/edit/roques"
    page = app.get(url, headers=sysadmin_headers)
    refused = send(
        app, page.get_data(as_text=True), url, ORG_FORM, sysadmin_headers,
        {field: (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png"),
         "tagline": "Roques en données"}, SAVE,
    )  # fmt: skip
    assert refused.status_code == 200, refused.status_code
    assert _errors(refused)
    assert _show("organization_show", "roques").get(stored) == before
    # The browser forgets a chosen file when the form comes back: chosen again.
    accepted = send(
        app, refused.get_data(as_text=True), url, ORG_FORM, sysadmin_headers,
        {field: (io.BytesIO(_png()), "logo.png")}, SAVE,
    )  # fmt: skip
    assert accepted.status_code == 302, _errors(accepted)
    after = _show("organization_show", "roques")
    assert after[stored].endswith("logo.png")
    assert after["tagline"] == "Roques en données"


# The dataset and resource forms ------------------------------------------------


@pytest.fixture
def dataset(roques: dict[str, Any]) -> dict[str, Any]:
    created = call_action(
        "package_create", type="subventions", name="subventions-roques",
        title="Subventions de Roques", notes="Subventions aux associations.",
        owner_org=roques["id"], frequency=FREQUENCY + "ANNUAL",
        territory=["31458"], contact=[{"name": "Mairie", "email": "m@roques.fr"}],
    )  # fmt: skip
    return created


DATASET_CASES = {
    "title": ("", "Subventions 2025", "Subventions 2025"),
    "notes": ("", "Les subventions de 2025.", "Les subventions de 2025."),
    "territory": ("9", "31003", ["31003"]),
    "contact-0-email": ("pas-une-adresse", "a@roques.fr", "a@roques.fr"),
}
DATASET_OTHERS = {
    "title": "Subventions aux associations",
    "notes": "Nouvelle description.",
    "tag_string": "budget",
}


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("field", list(DATASET_CASES))
def test_a_refused_dataset_form_then_fixed_is_stored(app, editor, dataset, field):
    bad, good, stored = DATASET_CASES[field]
    others = {k: v for k, v in DATASET_OTHERS.items() if k != field}
    before = _show("package_show", dataset["id"])
    _refused_then_fixed(
        app, f"/subventions/edit/{dataset['name']}", "form#dataset-edit",
        editor["headers"], {field: bad}, {field: good}, others,
    )  # fmt: skip
    after = _show("package_show", dataset["id"])
    if field == "contact-0-email":
        assert after["contact"][0]["email"] == stored
    else:
        assert after[field] == stored
    assert after["title"] == others.get("title", after["title"])
    assert after["notes"] == others.get("notes", after["notes"])
    assert [t["name"] for t in after["tags"]] == ["budget"]
    assert after["resources"] == before["resources"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_refused_file_then_a_fixed_one_is_stored(app, editor, dataset):
    valid = (DATA / "subventions/2.1.1/valid.csv").read_bytes()
    invalid = (DATA / "subventions/2.1.1/invalid.csv").read_bytes()
    url = f"/subventions/{dataset['name']}/resource/new"
    page = app.get(url, headers=editor["headers"])
    refused = send(
        app, page.get_data(as_text=True), url, "form#resource-edit", editor["headers"],
        {"upload": (io.BytesIO(invalid), "subventions.csv"), "name": "Subventions 2025",
         "description": "Les montants de 2025."}, SAVE,
    )  # fmt: skip
    assert refused.status_code == 200, refused.status_code
    assert _errors(refused)
    assert _show("package_show", dataset["id"])["resources"] == []
    accepted = send(
        app, refused.get_data(as_text=True), url, "form#resource-edit",
        editor["headers"], {"upload": (io.BytesIO(valid), "subventions.csv")},
        SAVE,
    )  # fmt: skip
    assert accepted.status_code == 302, _errors(accepted)
    [resource] = _show("package_show", dataset["id"])["resources"]
    assert resource["name"] == "Subventions 2025"
    assert resource["description"] == "Les montants de 2025."
    assert resource["url"].endswith("subventions.csv")

    # The same file edited: a refused replacement, then a good one.
    url = f"/subventions/{dataset['name']}/resource/{resource['id']}/edit"
    page = app.get(url, headers=editor["headers"])
    refused = send(
        app, page.get_data(as_text=True), url, "form#resource-edit", editor["headers"],
        {"upload": (io.BytesIO(invalid), "subventions-2.csv"),
         "description": "Corrigé."}, SAVE,
    )  # fmt: skip
    assert refused.status_code == 200, refused.status_code
    assert _errors(refused)
    kept = _show("resource_show", resource["id"])
    assert kept["url"] == resource["url"]
    assert kept["description"] == "Les montants de 2025."
    accepted = send(
        app, refused.get_data(as_text=True), url, "form#resource-edit",
        editor["headers"], {"upload": (io.BytesIO(valid), "subventions-2.csv")},
        SAVE,
    )  # fmt: skip
    assert accepted.status_code == 302, _errors(accepted)
    replaced = _show("resource_show", resource["id"])
    assert replaced["url"].endswith("subventions-2.csv")
    assert replaced["description"] == "Corrigé."


# Reading back what another process stored ---------------------------------------


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_theme_stored_by_another_process_is_read_back(roques):
    """The browser tests' server is another process: a colour it saves after
    the test read the collectivité is what the test reads next (CKAN 2.11's
    test helper gave the colour of the first read)."""
    from support import call_action as fresh

    assert "primary_color" not in fresh("organization_show", id="roques")
    # Another session on another connection, as the server's.
    other = sa.orm.Session(bind=model.meta.engine)
    with other.begin():
        group = other.get(model.Group, roques["id"])
        group.extras = {**group.extras, "primary_color": "#00843d"}
    other.close()
    assert fresh("organization_show", id="roques")["primary_color"] == "#00843d"
