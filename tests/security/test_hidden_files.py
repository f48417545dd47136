"""Hidden files are hidden everywhere.

A file that failed validation, or that has no verdict yet, is hidden: for
anonymous visitors and members of other collectivités, nothing of it (name,
description, file name, id) comes back from any search, API, activity
stream, feed or page. Members of its own collectivité still see it.

Everything goes through real requests to the portal, with the ``activity``
plugin loaded as portals run it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.haute_garonne.uploads import jobs

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
INVALID = "\r\n".join(
    [HEADER, FIRST.replace("2024-04-11", "11/04/2024").replace(",2400,", ',"2400,50",')]
).encode()

SECRET_NAME = "Budget confidentiel zq7f"
SECRET_DESCRIPTION = "Note interne kx92 à ne pas diffuser"
SECRET_FILE = "brouillon-wv38.csv"

PLUGINS = "haute_garonne dcat scheming_datasets scheming_organizations activity"
pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_activity_db", "clean_index", "clean_queues"),
]


@pytest.fixture
def with_activity_db(reset_db, migrate_db_for) -> None:
    """A clean database with our table and the activity plugin's."""
    reset_db()
    migrate_db_for("haute_garonne")
    migrate_db_for("activity")


def _headers(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.fixture
def roques_editor(roques) -> dict[str, Any]:
    user = factories.User()
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=user["name"],
        role="editor",
    )
    return user


@pytest.fixture
def people(
    roques, roques_editor, make_collectivite
) -> dict[str, dict[str, str] | None]:
    """Who asks: request headers by kind of visitor."""
    member, stranger = factories.User(), factories.User()
    call_action(
        "organization_member_create",
        id=roques["id"],
        username=member["name"],
        role="member",
    )
    make_collectivite(users=[{"name": stranger["name"], "capacity": "editor"}])
    return {
        "anonymous": None,
        "stranger": _headers(stranger),
        "member": _headers(member),
        "editor": _headers(roques_editor),
    }


OUTSIDERS = ("anonymous", "stranger")
INSIDERS = ("member", "editor")


@pytest.fixture(params=["invalid", "pending"])
def portal(request, roques, roques_editor) -> dict[str, Any]:
    """Roques publishes a dataset with a public valid file and a hidden one,
    invalid or still waiting for its verdict (its worker died, say)."""
    editor = roques_editor["name"]
    dataset = call_action(
        "package_create",
        {"user": editor},
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=roques["id"],
    )
    public = call_action(
        "resource_create",
        {"user": editor},
        package_id=dataset["id"],
        name="Subventions publiques",
        upload=FileStorage(io.BytesIO(VALID), "subventions.csv"),
    )
    hidden = call_action(
        "resource_create",
        {"user": editor, "haute_garonne_defer_validation": True},
        package_id=dataset["id"],
        name=SECRET_NAME,
        description=SECRET_DESCRIPTION,
        upload=FileStorage(
            io.BytesIO(INVALID if request.param == "invalid" else VALID), SECRET_FILE
        ),
    )
    if request.param == "invalid":
        assert jobs.validate_resource(hidden["id"]) == "invalid"
    return {"dataset": dataset, "public": public, "hidden": hidden}


def _secrets(portal: dict[str, Any]) -> tuple[str, ...]:
    return (SECRET_NAME, "kx92", SECRET_FILE, portal["hidden"]["id"])


def _leaks(text: str, portal: dict[str, Any], asked: str = "") -> list[str]:
    """The secrets of the hidden file in ``text``, less those the request
    itself gave (``asked``: a page may repeat its own address)."""
    return [
        s
        for s in _secrets(portal)
        # JSON escapes non-ASCII characters: look for both forms.
        if s not in asked and (s in text or json.dumps(s)[1:-1] in text)
    ]


def _get(app, path: str, who: dict[str, str] | None, **params: Any):
    return app.get(path, query_string=params, headers=who or {})


def _api(app, action: str, who: dict[str, str] | None, **params: Any):
    return _get(app, f"/api/3/action/{action}", who, **params)


