"""Validation jobs are never lost nor doubled: Redis keeps them on disk, a job
whose worker dies is finished by another worker, a validation whose job
vanished is queued again, and asking five times queues one job."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from ckan import model
from ckan.cli.cli import ckan
from ckan.lib import jobs as ckan_jobs
from ckan.tests.helpers import call_action

from ckanext.haute_garonne import background
from ckanext.haute_garonne.model import ResourceValidation

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_text(encoding="utf-8")
HEADER, *ROWS = VALID.splitlines()
CKAN = Path(sys.executable).with_name("ckan")
INI = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")


def _subventions(roques: dict[str, Any]) -> dict[str, Any]:
    return call_action(
        "package_create",
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=roques["id"],
    )


def _saved_for_later(dataset: dict[str, Any], body: str) -> dict[str, Any]:
    """A file saved first and validated by a background job, as a large one."""
    return call_action(
        "resource_create",
        {"haute_garonne_defer_validation": True},
        package_id=dataset["id"],
        name="Subventions 2024",
        upload=FileStorage(io.BytesIO(body.encode("utf-8")), "subventions.csv"),
    )


def _status(resource_id: str) -> str:
    model.Session.expire_all()
    row = ResourceValidation.latest(resource_id)
    assert row is not None
    return row.status


def _validation_jobs() -> list[dict[str, Any]]:
    return [
        j
        for j in call_action("job_list")
        if (j["title"] or "").startswith("haute_garonne validation")
    ]


def _wait_for(what: Callable[[], bool], seconds: float, step: float) -> None:
    deadline = time.monotonic() + seconds
    while not what():
        assert time.monotonic() < deadline, f"still waiting after {seconds} s"
        time.sleep(step)


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (RQ's work horse of a worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def test_redis_keeps_the_queue_on_disk():
    """Jobs live in Redis: our services run it with an append-only file."""
    connection = ckan_jobs.get_queue().connection
    assert connection.config_get("appendonly")["appendonly"] == "yes"
    assert connection.config_get("appendfsync")["appendfsync"] == "everysec"


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_asking_five_times_queues_one_validation(roques, run_queued_jobs):
    resource = _saved_for_later(_subventions(roques), VALID)
    for _ in range(5):
        pending = call_action(
            "haute_garonne_validation_run", resource_id=resource["id"]
        )
        assert pending["status"] == "pending"

    assert len(_validation_jobs()) == 1
    rows = model.Session.query(ResourceValidation).filter_by(resource_id=resource["id"])
    assert [row.status for row in rows] == ["pending"]

    run_queued_jobs()
    assert _status(resource["id"]) == "valid"
    assert _validation_jobs() == []
    # Once it is done, asking again validates again.
    call_action("haute_garonne_validation_run", resource_id=resource["id"])
    assert len(_validation_jobs()) == 1


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_a_validation_whose_job_was_lost_is_queued_again(
    cli, roques, reset_queues, run_queued_jobs
):
    resource = _saved_for_later(_subventions(roques), VALID)
    # Redis restarted without persistence, or someone emptied the queue.
    reset_queues()
    assert _validation_jobs() == []
    assert _status(resource["id"]) == "pending"

    # The periodic command (cron) finds it; fresh ones are left alone.
    result = cli.invoke(ckan, ["haute-garonne", "requeue"])
    assert result.exit_code == 0, result.output
    assert _validation_jobs() == []
    result = cli.invoke(ckan, ["haute-garonne", "requeue", "--min-age", "0"])
    assert result.exit_code == 0, result.output
    assert "1 validation(s) remise(s) en file" in result.output
    assert len(_validation_jobs()) == 1
    # Run again: it is waiting now, nothing more is queued.
    result = cli.invoke(ckan, ["haute-garonne", "requeue", "--min-age", "0"])
    assert "0 validation(s) remise(s) en file" in result.output
    assert len(_validation_jobs()) == 1

    run_queued_jobs()
    assert _status(resource["id"]) == "valid"


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_a_validation_whose_job_always_fails_gets_a_verdict(
    cli, roques, run_queued_jobs
):
    resource = _saved_for_later(_subventions(roques), VALID)
    key = f"validation-{resource['id']}"
    queue = ckan_jobs.get_queue()
    # Its job (here one that always raises) uses up its retries.
    queue.fetch_job(background.job_id(key)).delete()
    assert background.enqueue_once(json.loads, ["{"], key=key, title="broken")
    run_queued_jobs()
    assert background.state(key) == "failed"

    result = cli.invoke(ckan, ["haute-garonne", "requeue", "--min-age", "0"])
    assert result.exit_code == 0, result.output
    assert "1 abandonnée(s)" in result.output
    shown = call_action("haute_garonne_validation_show", resource_id=resource["id"])
    assert shown["status"] == "error"
    assert "n'a pas pu aboutir" in shown["report"]["fatal"]


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@pytest.mark.ckan_config("ckan.max_resource_size", 100)  # CKAN 2.11: in MB
def test_a_killed_workers_validation_is_finished_by_another_worker(roques):
    # A file large enough that its validation runs for a few seconds.
    rows = (ROWS * (250_000 // len(ROWS) + 1))[:250_000]
    resource = _saved_for_later(_subventions(roques), "\n".join([HEADER, *rows]))
    job_id = background.job_id(f"validation-{resource['id']}")
    assert _status(resource["id"]) == "pending"

    # A worker takes the job; it dies (both its processes) while it runs.
    worker = subprocess.Popen(
        [str(CKAN), "-c", INI, "jobs", "worker"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: _status(resource["id"]) == "running", 120, 0.05)
        horses = _children(worker.pid)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    for pid in horses:
        os.kill(pid, signal.SIGKILL)
    assert horses, "the worker's work horse was not found"
    assert _status(resource["id"]) == "running"
    job = ckan_jobs.get_queue().fetch_job(job_id)
    assert job is not None and job.get_status() == "started"

    # RQ sees that the worker is gone once its heartbeats lapse (90 s at
    # most); then the next worker puts the job back in the queue by itself
    # and runs it.
    registry = ckan_jobs.get_queue().started_job_registry
    _wait_for(lambda: job_id in registry.get_expired_job_ids(), 300, 1)
    result = subprocess.run(
        [str(CKAN), "-c", INI, "jobs", "worker", "--burst"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert _status(resource["id"]) == "valid"
    assert (
        ResourceValidation.for_hash(resource["id"], f"pending:{resource['id']}") is None
    )
