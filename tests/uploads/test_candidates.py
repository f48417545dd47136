"""A failed file never replaces a published one, whatever its size, and a
file with no final verdict is not public.

Files too large to check during the request (here: every file, the limit
being set to 0 MB) are checked by a background job, run here in-process as
a worker would run it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
# Another valid file: the same grants, with Windows line ends.
VALID_AGAIN = VALID.replace(b"\n", b"\r\n")
HEADER, FIRST = VALID.decode().splitlines()[:2]
INVALID = "\r\n".join(
    [HEADER, FIRST.replace("2024-04-11", "11/04/2024").replace(",2400,", ',"2400,50",')]
).encode()

LARGE = pytest.mark.ckan_config("ckanext.haute_garonne.validation.sync_max_size", 0)
VALIDATION_JOBS = (
    "ckanext.haute_garonne.uploads.jobs.validate_resource",
    "ckanext.haute_garonne.uploads.candidates.validate",
)


def run_validation_jobs() -> list[Any]:
    """Run the queued validation jobs here, as a worker would; what they
    returned."""
    from ckan.lib import jobs

    queue = jobs.get_queue()
    results = []
    for job in queue.jobs:
        if job.func_name in VALIDATION_JOBS:
            results.append(job.perform())
            job.delete()
    return results


@pytest.fixture
def stranger(make_collectivite) -> dict[str, Any]:
    """An editor of another collectivité."""
    user = factories.User()
    make_collectivite(users=[{"name": user["name"], "capacity": "editor"}])
    token = factories.APIToken(user=user["name"])["token"]
    return {**user, "headers": {"Authorization": token}}


def _send(app, headers, action: str, body: bytes, filename: str, **fields: Any):
    return app.post(
        f"/api/3/action/{action}",
        data={**fields, "upload": (io.BytesIO(body), filename)},
        headers=headers,
        content_type="multipart/form-data",
    )


def _download(app, resource: dict[str, Any], headers: dict[str, str] | None = None):
    path = "/" + resource["url"].split("/", 3)[3]
    return app.get(path, headers=headers or {})


def _published(app, editor, dataset_id: str) -> dict[str, Any]:
    """A resource whose valid file is public (checked by the job)."""
    created = _send(
        app, editor["headers"], "resource_create", VALID, "subventions.csv",
        package_id=dataset_id, name="Subventions 2024",
    )  # fmt: skip
    assert created.status_code == 200, created.json
    assert run_validation_jobs() == ["valid"]
    resource = call_action("resource_show", id=created.json["result"]["id"])
    assert _download(app, resource).get_data() == VALID
    return resource


def _shown(app, resource_id: str, headers: dict[str, str] | None = None):
    return app.get(
        f"/api/3/action/haute_garonne_validation_show?resource_id={resource_id}",
        headers=headers or {},
    )


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@LARGE
def test_an_invalid_large_replacement_never_replaces_the_published_file(
    app, editor, stranger, subventions
):
    resource = _published(app, editor, subventions["id"])

    replaced = _send(
        app, editor["headers"], "resource_update", INVALID, "nouveau.csv",
        id=resource["id"], name="Subventions 2024 (mises à jour)",
    )  # fmt: skip
    assert replaced.status_code == 200, replaced.json
    # The metadata is saved; the file waits aside.
    assert replaced.json["result"]["name"] == "Subventions 2024 (mises à jour)"
    assert replaced.json["result"]["url"] == resource["url"]
    for headers in ({}, stranger["headers"]):
        assert _download(app, resource, headers).get_data() == VALID
        shown = _shown(app, resource["id"], headers).json["result"]
        assert shown["status"] == "valid"
        assert "candidate" not in shown
    candidate = _shown(app, resource["id"], editor["headers"]).json["result"][
        "candidate"
    ]
    assert (candidate["status"], candidate["filename"]) == ("pending", "nouveau.csv")
    resource_page = f"/subventions/subventions-roques/resource/{resource['id']}"
    mine = BeautifulSoup(
        app.get(resource_page, headers=editor["headers"]).get_data(as_text=True),
        "html.parser",
    ).select_one(".haute-garonne-candidate")
    assert mine is not None
    assert "nouveau.csv" in mine.get_text()
    assert "en cours de validation" in mine.get_text()
    assert "nouveau.csv" not in app.get(resource_page).get_data(as_text=True)

    assert run_validation_jobs() == ["invalid"]

    # The public keeps the previous file, its metadata and its verdict...
    for headers in ({}, stranger["headers"]):
        assert _download(app, resource, headers).get_data() == VALID
        public = app.get(
            f"/api/3/action/package_show?id={subventions['id']}", headers=headers
        ).json["result"]
        (kept,) = public["resources"]
        assert (kept["url"], kept["size"]) == (resource["url"], resource["size"])
        assert _shown(app, resource["id"], headers).json["result"]["status"] == "valid"
    # ...and the collectivité sees why the new file was refused.
    shown = _shown(app, resource["id"], editor["headers"]).json["result"]
    assert shown["status"] == "valid"
    assert shown["candidate"]["status"] == "invalid"
    assert {e["field"] for e in shown["candidate"]["report"]["errors"]} >= {
        "dateConvention",
        "montant",
    }
    report_url = f"/subventions/subventions-roques/resource/{resource['id']}/validation"
    page = BeautifulSoup(
        app.get(report_url, headers=editor["headers"]).get_data(as_text=True),
        "html.parser",
    )
    notice = page.select_one(".haute-garonne-candidate")
    assert notice is not None
    assert "nouveau.csv" in notice.get_text()
    refused = BeautifulSoup(
        app.get(report_url + "?candidate=1", headers=editor["headers"]).get_data(
            as_text=True
        ),
        "html.parser",
    )
    assert refused.select("table.haute-garonne-errors tbody tr")
    public_page = app.get(report_url + "?candidate=1").get_data(as_text=True)
    assert "nouveau.csv" not in public_page
    assert "haute-garonne-errors" not in public_page

    # A valid replacement takes the published file's place once it passes.
    again = _send(
        app, editor["headers"], "resource_update", VALID_AGAIN, "corrige.csv",
        id=resource["id"], name="Subventions 2024",
    )  # fmt: skip
    assert again.status_code == 200, again.json
    assert _download(app, resource).get_data() == VALID
    assert run_validation_jobs() == ["valid"]
    now = app.get(f"/api/3/action/resource_show?id={resource['id']}").json["result"]
    assert now["url"].endswith("/corrige.csv")
    assert _download(app, now).get_data() == VALID_AGAIN
    shown = _shown(app, resource["id"], editor["headers"]).json["result"]
    assert (shown["status"], shown["candidate"]) == ("valid", None)


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@LARGE
def test_a_newer_file_discards_a_waiting_candidate(app, editor, subventions):
    resource = _published(app, editor, subventions["id"])
    first = _send(
        app, editor["headers"], "resource_update", VALID_AGAIN, "premier.csv",
        id=resource["id"],
    )  # fmt: skip
    assert first.status_code == 200, first.json
    second = _send(
        app, editor["headers"], "resource_update", INVALID, "second.csv",
        id=resource["id"],
    )  # fmt: skip
    assert second.status_code == 200, second.json
    # The first candidate's job finds it gone; the second fails.
    assert sorted(run_validation_jobs()) == ["invalid", "superseded"]
    assert _download(app, resource).get_data() == VALID
    candidate = _shown(app, resource["id"], editor["headers"]).json["result"][
        "candidate"
    ]
    assert (candidate["filename"], candidate["status"]) == ("second.csv", "invalid")


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@LARGE
def test_a_large_replacement_given_by_url_waits_aside_too(
    app, editor, subventions, allow_local
):
    resource = _published(app, editor, subventions["id"])
    bad = app.post(
        "/api/3/action/resource_patch",
        json={"id": resource["id"], "url": allow_local.file("/bad.csv", INVALID)},
        headers=editor["headers"],
    )
    assert bad.status_code == 200, bad.json
    assert bad.json["result"]["url"] == resource["url"]
    assert run_validation_jobs() == ["invalid"]
    kept = call_action("resource_show", id=resource["id"])
    assert (kept["url"], kept["url_type"]) == (resource["url"], "upload")
    assert _download(app, resource).get_data() == VALID

    good_url = allow_local.file("/good.csv", VALID_AGAIN)
    good = app.post(
        "/api/3/action/resource_patch",
        json={"id": resource["id"], "url": good_url},
        headers=editor["headers"],
    )
    assert good.status_code == 200, good.json
    assert run_validation_jobs() == ["valid"]
    now = call_action("resource_show", id=resource["id"])
    assert (now["url"], now["url_type"]) == (good_url, "")
    assert _shown(app, resource["id"]).json["result"]["status"] == "valid"


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@LARGE
def test_a_file_without_a_verdict_is_not_public(app, editor, stranger, subventions):
    created = _send(
        app, editor["headers"], "resource_create", VALID, "subventions.csv",
        package_id=subventions["id"], name="Subventions 2024",
    )  # fmt: skip
    assert created.status_code == 200, created.json
    resource = created.json["result"]

    # Pending, and its worker may have died: not public, for good.
    for headers in ({}, stranger["headers"]):
        assert _download(app, resource, headers).status_code in (403, 404)
        assert (
            app.get(
                f"/api/3/action/resource_show?id={resource['id']}", headers=headers
            ).status_code
            == 403
        )
        dataset = app.get(
            f"/api/3/action/package_show?id={subventions['id']}", headers=headers
        ).json["result"]
        assert dataset["resources"] == []
        found = app.get(
            "/api/3/action/package_search?q=name:subventions-roques", headers=headers
        ).json["result"]["results"]
        assert found[0]["resources"] == []
    # The collectivité sees it and can download it.
    assert _download(app, resource, editor["headers"]).get_data() == VALID

    # Once it passes, it is public.
    assert run_validation_jobs() == ["valid"]
    assert _download(app, resource).get_data() == VALID


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_a_file_checked_again_stays_public_meanwhile(app, editor, subventions):
    created = _send(
        app, editor["headers"], "resource_create", VALID, "subventions.csv",
        package_id=subventions["id"], name="Subventions 2024",
    )  # fmt: skip
    assert created.status_code == 200, created.json
    resource = created.json["result"]
    run = app.post(
        "/api/3/action/haute_garonne_validation_run",
        json={"resource_id": resource["id"]},
        headers=editor["headers"],
    )
    assert run.json["result"]["status"] == "pending"
    assert _download(app, resource).get_data() == VALID
    public = app.get(f"/api/3/action/package_show?id={subventions['id']}").json[
        "result"
    ]
    assert [r["id"] for r in public["resources"]] == [resource["id"]]


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@LARGE
def test_batch_revalidation_reaches_hidden_files(app, editor, subventions):
    """The search index holds no hidden file: the batch still finds them."""
    created = _send(
        app, editor["headers"], "resource_create", INVALID, "subventions.csv",
        package_id=subventions["id"], name="Subventions 2024",
    )  # fmt: skip
    assert created.status_code == 200, created.json
    assert run_validation_jobs() == ["invalid"]
    assert call_action("haute_garonne_validation_run_all") == {"queued": 1}
    assert run_validation_jobs() == ["invalid"]