SEARCHES = [
    {"q": "name:subventions-roques"},
    {"q": "name:subventions-roques", "fl": "data_dict"},
    {"q": "name:subventions-roques", "fl": "validated_data_dict"},
    {"q": "name:subventions-roques", "fl": "id,res_name,res_description,res_url"},
    {"q": "name:subventions-roques", "fl": "*"},
    {"q": "confidentiel"},
    {"q": 'res_name:"Budget confidentiel zq7f"'},
    {"q": "res_url:*wv38*"},
    {"q": "*:*", "facet.field": '["res_name","res_url","res_format"]'},
]


def test_package_search_never_returns_nor_matches_a_hidden_file(app, people, portal):
    for who in OUTSIDERS:
        for params in SEARCHES:
            response = _api(app, "package_search", people[who], **params)
            assert response.status_code == 200, (who, params, response.json)
            assert not _leaks(response.get_data(as_text=True), portal), (who, params)
            if "confidentiel" in params["q"] or "wv38" in params["q"]:
                assert response.json["result"]["count"] == 0, (who, params)
    # The public file is still found, whoever asks.
    found = _api(app, "package_search", None, q="name:subventions-roques")
    (dataset,) = found.json["result"]["results"]
    assert [r["id"] for r in dataset["resources"]] == [portal["public"]["id"]]
    assert dataset["num_resources"] == 1
    # The collectivité's members find both files in search results.
    for who in INSIDERS:
        mine = _api(app, "package_search", people[who], q="name:subventions-roques")
        (dataset,) = mine.json["result"]["results"]
        names = {r["name"] for r in dataset["resources"]}
        assert names == {"Subventions publiques", SECRET_NAME}, who


def test_resource_search_leaves_hidden_files_out(app, people, portal):
    for who in OUTSIDERS:
        for query in ("name:confidentiel", "url:wv38", "name:Subventions"):
            response = _api(app, "resource_search", people[who], query=query)
            assert response.status_code == 200, response.json
            assert not _leaks(response.get_data(as_text=True), portal), (who, query)
        everything = _api(app, "resource_search", people[who], query="name:")
        assert everything.json["result"]["count"] == 1
        paged = _api(app, "resource_search", people[who], query="name:", limit=1)
        assert [r["id"] for r in paged.json["result"]["results"]] == [
            portal["public"]["id"]
        ]
    for who in INSIDERS:
        mine = _api(app, "resource_search", people[who], query="name:confidentiel")
        assert [r["id"] for r in mine.json["result"]["results"]] == [
            portal["hidden"]["id"]
        ]


def _activity_ids(app, dataset_id: str) -> list[str]:
    activities = _api(app, "package_activity_list", None, id=dataset_id)
    return [a["id"] for a in activities.json["result"]]


def test_activity_streams_show_no_hidden_file(
    app, people, portal, roques, roques_editor
):
    dataset = portal["dataset"]
    editor = roques_editor["name"]
    streams = [
        ("package_activity_list", {"id": dataset["id"]}),
        ("organization_activity_list", {"id": roques["id"]}),
        ("recently_changed_packages_activity_list", {}),
        ("user_activity_list", {"id": editor}),
    ]
    for who in OUTSIDERS:
        for action, params in streams:
            response = _api(app, action, people[who], **params)
            assert response.status_code == 200, (action, response.json)
            assert response.json["result"], action
            assert not _leaks(response.get_data(as_text=True), portal), (who, action)
        for activity_id in _activity_ids(app, dataset["id"]):
            for action, params in (
                ("activity_show", {"id": activity_id, "include_data": True}),
                ("activity_show", {"id": activity_id}),
                ("activity_data_show", {"id": activity_id}),
                ("activity_data_show", {"id": activity_id, "object_type": "package"}),
                ("activity_diff", {"id": activity_id, "object_type": "package"}),
            ):
                response = _api(app, action, people[who], **params)
                assert response.status_code in (200, 403, 404), response.json
                text = response.get_data(as_text=True)
                assert not _leaks(text, portal), (who, action, params)
        # The pages of the streams too.
        for path in (
            f"/dataset/activity/{dataset['name']}",
            f"/organization/activity/{roques['name']}",
            "/dashboard/" if who == "stranger" else "/",
        ):
            page = _get(app, path, people[who])
            assert not _leaks(page.get_data(as_text=True), portal), (who, path)
        for activity_id in _activity_ids(app, dataset["id"]):
            page = _get(app, f"/dataset/changes/{activity_id}", people[who])
            assert page.status_code in (200, 403, 404), (who, activity_id)
            assert not _leaks(page.get_data(as_text=True), portal), (who, activity_id)
    # The collectivité's members see the file in the stream.
    for who in INSIDERS:
        mine = _api(app, "package_activity_list", people[who], id=dataset["id"])
        assert SECRET_NAME in mine.get_data(as_text=True), who


