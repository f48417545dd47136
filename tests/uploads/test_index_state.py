"""A dataset is indexed again after a validation report only when its entry
in the index changes: its "Conformité" status, or which of its files the
public may not see."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from support import call_action
from werkzeug.datastructures import FileStorage

from ckanext.haute_garonne.uploads import jobs

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
HEADER, FIRST = VALID.decode().splitlines()[:2]
INVALID = "\r\n".join([HEADER, FIRST.replace("2024-04-11", "11/04/2024")]).encode()


def _deferred(dataset: dict[str, Any], body: bytes, name: str) -> dict[str, Any]:
    """A file saved first and left pending, as a large upload is."""
    return call_action(
        "resource_create",
        {"haute_garonne_defer_validation": True},
        package_id=dataset["id"],
        name=name,
        upload=FileStorage(io.BytesIO(body), f"{name}.csv", content_type="text/csv"),
    )


def _entry(dataset: dict[str, Any], fq: str = "") -> dict[str, Any] | None:
    """The dataset's entry in the index (with the date it was written), if
    the filter matches it."""
    found = call_action(
        "package_search",
        q=f'id:"{dataset["id"]}"',
        fq=fq,
        fl="id,indexed_ts",
        include_private=True,
    )["results"]
    return found[0] if found else None


def _public_matches(app: Any, words: str) -> int:
    """How many datasets an anonymous search for these words finds."""
    return app.get("/api/3/action/package_search", query_string={"q": words}).json[
        "result"
    ]["count"]


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_reports_that_leave_the_entry_as_it_was_do_not_index_it_again(
    subventions: dict[str, Any], run_queued_jobs: Any
) -> None:
    first = _deferred(subventions, VALID, "Subventions 2023")
    second = _deferred(subventions, VALID, "Subventions 2024")
    run_queued_jobs()
    assert _entry(subventions, "validation_status:valid")

    # The first file checked again: the dataset turns "in progress".
    call_action("haute_garonne_validation_run", resource_id=first["id"])
    pending = _entry(subventions, "validation_status:pending")
    assert pending
    # The second one too: the dataset already says so, its entry stays.
    call_action("haute_garonne_validation_run", resource_id=second["id"])
    assert _entry(subventions, "validation_status:pending") == pending

    # Each verdict is recorded; the dataset's entry is written again once it
    # changes, when the last file is checked.
    jobs.validate_resource(first["id"])
    assert _entry(subventions, "validation_status:pending") == pending
    jobs.validate_resource(second["id"])
    after = _entry(subventions, "validation_status:valid")
    assert after and after["indexed_ts"] > pending["indexed_ts"]
    for resource in (first, second):
        shown = call_action("haute_garonne_validation_show", resource_id=resource["id"])
        assert shown["status"] == "valid"


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_a_file_that_turns_public_is_indexed_though_the_status_stays(
    app: Any, subventions: dict[str, Any]
) -> None:
    wrong = _deferred(subventions, INVALID, "Subventions Ancolie")
    jobs.validate_resource(wrong["id"])
    assert _entry(subventions, "validation_status:invalid")
    assert _public_matches(app, "Ancolie") == 0

    # A new file, not checked yet: the public cannot find it, and the dataset
    # stays "does not follow its standard" because of the other file.
    right = _deferred(subventions, VALID, "Subventions Zinnia")
    assert _entry(subventions, "validation_status:invalid")
    assert _public_matches(app, "Zinnia") == 0
    # Its verdict changes only which files the public sees.
    jobs.validate_resource(right["id"])
    assert _entry(subventions, "validation_status:invalid")
    assert _public_matches(app, "Zinnia") == 1
    assert _public_matches(app, "Ancolie") == 0
