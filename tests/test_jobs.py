"""CKAN background jobs run on a real RQ worker against the test Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import ckan.lib.jobs as jobs
import ckan.lib.search as search
from ckan.tests.helpers import call_action

ROOT = Path(__file__).resolve().parent.parent


def _found(word: str) -> int:
    return call_action("package_search", q=word)["count"]


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_an_enqueued_job_is_executed_by_a_worker_process(make_dataset):
    dataset = make_dataset(notes="Registre des arrêtés.")
    search.clear(dataset["id"])
    assert _found("arrêtés") == 0

    # The job is CKAN's own re-indexing function: it reads the dataset from
    # PostgreSQL and writes it to Solr, so its effect is visible here.
    job = jobs.enqueue(search.rebuild, kwargs={"package_id": dataset["id"]})
    assert [j["id"] for j in call_action("job_list")] == [job.id]

    # `ckan jobs worker --burst` is the worker an operator runs, in a process
    # of its own: it executes what is queued and exits.
    ckan = Path(sys.executable).with_name("ckan")
    ini = os.environ.get("CKAN_INI") or str(ROOT / "test.ini")
    result = subprocess.run(
        [str(ckan), "-c", ini, "jobs", "worker", "--burst"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "raised an exception" not in result.stderr, result.stderr[-2000:]

    job.refresh()
    assert job.get_status() == "finished"
    assert call_action("job_list") == []
    assert _found("arrêtés") == 1
