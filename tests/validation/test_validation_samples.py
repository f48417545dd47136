"""The engine on the samples of the repository: every valid sample of every
standard passes (tests/data/<standard>/<version>/valid.*, and every demo
file of dev/demo/datasets.json), and the invalid samples give the errors
their ``invalid.expected.json`` lists.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_samples.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.validation import WARNING_TYPES, validate

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
DEMO = ROOT / "dev" / "demo"
# Folder of tests/data -> registry name of the standard.
FOLDERS = {"decp": "decp-table", "decp-json": "decp"}
TABLE_TYPES = {"type-error", "constraint-error", "required-error"}


def _samples(name: str) -> list:
    found = []
    for path in sorted(DATA.glob(f"*/*/{name}.*")):
        if path.suffix not in (".csv", ".json") or path.name.endswith(".expected.json"):
            continue
        folder, version = path.parent.parent.name, path.parent.name
        standard = FOLDERS.get(folder, folder)
        found.append(pytest.param(path, standard, version, id=f"{folder}/{version}"))
    return found


VALID = _samples("valid")
INVALID = _samples("invalid")


def test_every_standard_has_a_valid_sample() -> None:
    covered = {param.values[1] for param in VALID}
    assert covered == set(registry.standards())


@pytest.mark.parametrize(("path", "standard", "version"), VALID)
def test_valid_samples_pass(path: Path, standard: str, version: str) -> None:
    report = validate(path, standard, version)
    assert report.status == "valid", [e.message for e in report.errors]
    assert report.valid
    assert report.errors == []
    assert report.rows > 0
    assert report.version == version
    assert report.schema == registry.get_standard(standard).identifier


@pytest.mark.parametrize(("path", "standard", "version"), VALID)
def test_valid_samples_pass_as_bytes_and_streams(
    path: Path, standard: str, version: str
) -> None:
    data = path.read_bytes()
    assert validate(data, standard, version, filename=path.name).valid
    with path.open("rb") as stream:
        assert validate(stream, standard, version).valid


@pytest.mark.parametrize(("path", "standard", "version"), INVALID)
def test_invalid_samples_fail(path: Path, standard: str, version: str) -> None:
    report = validate(path, standard, version)
    assert report.status == "invalid"
    assert not report.valid
    expected_path = path.with_name("invalid.expected.json")
    if path.suffix == ".csv":
        # Every data row breaks at least one rule.
        rows = {e.row for e in report.errors if e.row is not None}
        assert rows == set(range(2, report.rows + 2))
    if expected_path.exists():
        expected = {
            (item["row"], item["field"], item["type"])
            for item in json.loads(expected_path.read_text(encoding="utf-8"))
        }
        found = set()
        for error in report.errors:
            if error.type not in TABLE_TYPES:
                continue
            # frictionless reports an empty required cell as a constraint error
            kind = "constraint-error" if error.type == "required-error" else error.type
            found.add((error.row, error.field, kind))
        assert found == expected


def _demo_resources() -> list:
    datasets = json.loads((DEMO / "datasets.json").read_text(encoding="utf-8"))
    found = []
    for dataset in datasets:
        for resource in dataset.get("resources", []):
            if resource.get("faulty") or "file" not in resource:
                # wrong on purpose, or an online table's rows:
                # tests/test_demo_content.py checks both
                continue
            version = registry.schema_version_for(dataset, resource)
            if version is None:
                continue
            found.append(
                pytest.param(
                    DEMO / "files" / resource["file"], version, id=resource["file"]
                )
            )
    return found


@pytest.mark.parametrize(("path", "version"), _demo_resources())
def test_demo_files_pass(path: Path, version) -> None:
    report = validate(path, version.standard, version.version)
    assert report.valid, [(e.row, e.field, e.message) for e in report.errors]
    assert not [e for e in report.errors if e.type not in WARNING_TYPES]


@pytest.mark.parametrize(
    ("path", "version"),
    [p for p in _demo_resources() if p.values[1].standard == "bal"],
)
def test_bal_version_detected_from_header(path: Path, version) -> None:
    report = validate(path, "bal")
    assert report.version == version.version
    assert report.valid


def test_decp_json_invalid_sample_paths() -> None:
    report = validate(DATA / "decp-json" / "2.0.2" / "invalid.json", "decp")
    found = {(e.field, e.type) for e in report.errors}
    assert ("marches/marche/0/acheteur/id", "json-pattern") in found
    assert ("marches/marche/1/montantTTC", "json-additional-properties") in found
    assert ("marches/marche/2/codeCPV", "json-required") in found
    assert ("marches/marche/3/procedure", "json-enum") in found
    assert ("marches/marche/6/titulaires", "json-min-items") in found
    assert (
        "marches/contrat-concession/1/montantSubventionPublique",
        "json-minimum",
    ) in found
    assert report.rows == 12
    assert all(e.row is None for e in report.errors)
