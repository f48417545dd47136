"""Our JSON Schema of the national DECP format (2.0.2) and its samples.

Pure module: no CKAN import, no fixture::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/test_decp_json_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION = "2.0.2"
SCHEMA_PATH = (
    ROOT / "ckanext/haute_garonne/schemas/jsonschema/decp" / VERSION / "schema.json"
)
DATA = Path(__file__).resolve().parents[1] / "data" / "decp-json" / VERSION

TOP_LEVEL_KEYS = (
    "$schema",
    "name",
    "title",
    "description",
    "version",
    "identifier",
    "url",
    "homepage",
)
# One error per item of invalid.json: (path of the value, JSON Schema keyword).
EXPECTED_ERRORS = {
    ("marches/marche/0/acheteur/id", "pattern"),  # SIREN instead of SIRET
    ("marches/marche/1", "additionalProperties"),  # montantTTC is not a property
    ("marches/marche/2", "required"),  # codeCPV missing
    ("marches/marche/3/procedure", "enum"),  # "MAPA"
    ("marches/marche/4/montant", "minimum"),  # 0
    ("marches/marche/5/dateNotification", "pattern"),  # 16/02/2026
    ("marches/marche/6/titulaires", "minItems"),  # no holder
    ("marches/marche/7/tauxAvance", "maximum"),  # 5 instead of 0.05
    ("marches/marche/8/id", "maxLength"),  # 21 characters
    # "clause sociale": the lists are case-sensitive
    ("marches/marche/9/considerationsSociales/considerationSociale/1", "enum"),
    ("marches/contrat-concession/0/nature", "enum"),  # "DSP"
    ("marches/contrat-concession/1/montantSubventionPublique", "minimum"),
}


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:
        return json.load(stream)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return _load(SCHEMA_PATH)


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema)


def _errors(validator: jsonschema.Draft7Validator, document: Any) -> set[tuple]:
    return {
        ("/".join(str(part) for part in error.absolute_path), error.validator)
        for error in validator.iter_errors(document)
    }


def test_check_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_top_level_keys(schema: dict[str, Any]) -> None:
    missing = [key for key in TOP_LEVEL_KEYS if not schema.get(key)]
    assert not missing, f"missing top-level keys: {missing}"
    assert schema["version"] == VERSION
    assert schema["identifier"] == "139bercy/format-commande-publique"
    assert schema["url"] == (
        "https://schema.data.gouv.fr/schemas/139bercy/format-commande-publique/"
        "2.0.2/schema_decp_v2.0.2.json"
    )
    assert schema["homepage"] == "https://github.com/139bercy/format-commande-publique"


def test_every_property_is_documented(schema: dict[str, Any]) -> None:
    undocumented = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if not (prop.get("title") and prop.get("description")):
                    undocumented.append(f"{path}/{name}")
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}/{index}")

    walk(schema, "#")
    assert not undocumented


def test_marche_and_concession_shapes(schema: dict[str, Any]) -> None:
    marche = schema["definitions"]["marche"]
    concession = schema["definitions"]["contrat-concession"]
    assert len(marche["properties"]) == 32
    assert len(marche["required"]) == 24
    assert len(concession["properties"]) == 16
    assert len(concession["required"]) == 14
    assert marche["additionalProperties"] is False
    assert concession["additionalProperties"] is False


def test_valid_sample(validator: jsonschema.Draft7Validator) -> None:
    document = _load(DATA / "valid.json")
    assert _errors(validator, document) == set()
    assert document["marches"]["marche"] and document["marches"]["contrat-concession"]


def test_invalid_sample(validator: jsonschema.Draft7Validator) -> None:
    assert _errors(validator, _load(DATA / "invalid.json")) == EXPECTED_ERRORS


def test_official_leniencies_are_kept(validator: jsonschema.Draft7Validator) -> None:
    """Faithful to the official 2.0.2 file, two things pass that a stricter
    later check must catch: the date pattern is not anchored (a value that
    merely contains a date passes), and nothing is required at the top level
    (2.0.3 requires "marches" and a "marche" or "contrat-concession" list)."""
    document = _load(DATA / "valid.json")
    document["marches"]["marche"][0]["dateNotification"] = "le 2026-02-16"
    assert _errors(validator, document) == set()
    assert _errors(validator, {}) == set()
