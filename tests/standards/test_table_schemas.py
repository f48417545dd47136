"""Checks of our Frictionless Table Schemas and of their test samples.

Pure module: no CKAN import and no fixture beyond pytest's own, so it also runs
without the services::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/test_table_schemas.py

Layout (every new standard is picked up without editing this module):

- ``ckanext/haute_garonne/schemas/table/<standard>/<version>/schema.json``
- ``tests/data/<standard>/<version>/valid.csv``: must validate without error;
- ``tests/data/<standard>/<version>/invalid.csv``: same header, every data row
  breaks at least one rule of the schema;
- ``tests/data/<standard>/<version>/invalid.expected.json`` (optional): the
  exact errors expected from ``invalid.csv``, as a list of
  ``{"row": <row number, header = 1>, "field": ..., "type": ...}``;
- a directory holding ``valid.json`` instead of CSV samples is left to the
  JSON sample tests and skipped here;
- ``ckanext/haute_garonne/schemas/table/deviations.json``: the rules of the
  official standards that the portal relaxes, each tied to an existing field.

The CSV samples are read with the ``dialect`` declared in the schema, if any
(comma otherwise), in UTF-8, and their header is compared to the schema by
position (frictionless' default): every column must be present, in order.

The custom checks (``custom_checks``) are only recorded here; they are not run.

With ``HG_SCDL_REFERENCE`` pointing at the reference SCDL folder (the Makefile
exports ``../shared/reference/scdl``), two more tests compare our schemas with
the official files and the schema.data.gouv.fr catalogue.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from frictionless import Dialect, Resource, Schema

ROOT = Path(__file__).resolve().parents[2]
TABLE_SCHEMAS = ROOT / "ckanext" / "haute_garonne" / "schemas" / "table"
DEVIATIONS = TABLE_SCHEMAS / "deviations.json"
DATA = Path(__file__).resolve().parents[1] / "data"
REFERENCE_ENV = "HG_SCDL_REFERENCE"

# The four SCDL standards published on schema.data.gouv.fr that we carry.
SCDL_STANDARDS = {
    "deliberations": "2.1.5",
    "subventions": "2.1.1",
    "equipements": "0.1.5",
    "prenoms": "1.1.6",
}
TABLE_SCHEMA_PROFILES = {
    "https://frictionlessdata.io/schemas/table-schema.json",
    "https://specs.frictionlessdata.io/schemas/table-schema.json",
}
TOP_LEVEL_KEYS = (
    "$schema",
    "name",
    "title",
    "description",
    "version",
    "identifier",
    "url",
    "homepage",
    "fields",
    "missingValues",
    "custom_checks",
)
SCHEMA_DATA_GOUV = "https://schema.data.gouv.fr/schemas/"
# Keys of prose: everything else in a field is a fact taken from the standard.
PROSE_KEYS = {"title", "description", "example", "examples"}
# Parameter names of the custom checks that hold column names.
COLUMN_PARAMS = {"column", "column1", "column2", "othercolumns", "columns"}
DEVIATION_KEYS = {"standard", "version", "field", "official", "accepted", "reason"}

FRENCH_WORDS = {
    "à",
    "au",
    "aux",
    "ce",
    "d",
    "dans",
    "de",
    "des",
    "du",
    "en",
    "est",
    "et",
    "l",
    "la",
    "le",
    "les",
    "ne",
    "ou",
    "par",
    "pas",
    "pour",
    "que",
    "qui",
    "sans",
    "si",
    "sur",
    "un",
    "une",
}
ENGLISH_WORDS = {
    "and",
    "be",
    "for",
    "is",
    "must",
    "of",
    "should",
    "the",
    "this",
    "to",
    "with",
}

# Communes of Haute-Garonne whose official name (INSEE COG) has an apostrophe,
# all rejected by the official ADR_COMMUNE pattern of équipements 0.1.5. The
# accepted pattern was checked against the 586 communes of the département.
HAUTE_GARONNE_APOSTROPHES = (
    "Bourg-d'Oueil",
    "Castelnau-d'Estrétefonds",
    "L'Isle-en-Dodon",
    "Izaut-de-l'Hôtel",
    "Juzet-d'Izaut",
    "Portet-d'Aspet",
    "Sainte-Foy-d'Aigrefeuille",
    "Saint-Paul-d'Oueil",
    "Saint-Pé-d'Ardet",
    "L'Union",
)
OTHER_HAUTE_GARONNE_COMMUNES = (
    "Roques",
    "Toulouse",
    "Castanet-Tolosan",
    "Bagnères-de-Luchon",
    "Saint-Gaudens",
    "Labège",
    "Villeneuve-lès-Bouloc",
)
WRONG_COMMUNE_VALUES = (
    "Roques 31120",
    "31120",
    "Toulouse.",
    "Saint-Jean (31)",
    "Toulouse/Blagnac",
    "L''Union",
    "'Union",
    "L'",
    " Roques",
    "Roques-",
)


def _discover() -> list[Path]:
    return sorted(TABLE_SCHEMAS.glob("*/*/schema.json"))


SCHEMA_PATHS = _discover()
SCHEMA_IDS = [f"{p.parent.parent.name}/{p.parent.name}" for p in SCHEMA_PATHS]


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:
        return json.load(stream)


def _descriptor(schema_path: Path) -> dict[str, Any]:
    return _load_json(schema_path)


def _schema(descriptor: dict[str, Any]) -> Schema:
    return Schema.from_descriptor(copy.deepcopy(descriptor))


def _dialect(descriptor: dict[str, Any]) -> Dialect:
    return Dialect.from_descriptor(dict(descriptor.get("dialect") or {}))


def _delimiter(descriptor: dict[str, Any]) -> str:
    return (descriptor.get("dialect") or {}).get("delimiter", ",")


def _data_dir(schema_path: Path) -> Path:
    return DATA / schema_path.parent.parent.name / schema_path.parent.name


def _validate_csv(path: Path, descriptor: dict[str, Any]):
    resource = Resource(
        path.name,
        basepath=str(path.parent),
        schema=_schema(descriptor),
        dialect=_dialect(descriptor),
        format="csv",
        encoding="utf-8",
    )
    return resource.validate(limit_errors=1000)


def _errors(report) -> list[tuple[Any, Any, str, str]]:
    return [
        tuple(item)
        for item in report.flatten(["rowNumber", "fieldName", "type", "message"])
    ]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-zàâäçéèêëîïôöûùüÿœæ]+", text.lower())


def _assert_french(text: Any, what: str) -> None:
    assert isinstance(text, str), f"{what}: text expected"
    assert text.strip(), f"{what}: empty"
    words = _words(text)
    french = sum(word in FRENCH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    assert french >= 2, f"{what} does not read as French: {text!r}"
    assert english < french, f"{what} reads as English: {text!r}"


def _column_params(params: Any) -> list[str]:
    """Column names quoted by a custom check, at any depth of its params."""
    found: list[str] = []
    if isinstance(params, dict):
        for key, value in params.items():
            if key in COLUMN_PARAMS:
                found.extend([value] if isinstance(value, str) else list(value))
            else:
                found.extend(_column_params(value))
    elif isinstance(params, list):
        for value in params:
            found.extend(_column_params(value))
    return found


def _samples(schema_path: Path) -> tuple[Path, Path]:
    """valid.csv and invalid.csv of a schema; skip a JSON-sampled standard."""
    data_dir = _data_dir(schema_path)
    valid, invalid = data_dir / "valid.csv", data_dir / "invalid.csv"
    if not valid.exists() and (data_dir / "valid.json").exists():
        pytest.skip(f"{data_dir.relative_to(ROOT)} has JSON samples, tested elsewhere")
    assert valid.exists(), f"missing sample {valid.relative_to(ROOT)}"
    assert invalid.exists(), f"missing sample {invalid.relative_to(ROOT)}"
    return valid, invalid


def _header(path: Path, delimiter: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as stream:
        return next(csv.reader(stream, delimiter=delimiter))


def _reference() -> Path:
    value = os.environ.get(REFERENCE_ENV)
    if not value:
        pytest.skip(
            f"{REFERENCE_ENV} is not set (path to the reference SCDL folder, "
            "e.g. ../shared/reference/scdl): comparison with the official "
            "files skipped"
        )
    path = Path(value)
    if not path.is_absolute():
        path = ROOT / path
    assert path.is_dir(), f"{REFERENCE_ENV}={value!r} is not a directory"
    return path


def _schema_for(standard: str, version: str) -> Path | None:
    """Our schema of a standard at a version (directory or declared version)."""
    for path in SCHEMA_PATHS:
        if path.parent.parent.name != standard:
            continue
        if version in (path.parent.name, _descriptor(path).get("version")):
            return path
    return None


def test_schemas_are_discovered() -> None:
    found = {(p.parent.parent.name, p.parent.name) for p in SCHEMA_PATHS}
    assert set(SCDL_STANDARDS.items()) <= found


@pytest.mark.parametrize("schema_path", SCHEMA_PATHS, ids=SCHEMA_IDS)
def test_schema_loads_in_frictionless(schema_path: Path) -> None:
    report = Schema.validate_descriptor(str(schema_path))
    assert report.valid, [error.message for error in report.errors]
    schema = Schema.from_descriptor(str(schema_path))
    assert schema.fields
    # frictionless 5 keeps unknown top-level keys (in Schema.custom) and
    # writes them back: our metadata survives a round trip.
    exported = schema.to_descriptor()
    for key in ("identifier", "url", "homepage", "version", "custom_checks"):
        assert exported[key] == _descriptor(schema_path)[key]


@pytest.mark.parametrize("schema_path", SCHEMA_PATHS, ids=SCHEMA_IDS)
def test_top_level_metadata(schema_path: Path) -> None:
    descriptor = _descriptor(schema_path)
    missing = [key for key in TOP_LEVEL_KEYS if key not in descriptor]
    assert not missing, f"missing top-level keys: {missing}"
    assert descriptor["$schema"] in TABLE_SCHEMA_PROFILES
    assert re.fullmatch(r"[a-z0-9_-]+", descriptor["name"])
    assert descriptor["title"].strip()
    _assert_french(descriptor["description"], "description")

    directory_version = schema_path.parent.name
    version = descriptor["version"]
    assert version == directory_version or version.startswith(
        directory_version + "."
    ), f"version {version!r} does not match directory {directory_version!r}"

    identifier, url = descriptor["identifier"], descriptor["url"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", identifier), identifier
    if url.startswith(SCHEMA_DATA_GOUV) or schema_path.parent.parent.name in (
        SCDL_STANDARDS
    ):
        expected = (
            re.escape(SCHEMA_DATA_GOUV)
            + re.escape(identifier)
            + "/"
            + re.escape(version)
            + r"/[^/]+"
        )
        assert re.fullmatch(expected, url), f"{url} is not {expected}"
    else:
        # Standards not published on schema.data.gouv.fr: the URL of their
        # source repository.
        assert url.startswith("https://") and identifier in url, url
    assert descriptor["homepage"].startswith("https://")
    assert not descriptor["homepage"].endswith(".git")

    assert isinstance(descriptor["missingValues"], list)

    field_names = [field["name"] for field in descriptor["fields"]]
    assert len(field_names) == len(set(field_names)), "duplicate field names"
    assert isinstance(descriptor["custom_checks"], list)
    for check in descriptor["custom_checks"]:
        assert isinstance(check.get("name"), str) and check["name"], check
        assert isinstance(check.get("params"), dict), check
        _assert_french(check.get("message"), f"message of {check['name']}")
        unknown = set(_column_params(check["params"])) - set(field_names)
        assert not unknown, f"{check['name']} names unknown columns {unknown}"


@pytest.mark.parametrize("schema_path", SCHEMA_PATHS, ids=SCHEMA_IDS)
def test_fields_are_documented(schema_path: Path) -> None:
    for field in _descriptor(schema_path)["fields"]:
        name = field["name"]
        title = field.get("title")
        assert isinstance(title, str) and title.strip(), f"{name}: no title"
        assert title != name, f"{name}: the title repeats the name"
        _assert_french(field.get("description"), f"{name}: description")
        example = field.get("example")
        assert isinstance(example, str) and example, f"{name}: no string example"


@pytest.mark.parametrize("schema_path", SCHEMA_PATHS, ids=SCHEMA_IDS)
def test_examples_form_a_valid_row(schema_path: Path, tmp_path: Path) -> None:
    descriptor = _descriptor(schema_path)
    fields = descriptor["fields"]
    path = tmp_path / "examples.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=_delimiter(descriptor))
        writer.writerow([field["name"] for field in fields])
        writer.writerow([field["example"] for field in fields])
    report = _validate_csv(path, descriptor)
    assert report.valid, _errors(report)
    assert report.tasks[0].stats["rows"] == 1


@pytest.mark.parametrize("schema_path", SCHEMA_PATHS, ids=SCHEMA_IDS)
def test_valid_sample(schema_path: Path) -> None:
    valid, _ = _samples(schema_path)
    descriptor = _descriptor(schema_path)
    assert _header(valid, _delimiter(descriptor)) == [
        field["name"] for field in descriptor["fields"]
    ]
    report = _validate_csv(valid, descriptor)
    assert report.valid, _errors(report)
    assert report.tasks[0].stats["rows"] >= 3


@pytest.mark.parametrize("schema_path", SCHEMA_PATHS, ids=SCHEMA_IDS)
def test_invalid_sample(schema_path: Path) -> None:
    valid, invalid = _samples(schema_path)
    descriptor = _descriptor(schema_path)
    delimiter = _delimiter(descriptor)
    assert _header(invalid, delimiter) == _header(valid, delimiter)

    report = _validate_csv(invalid, descriptor)
    assert not report.valid
    errors = _errors(report)
    # Only cell errors: a header or file problem would hide the row errors.
    assert all(row is not None and field is not None for row, field, *_ in errors), (
        errors
    )
    rows_in_error = {row for row, *_ in errors}
    data_rows = set(range(2, report.tasks[0].stats["rows"] + 2))
    assert rows_in_error == data_rows, (
        f"rows without error: {data_rows - rows_in_error}"
    )

    expected_path = invalid.with_name("invalid.expected.json")
    if expected_path.exists():
        expected = {
            (item["row"], item["field"], item["type"])
            for item in _load_json(expected_path)
        }
        actual = {(row, field, kind) for row, field, kind, _ in errors}
        assert actual == expected
    else:
        assert {kind for *_, kind, _ in errors} <= {"constraint-error", "type-error"}


def test_deviations_point_to_official_rules() -> None:
    deviations = _load_json(DEVIATIONS)
    assert isinstance(deviations, list) and deviations
    seen = set()
    for entry in deviations:
        assert set(entry) == DEVIATION_KEYS, entry
        key = (entry["standard"], entry["version"], entry["field"])
        assert key not in seen, f"duplicate deviation {key}"
        seen.add(key)
        schema_path = _schema_for(entry["standard"], entry["version"])
        assert schema_path, f"no schema for {entry['standard']} {entry['version']}"
        descriptor = _descriptor(schema_path)
        fields = {field["name"]: field for field in descriptor["fields"]}
        assert entry["field"] in fields, f"unknown field {key}"
        field = fields[entry["field"]]
        constraints = field.get("constraints", {})
        official, accepted = entry["official"], entry["accepted"]
        assert official and set(official) == set(accepted), entry
        for name, value in official.items():
            # The schema keeps the official rule; the deviation is elsewhere.
            rule = constraints[name] if name in constraints else field.get(name)
            assert rule == value, f"{key}: official {name} differs from the schema"
            if name == "pattern":
                re.compile(accepted[name])
        _assert_french(entry["reason"], f"reason of {key}")

        # The relaxed schema still loads and still accepts the valid sample.
        relaxed = copy.deepcopy(descriptor)
        for relaxed_field in relaxed["fields"]:
            if relaxed_field["name"] == entry["field"]:
                for name, value in accepted.items():
                    if name in constraints:
                        relaxed_field["constraints"][name] = value
                    else:
                        relaxed_field[name] = value
        _schema(relaxed)
        valid = _data_dir(schema_path) / "valid.csv"
        if valid.exists():
            report = _validate_csv(valid, relaxed)
            assert report.valid, _errors(report)


def test_equipements_commune_deviation() -> None:
    entries = [
        entry
        for entry in _load_json(DEVIATIONS)
        if (entry["standard"], entry["version"], entry["field"])
        == ("equipements", "0.1.5", "ADR_COMMUNE")
    ]
    assert len(entries) == 1
    official = re.compile(entries[0]["official"]["pattern"])
    accepted = re.compile(entries[0]["accepted"]["pattern"])
    for name in HAUTE_GARONNE_APOSTROPHES:
        assert not official.fullmatch(name), name
        assert accepted.fullmatch(name), name
    assert accepted.fullmatch("L\u2019Union")
    for name in OTHER_HAUTE_GARONNE_COMMUNES:
        assert official.fullmatch(name), name
        assert accepted.fullmatch(name), name
    for value in WRONG_COMMUNE_VALUES:
        assert not accepted.fullmatch(value), value


def test_scdl_urls_are_in_the_catalogue() -> None:
    catalogue = _load_json(_reference() / "_catalogue" / "schemas-scdl.json")
    by_url = {}
    for schema in catalogue["schemas"]:
        for version in schema["versions"]:
            by_url[version["schema_url"]] = (schema, version["version_name"])

    checked = set()
    for schema_path in SCHEMA_PATHS:
        descriptor = _descriptor(schema_path)
        if not descriptor["url"].startswith(SCHEMA_DATA_GOUV):
            continue
        url = descriptor["url"]
        assert url in by_url, f"{url} is not in the schema.data.gouv.fr catalogue"
        entry, version = by_url[url]
        assert entry["name"] == descriptor["identifier"]
        assert version == descriptor["version"]
        assert entry["homepage"].removesuffix(".git") == descriptor["homepage"]
        checked.add(schema_path.parent.parent.name)
    assert set(SCDL_STANDARDS) <= checked


@pytest.mark.parametrize("schema_path", SCHEMA_PATHS, ids=SCHEMA_IDS)
def test_facts_match_the_official_schema(schema_path: Path) -> None:
    official_path = _reference() / schema_path.parent.parent.name / "schema.json"
    if not official_path.exists():
        pytest.skip(f"no official file at {official_path}")
    official = _load_json(official_path)
    ours = _descriptor(schema_path)
    if official.get("version", "").removeprefix("v") != ours["version"]:
        pytest.skip(f"the official file is version {official.get('version')}")

    assert [f["name"] for f in ours["fields"]] == [
        f["name"] for f in official["fields"]
    ]
    for mine, theirs in zip(ours["fields"], official["fields"], strict=True):
        facts = {k: v for k, v in mine.items() if k not in PROSE_KEYS}
        official_facts = {k: v for k, v in theirs.items() if k not in PROSE_KEYS}
        assert facts == official_facts, mine["name"]
        # Our own wording, not a copy of the official prose.
        assert mine["title"] != theirs.get("title"), mine["name"]
        assert mine["description"] != theirs.get("description"), mine["name"]
    assert ours["missingValues"] == official.get("missingValues", [""])
    assert [
        {k: v for k, v in check.items() if k != "message"}
        for check in ours["custom_checks"]
    ] == official.get("custom_checks", [])
    assert ours["homepage"] == official["homepage"]
