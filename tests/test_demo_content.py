"""Checks of the demo content: dev/demo/datasets.json and the files it lists.

Pure module: no CKAN import and no fixture beyond pytest's own::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/test_demo_content.py

Every collectivité of dev/demo/collectivites.csv publishes at least two
datasets; every file under dev/demo/files is valid against the schema of the
standard version the registry resolves for it (Frictionless for the Table
Schemas, JSON Schema draft 7 for DECP JSON). Frictionless does not run the
SCDL custom checks recorded in the schemas (``custom_checks``), so the ones
that matter for realistic content are re-checked here: SIRET keys, the
collectivité's own SIRET, vote arithmetic, ACTES codes, BAL identifiers.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from frictionless import Dialect, Resource, Schema
from stdnum.fr import siret

from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.validation import validate

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "dev" / "demo"
FILES = DEMO / "files"
MANIFEST = DEMO / "datasets.json"

DATASET_KEYS = {"organization", "type", "name", "title", "notes", "tags", "contact"}
OPTIONAL_DATASET_KEYS = {"scdl_version", "temporal_coverage", "resources", "frequency"}
# A resource is a file ("file") or an online table's rows ("table").
RESOURCE_KEYS = {"name", "description"}
OPTIONAL_RESOURCE_KEYS = {"file", "table", "faulty", "scdl_version", "scdl_standard"}
# Columns that hold the SIRET of the collectivité publishing the file.
OWN_SIRET_COLUMNS = {"COLL_SIRET", "idAttribuant", "acheteur_id"}
VOTE_COLUMNS = (
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
)
# Level 1 of the ACTES nomenclature, by the first digit of the matière code.
ACTES_LEVEL_1 = {
    "1": "commande publique",
    "2": "urbanisme",
    "3": "domaine et patrimoine",
    "4": "fonction publique",
    "5": "institutions et vie politique",
    "6": "libertes publiques et pouvoirs de police",
    "7": "finances locales",
    "8": "domaines de competences par themes",
    "9": "autres domaines de competences",
}


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:
        return json.load(stream)


def _collectivites() -> dict[str, dict[str, str]]:
    with (DEMO / "collectivites.csv").open(encoding="utf-8", newline="") as stream:
        return {row["name"]: row for row in csv.DictReader(stream)}


COLLECTIVITES = _collectivites()
DATASETS: list[dict[str, Any]] = _load_json(MANIFEST)
RESOURCES = [
    (dataset, resource)
    for dataset in DATASETS
    for resource in dataset.get("resources", [])
    if "file" in resource and not resource.get("faulty")
]
# Online tables ("Saisir en ligne"): rows the loader adds through
# datastore_upsert (tests/entry checks that path; here, the rows).
TABLES = [
    (dataset, resource)
    for dataset in DATASETS
    for resource in dataset.get("resources", [])
    if "table" in resource
]
# Files the demo publishes on purpose with typical mistakes, to show a report.
FAULTY = [
    (dataset, resource)
    for dataset in DATASETS
    for resource in dataset.get("resources", [])
    if resource.get("faulty")
]
RESOURCE_IDS = [resource["file"] for _, resource in RESOURCES]


def _of_types(*types: str) -> list[Any]:
    return [
        pytest.param(dataset, resource, id=resource["file"])
        for dataset, resource in RESOURCES
        if dataset["type"] in types
    ]


def _version(dataset: dict[str, Any], resource: dict[str, Any]):
    version = registry.schema_version_for(dataset, resource)
    assert version, f"{resource['file']}: no standard version for this resource"
    return version


def _descriptor(dataset: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    return registry.load_descriptor(_version(dataset, resource).path)


def _delimiter(descriptor: dict[str, Any]) -> str:
    return (descriptor.get("dialect") or {}).get("delimiter", ",")


def _rows(path: Path, descriptor: dict[str, Any]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=_delimiter(descriptor)))


def _table_resource(
    dataset: dict[str, Any], resource: dict[str, Any]
) -> tuple[Path, dict[str, Any]]:
    assert _version(dataset, resource).kind == "table", resource["file"]
    return FILES / resource["file"], _descriptor(dataset, resource)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _in_territory(organization: str, commune: str) -> bool:
    """Whether a commune belongs to a collectivité: the commune itself, a
    member of an EPCI (its INSEE column lists them, space-separated) or a
    commune of a département (its INSEE column is the département code)."""
    codes = COLLECTIVITES[organization]["insee"].split()
    return any(commune == code or commune[:2] == code for code in codes)


def _integer(value: str) -> int:
    return int(value) if value else 0


def test_manifest_shape() -> None:
    assert isinstance(DATASETS, list) and DATASETS
    names = [dataset["name"] for dataset in DATASETS]
    assert len(names) == len(set(names)), "duplicate dataset names"
    for dataset in DATASETS:
        what = dataset.get("name")
        assert set(dataset) >= DATASET_KEYS, f"{what}: missing keys"
        assert set(dataset) <= DATASET_KEYS | OPTIONAL_DATASET_KEYS, what
        assert dataset["organization"] in COLLECTIVITES, what
        assert registry.get_dataset_type(dataset["type"]), what
        assert re.fullmatch(r"[a-z0-9][a-z0-9_-]{1,99}", dataset["name"]), what
        assert dataset["tags"] and all(isinstance(tag, str) for tag in dataset["tags"])
        for contact in dataset["contact"]:
            assert contact["name"] and contact["email"].endswith(".example"), what
        for period in dataset.get("temporal_coverage", []):
            assert period.get("end", period["start"]) >= period["start"], what
        assert dataset.get("resources"), f"{what}: no file"
        for resource in dataset["resources"]:
            assert set(resource) >= RESOURCE_KEYS, what
            assert set(resource) <= RESOURCE_KEYS | OPTIONAL_RESOURCE_KEYS, what
            assert len({"file", "table"} & set(resource)) == 1, what


def test_every_collectivite_has_two_datasets() -> None:
    counts = dict.fromkeys(COLLECTIVITES, 0)
    for dataset in DATASETS:
        counts[dataset["organization"]] += 1
    assert all(count >= 2 for count in counts.values()), counts


@pytest.mark.parametrize(("dataset", "resource"), RESOURCES, ids=RESOURCE_IDS)
def test_file_exists(dataset: dict[str, Any], resource: dict[str, Any]) -> None:
    path = FILES / resource["file"]
    assert path.is_file(), f"missing {path.relative_to(ROOT)}"
    assert path.parent.name == dataset["organization"]
    version = _version(dataset, resource)
    assert path.suffix == (".csv" if version.kind == "table" else ".json")


@pytest.mark.parametrize(("dataset", "resource"), RESOURCES, ids=RESOURCE_IDS)
def test_file_is_valid(dataset: dict[str, Any], resource: dict[str, Any]) -> None:
    path = FILES / resource["file"]
    version = _version(dataset, resource)
    descriptor = _descriptor(dataset, resource)
    if version.kind == "json":
        validator = jsonschema.Draft7Validator(descriptor)
        errors = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(_load_json(path))
        ]
        assert not errors
        return

    with path.open(encoding="utf-8", newline="") as stream:
        header = next(csv.reader(stream, delimiter=_delimiter(descriptor)))
    assert header == [field["name"] for field in descriptor["fields"]]
    report = Resource(
        path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(copy.deepcopy(descriptor)),
        dialect=Dialect.from_descriptor(dict(descriptor.get("dialect") or {})),
        format="csv",
        encoding="utf-8",
    ).validate(limit_errors=1000)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])
    assert report.tasks[0].stats["rows"] >= 3


@pytest.mark.parametrize(
    ("dataset", "resource"),
    _of_types("deliberations", "subventions", "marches", "equipements"),
)
def test_sirets(dataset: dict[str, Any], resource: dict[str, Any]) -> None:
    """The SIRET columns of the schema's french-siret-value checks hold valid
    SIRETs, and the publisher's own SIRET starts with its SIREN."""
    siren = COLLECTIVITES[dataset["organization"]]["siren"]
    path = FILES / resource["file"]
    if _version(dataset, resource).kind == "json":
        marches = _load_json(path)["marches"].get("marche", [])
        for marche in marches:
            assert marche["acheteur"]["id"].startswith(siren), marche["id"]
            holders = [item["titulaire"] for item in marche["titulaires"]] + [
                item["acteSousTraitance"]["sousTraitant"]
                for item in marche.get("actesSousTraitance", [])
            ]
            ids = [marche["acheteur"]["id"]] + [
                holder["id"]
                for holder in holders
                if holder["typeIdentifiant"] == "SIRET"
            ]
            bad = [value for value in ids if not siret.is_valid(value)]
            assert not bad, f"{marche['id']}: invalid SIRET {bad}"
        return

    descriptor = _descriptor(dataset, resource)
    checks = [
        check["params"]
        for check in descriptor["custom_checks"]
        if check["name"] == "french-siret-value"
    ]
    assert checks, "no french-siret-value check in the schema"
    for number, row in enumerate(_rows(path, descriptor), start=2):
        for params in checks:
            column, when = params["column"], params.get("when")
            if when and row[when["column"]] != when["equals"]:
                continue
            value = row[column]
            if not value:
                continue
            assert siret.is_valid(value), f"row {number}: {column}={value!r}"
            if column in OWN_SIRET_COLUMNS:
                assert value.startswith(siren), f"row {number}: {column}={value!r}"


