"""Withdrawn data leaves the department-wide consolidated files in the job
that follows, whatever withdrew it, and their public texts name no file the
public cannot see."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests.helpers import call_action

from ckanext.haute_garonne.model import INVALID as INVALID_STATUS
from ckanext.haute_garonne.socle import jobs
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.uploads import files, store
from ckanext.haute_garonne.validation import validate

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_text(encoding="utf-8")
INVALID = VALID.replace("2024-04-11", "11/04/2024")
ROWS = len(VALID.splitlines()) - 1


def _subventions(organisation: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return call_action(
        "package_create",
        type="subventions",
        name=f"subventions-{organisation['name']}",
        title=f"Subventions de {organisation['title']}",
        notes="Subventions aux associations.",
        owner_org=organisation["id"],
        **kwargs,
    )


def _upload(
    dataset: dict[str, Any], body: str, name: str, **context: Any
) -> dict[str, Any]:
    return call_action(
        "resource_create",
        context=context or None,
        package_id=dataset["id"],
        name=name,
        upload=FileStorage(io.BytesIO(body.encode("utf-8")), "subventions.csv"),
    )


def _stored_rows(resource: dict[str, Any]) -> list[dict[str, str]]:
    with files.fetched_stored(resource) as fetched:
        text = fetched.path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _published() -> dict[str, Any]:
    """The consolidated dataset: its public texts, and the collectivités of
    the provenance file's rows."""
    dataset = call_action("package_show", id="consolidation-subventions")
    by_name = {r["url"].rsplit("/", 1)[-1]: r for r in dataset["resources"]}
    provenance = by_name["subventions-2.1.1-provenance.csv"]
    consolidated = by_name["subventions-2.1.1.csv"]
    texts = [dataset["notes"]] + [r["description"] for r in dataset["resources"]]
    return {
        "sources": [r["source_collectivite"] for r in _stored_rows(provenance)],
        "rows": len(_stored_rows(consolidated)),
        "texts": "\n".join(texts),
        "dcat": call_action(
            "dcat_dataset_show", id="consolidation-subventions", format="ttl"
        ),
    }


@pytest.fixture
def departement(make_collectivite):
    return make_collectivite(
        name="departement-haute-garonne",
        title="Département de la Haute-Garonne",
        kind="departement",
        insee="31",
    )


@pytest.fixture
def published(roques, departement, make_collectivite, run_queued_jobs):
    """Roques and Ramonville each publish a valid file; the consolidated
    files hold both."""
    ramonville = make_collectivite(
        name="ramonville-saint-agne", title="Ramonville-Saint-Agne", insee="31446"
    )
    roques_dataset = _subventions(roques)
    roques_file = _upload(roques_dataset, VALID, "Aides de Roques")
    _upload(_subventions(ramonville), VALID, "Aides de Ramonville")
    run_queued_jobs()
    before = _published()
    assert sorted(set(before["sources"])) == ["Ramonville-Saint-Agne", "Roques"]
    assert before["rows"] == 2 * ROWS
    return {"roques": roques, "dataset": roques_dataset, "file": roques_file}


def _make_private(p: dict[str, Any]) -> None:
    call_action("package_patch", id=p["dataset"]["id"], private=True)


def _make_private_in_bulk(p: dict[str, Any]) -> None:
    call_action(
        "bulk_update_private", datasets=[p["dataset"]["id"]], org_id=p["roques"]["id"]
    )


def _delete_in_bulk(p: dict[str, Any]) -> None:
    call_action(
        "bulk_update_delete", datasets=[p["dataset"]["id"]], org_id=p["roques"]["id"]
    )


def _delete_dataset(p: dict[str, Any]) -> None:
    call_action("package_delete", id=p["dataset"]["name"])


def _purge_dataset(p: dict[str, Any]) -> None:
    call_action("dataset_purge", id=p["dataset"]["id"])


def _delete_file(p: dict[str, Any]) -> None:
    call_action("resource_delete", id=p["file"]["id"])