def test_feeds_overview_and_pages_show_no_hidden_file(app, people, portal, roques):
    dataset, hidden = portal["dataset"], portal["hidden"]
    resource_page = f"/subventions/{dataset['name']}/resource/{hidden['id']}"
    download = "/" + hidden["url"].split("/", 3)[3]
    pages = [
        "/catalog.ttl",
        f"/organization/{roques['name']}/catalog.ttl",
        f"/dataset/{dataset['id']}.ttl",
        f"/subventions/{dataset['name']}.jsonld",
        "/api/3/action/haute_garonne_overview_show",
        "/api/3/action/haute_garonne_dcat_catalog_show?format=jsonld",
        "/socle-commun",
        "/",
        "/dataset/",
        "/subventions/",
        "/dataset/?q=confidentiel",
        f"/subventions/{dataset['name']}",
        f"/organization/{roques['name']}",
        f"/api/3/action/package_show?id={dataset['id']}",
        f"/api/3/action/organization_show?id={roques['id']}&include_datasets=true",
        "/api/3/action/current_package_list_with_resources",
        f"/api/3/action/resource_view_list?id={hidden['id']}",
        resource_page,
        resource_page + "/validation",
        download,
    ]
    for who in OUTSIDERS:
        for path in pages:
            response = app.get(path, headers=people[who] or {})
            assert response.status_code in (200, 403, 404), (who, path)
            text = response.get_data(as_text=True)
            assert not _leaks(text, portal, asked=path), (who, path)
        assert app.get(download, headers=people[who] or {}).status_code in (403, 404)
        assert app.get(resource_page, headers=people[who] or {}).status_code in (
            403,
            404,
        )
    for who in INSIDERS:
        page = app.get(f"/subventions/{dataset['name']}", headers=people[who])
        assert SECRET_NAME in page.get_data(as_text=True), who
        assert app.get(download, headers=people[who]).status_code == 200, who
        shown = _api(app, "package_show", people[who], id=dataset["id"])
        assert {r["name"] for r in shown.json["result"]["resources"]} == {
            "Subventions publiques",
            SECRET_NAME,
        }


@pytest.mark.parametrize("portal", ["pending"], indirect=True)
def test_a_file_that_passes_shows_everywhere(app, people, portal):
    """The index follows a file's verdict: once valid, it is found."""
    assert jobs.validate_resource(portal["hidden"]["id"]) == "valid"
    found = _api(
        app, "package_search", None, q="name:subventions-roques", fl="data_dict"
    )
    assert SECRET_NAME in found.get_data(as_text=True)
    assert (
        _api(app, "resource_search", None, query="name:confidentiel").json["result"][
            "count"
        ]
        == 1
    )


def test_updates_keep_hidden_files(app, people, portal):
    """The index holds the public view, but updates read the dataset whole:
    changing a dataset or its other files never drops a hidden file."""
    dataset, editor = portal["dataset"], people["editor"]
    for action, payload in (
        ("package_patch", {"id": dataset["id"], "notes": "Mises à jour."}),
        ("resource_patch", {"id": portal["public"]["id"], "description": "Publié"}),
    ):
        response = app.post(f"/api/3/action/{action}", json=payload, headers=editor)
        assert response.status_code == 200, (action, response.json)
    # Another file (an SCDL file is an upload or a link: an upload here).
    action = "resource_create"
    response = app.post(
        f"/api/3/action/{action}",
        data={
            "package_id": dataset["id"],
            "name": "Autre fichier",
            "upload": (io.BytesIO(VALID), "autre.csv"),
        },
        headers=editor,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, (action, response.json)
    shown = _api(app, "package_show", editor, id=dataset["id"]).json["result"]
    assert SECRET_NAME in {r["name"] for r in shown["resources"]}
    public = _api(app, "package_show", None, id=dataset["id"]).json["result"]
    assert SECRET_NAME not in {r["name"] for r in public["resources"]}