@pytest.mark.parametrize(("dataset", "resource"), _of_types("deliberations"))
def test_deliberation_votes_add_up(
    dataset: dict[str, Any], resource: dict[str, Any]
) -> None:
    path, descriptor = _table_resource(dataset, resource)
    for number, row in enumerate(_rows(path, descriptor), start=2):
        filled = [bool(row[column]) for column in VOTE_COLUMNS]
        assert all(filled) or not any(filled), f"row {number}: partial votes"
        effectif, reel, pour, contre, abstention = (
            _integer(row[column]) for column in VOTE_COLUMNS
        )
        assert pour + contre + abstention == reel, f"row {number}: votes"
        assert reel <= effectif, f"row {number}: more voters than members"


@pytest.mark.parametrize(("dataset", "resource"), _of_types("deliberations"))
def test_deliberation_codes_and_dates(
    dataset: dict[str, Any], resource: dict[str, Any]
) -> None:
    path, descriptor = _table_resource(dataset, resource)
    for number, row in enumerate(_rows(path, descriptor), start=2):
        level_1, _, level_2 = row["DELIB_MATIERE_NOM"].partition("/")
        code = row["DELIB_MATIERE_CODE"]
        assert level_2 and _ascii(level_1) == ACTES_LEVEL_1[code[0]], (
            f"row {number}: {code} {row['DELIB_MATIERE_NOM']!r}"
        )
        if row["PREF_DATE"]:
            assert row["PREF_DATE"] >= row["DELIB_DATE"], f"row {number}"
        assert bool(row["BUDGET_ANNEE"]) == bool(row["BUDGET_NOM"]), f"row {number}"