def _drop_file_from_dataset(p: dict[str, Any]) -> None:
    # package_update without the file (as API clients replace a dataset)
    dataset = call_action("package_show", id=p["dataset"]["id"])
    call_action("package_update", **{**dataset, "resources": []})


def _file_turns_invalid(p: dict[str, Any]) -> None:
    # The published file checked again (after a change of its standard, say)
    # is found invalid: the file is hidden. (A new file that fails never
    # replaces a published one: see tests/uploads/test_candidates.py.)
    resource = call_action("resource_show", id=p["file"]["id"])
    version = registry.get_standard("subventions").version("2.1.1")
    report = validate(io.BytesIO(INVALID.encode("utf-8")), "subventions", "2.1.1")
    store.save(resource, "checked-again", version, report.to_dict(), INVALID_STATUS)


WITHDRAWALS: list[Callable[[dict[str, Any]], None]] = [
    _make_private,
    _make_private_in_bulk,
    _delete_dataset,
    _delete_in_bulk,
    _purge_dataset,
    _delete_file,
    _drop_file_from_dataset,
    _file_turns_invalid,
]


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@pytest.mark.parametrize("withdraw", WITHDRAWALS, ids=lambda f: f.__name__[1:])
def test_withdrawn_rows_leave_the_consolidated_files_in_the_next_job(
    published, withdraw, run_queued_jobs
):
    withdraw(published)
    titles = [j["title"] for j in call_action("job_list")]
    assert "haute_garonne consolidation subventions 2.1.1" in titles

    run_queued_jobs()
    after = _published()
    assert set(after["sources"]) == {"Ramonville-Saint-Agne"}
    assert after["rows"] == ROWS
    # Nothing names the withdrawn file: not the description of the files,
    # nor the DCAT feed that carries it.
    for text in (after["texts"], after["dcat"]):
        assert "Roques" not in text
    # Rebuilding queued no rebuild of its own.
    assert call_action("job_list") == []


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
def test_the_public_texts_name_only_files_the_public_sees(
    roques, departement, make_collectivite, run_queued_jobs
):
    def collectivite(name: str, title: str) -> dict[str, Any]:
        return make_collectivite(name=name, title=title)

    _upload(_subventions(roques), VALID, "Aides de Roques")
    # Hidden from the public: a file found invalid, one being validated, a
    # file of a private dataset.
    invalid = _subventions(collectivite("labege", "Labège"))
    _upload(invalid, INVALID, "Aides invalides", haute_garonne_defer_validation=True)
    run_queued_jobs()  # Labège's file is found invalid
    pending = _subventions(collectivite("castanet", "Castanet-Tolosan"))
    _upload(pending, VALID, "Aides en cours", haute_garonne_defer_validation=True)
    private = _subventions(collectivite("escalquens", "Escalquens"), private=True)
    _upload(private, VALID, "Aides privées")
    report = jobs.consolidate("subventions")
    assert report["files"] == 1
    reasons = {
        left["label"].split(" — ")[0]: left["reason"] for left in report["left_out"]
    }
    assert reasons == {
        "Labège": "invalid",
        "Castanet-Tolosan": "pending",
        "Escalquens": "private",
    }

    after = _published()
    for text in (after["texts"], after["dcat"]):
        for hidden in ("Labège", "Castanet", "Escalquens", "invalides", "en cours"):
            assert hidden not in text
    # Nor counts them.
    assert "public" not in after["texts"]
    assert set(after["sources"]) == {"Roques"}


@pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")
@pytest.mark.ckan_config("ckanext.haute_garonne.validation.hide_invalid", "false")
def test_a_failed_file_the_public_sees_is_named(
    roques, departement, make_collectivite, run_queued_jobs
):
    _upload(_subventions(roques), VALID, "Aides de Roques")
    labege = make_collectivite(name="labege", title="Labège")
    invalid = _subventions(labege)
    _upload(invalid, INVALID, "Aides invalides", haute_garonne_defer_validation=True)
    run_queued_jobs()

    jobs.consolidate("subventions")
    texts = _published()["texts"]
    assert "Labège — Subventions de Labège — Aides invalides" in texts
    assert "non public" not in texts
