"""The portal when a service goes down, on services of its own
(``conftest.py``): Solr stopped, PostgreSQL and Redis restarted."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from support import valid_siren

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
UNAVAILABLE = "Le moteur de recherche du portail est momentanément indisponible"
NOT_SAVED = "rien n'a été enregistré"


def wait_for(check: Any, seconds: float = 60) -> Any:
    """The first true result of ``check()``, tried every half second."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _collectivite_and_dataset(stack: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    suffix = uuid.uuid4().hex[:8]
    org = stack.call(
        "organization_create",
        name=f"commune-{suffix}",
        title=f"Commune {suffix}",
        kind="commune",
        siren=valid_siren(),
    )
    dataset = stack.call(
        "package_create",
        type="subventions",
        name=f"subventions-{suffix}",
        title=f"Subventions {suffix}",
        notes="Subventions aux associations.",
        owner_org=org["id"],
    )
    return org, dataset


def _upload(stack: Any, dataset: dict[str, Any]) -> Any:
    import requests

    return requests.post(
        f"{stack.url}/api/3/action/resource_create",
        data={"package_id": dataset["id"], "name": "Subventions 2024"},
        files={"upload": ("subventions.csv", VALID, "text/csv")},
        headers=stack.headers,
        timeout=60,
    )


def _stored_files(stack: Any) -> list[str]:
    """Uploaded files: CKAN 2.12's file storage, or 2.11's resources."""
    storage = stack.data / "storage"
    return sorted(
        str(p)
        for folder in ("files", "resources")
        for p in (storage / folder).rglob("*")
        if p.is_file()
    )


def _status(stack: Any, resource_id: str) -> str:
    return str(
        stack.call("haute_garonne_validation_show", resource_id=resource_id)["status"]
    )


def _found(stack: Any, fq: str) -> list[str]:
    result = stack.call("package_search", fq=fq, rows=100, include_private=True)
    return [d["name"] for d in result["results"]]


def test_solr_down_503_nothing_half_saved_then_reindexed(stack: Any) -> None:
    org, dataset = _collectivite_and_dataset(stack)
    # A file saved while Solr runs; its validation job waits in the queue.
    uploaded = _upload(stack, dataset)
    assert uploaded.status_code == 200, uploaded.text[-2000:]
    assert _found(stack, f"name:{dataset['name']}") == [dataset["name"]]
    assert _found(stack, "validation_status:valid") == []

    stack.services("down", "solr")
    try:
        # Every page that needs search: a French 503, no traceback.
        for path in (
            "/",
            "/dataset/",
            "/dataset/?q=subventions",
            "/subventions/",
            f"/organization/{org['name']}",
            "/catalog.ttl",
            "/catalog.jsonld",
            f"/organization/{org['name']}/catalog.ttl",
        ):
            page = stack.get(path)
            assert page.status_code == 503, (path, page.status_code, page.text[-800:])
            assert UNAVAILABLE in page.text, path
            assert "Traceback" not in page.text
            assert page.headers["Retry-After"].isdigit()
        api = stack.get("/api/3/action/package_search?q=*:*")
        assert api.status_code == 503
        assert api.json()["success"] is False
        assert api.json()["error"]["__type"] == "Search Unavailable"
        assert UNAVAILABLE in api.json()["error"]["message"]
        # A dataset's page counts its collectivité's datasets: a 503 too.
        assert stack.get(f"/subventions/{dataset['name']}").status_code == 503
        # The compliance overview reads the database only: served as usual.
        overview = stack.get("/socle-commun")
        assert overview.status_code == 200, overview.text[-800:]
        assert f'data-collectivite="{org["name"]}"' in overview.text

        # Writes are refused whole: nothing saved, no file stored.
        files_before = _stored_files(stack)
        edit = stack.action("package_patch", id=dataset["id"], title="Changé")
        assert edit.status_code == 503, edit.text[-800:]
        assert NOT_SAVED in edit.json()["error"]["message"]
        refused = _upload(stack, dataset)
        assert refused.status_code == 503, refused.text[-800:]
        shown = stack.call("package_show", id=dataset["id"])
        assert shown["title"] == dataset["title"]
        assert len(shown["resources"]) == 1
        assert _stored_files(stack) == files_before

        # The waiting validation runs meanwhile: its verdict is saved, and
        # the dataset is noted for the index.
        stack.start_worker()
        resource_id = shown["resources"][0]["id"]
        assert wait_for(lambda: _status(stack, resource_id) == "valid")
    finally:
        stack.services("up", "solr")

    # Solr is back: the first search queues the reindex, the worker runs it,
    # and the verdict reached while Solr was down is searchable.
    assert stack.get("/dataset/").status_code == 200
    fq = f"name:{dataset['name']} AND validation_status:valid"
    assert wait_for(lambda: _found(stack, fq) == [dataset["name"]], 30)
    assert stack.get(f"/organization/{org['name']}").status_code == 200
    assert stack.get("/catalog.ttl").status_code == 200


def test_postgres_and_redis_restarted_the_portal_recovers_and_jobs_run(
    stack: Any,
) -> None:
    stack.stop_worker()
    org, dataset = _collectivite_and_dataset(stack)
    assert stack.get(f"/organization/{org['name']}").status_code == 200
    # A validation job waits in the queue while both services restart.
    uploaded = _upload(stack, dataset)
    assert uploaded.status_code == 200, uploaded.text[-2000:]
    resource_id = uploaded.json()["result"]["id"]

    stack.restart_postgres()
    stack.services("down", "redis")
    stack.services("up", "redis")

    # The server's pooled connections died: the portal recovers by itself,
    # from the very first request.
    for path in ("/", f"/organization/{org['name']}", "/dataset/", "/socle-commun"):
        page = stack.get(path)
        assert page.status_code == 200, (path, page.status_code, page.text[-800:])
    assert stack.call("package_show", id=dataset["id"])["name"] == dataset["name"]
    assert _status(stack, resource_id) == "pending"
    # The queued job survived (Redis keeps its append-only file) and runs.
    stack.start_worker()
    fq = f"name:{dataset['name']} AND validation_status:valid"
    assert wait_for(lambda: _found(stack, fq) == [dataset["name"]])
    assert _status(stack, resource_id) == "valid"

    # RQ's worker quits when Redis goes away: in production its supervisor
    # (systemd's Restart=always) starts it again, as here; the next job runs.
    stack.services("down", "redis")
    stack.services("up", "redis")
    stack.restart_postgres()
    if not stack.worker_alive():
        stack.start_worker()
    again = _upload(stack, dataset)
    assert again.status_code == 200, again.text[-2000:]
    assert wait_for(lambda: _status(stack, again.json()["result"]["id"]) == "valid")