@pytest.mark.parametrize(("dataset", "resource"), _of_types("prenoms", "adresses"))
def test_commune_codes(dataset: dict[str, Any], resource: dict[str, Any]) -> None:
    """Prénoms and addresses are those of communes of the collectivité; BAL
    rows are consistent with their commune (interoperability key, cadastral
    parcels, BAN ids)."""
    path, descriptor = _table_resource(dataset, resource)
    rows = _rows(path, descriptor)
    column = "COLL_INSEE" if dataset["type"] == "prenoms" else "commune_insee"
    outside = {
        row[column]
        for row in rows
        if not _in_territory(dataset["organization"], row[column])
    }
    assert not outside, f"communes outside the collectivité: {outside}"
    if dataset["type"] == "prenoms":
        return

    street = "voie_nom" if "voie_nom" in rows[0] else "toponyme"
    communes: dict[str, set[str]] = {}
    streets: dict[tuple[str, str], set[str]] = {}
    for number, row in enumerate(rows, start=2):
        code = row["commune_insee"]
        communes.setdefault(code, set()).add(row["id_ban_commune"])
        streets.setdefault((code, row[street]), set()).add(row["id_ban_toponyme"])
        if "cle_interop" in row:
            expected = f"{code}_" + r"[0-9a-zA-Z]\d{3}" + f"_{int(row['numero']):05d}"
            if row["suffixe"]:
                expected += f"_{row['suffixe'].lower()}"
            assert re.fullmatch(expected, row["cle_interop"]), f"row {number}"
        for parcel in filter(None, row["cad_parcelles"].split("|")):
            assert parcel[:2] + parcel[3:6] == code, f"row {number}: {parcel}"
    assert all(len(ids) == 1 for ids in communes.values()), "id_ban_commune"
    assert all(len(ids) == 1 for ids in streets.values()), "id_ban_toponyme"


@pytest.mark.parametrize(
    ("dataset", "resource"),
    [pytest.param(d, r, id=r["file"]) for d, r in FAULTY],
)
def test_the_faulty_demo_file_shows_typical_mistakes(
    dataset: dict[str, Any], resource: dict[str, Any]
) -> None:
    from ckanext.haute_garonne.validation import validate

    version = _version(dataset, resource)
    report = validate(FILES / resource["file"], version.standard, version.version)
    assert report.status == "invalid"
    assert report.encoding.lower() in {"cp1252", "windows-1252"}
    assert {"type-error", "constraint-error", "header-mismatch"} <= set(
        report.error_counts
    )
    assert len(report.hints) >= 4


@pytest.mark.parametrize(
    ("dataset", "resource"),
    [pytest.param(d, r, id=r["table"]) for d, r in TABLES],
)
def test_table_rows_are_valid(
    dataset: dict[str, Any], resource: dict[str, Any]
) -> None:
    """The rows of a demo online table, written as its published file would
    be (the standard's columns in order, "oui"/"non"), pass our engine."""
    rows = _load_json(FILES / resource["table"])
    assert rows, resource["table"]
    version = _version(dataset, resource)
    names = [field["name"] for field in _descriptor(dataset, resource)["fields"]]
    assert set().union(*rows) <= set(names)
    text = io.StringIO()
    out = csv.writer(text, lineterminator="\n")
    out.writerow(names)
    for row in rows:
        cells = [row.get(name) for name in names]
        out.writerow(
            [
                ("oui" if c else "non") if isinstance(c, bool) else (c or "")
                for c in cells
            ]
        )
    report = validate(
        io.BytesIO(text.getvalue().encode()), version.standard, version.version,
        filename="table.csv",
    )  # fmt: skip
    assert report.status == "valid", report.to_dict()["errors"][:3]
