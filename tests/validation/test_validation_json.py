"""DECP JSON: jsonschema errors with a JSON path and French messages.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_json.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ckanext.haute_garonne.validation import validate

VALID = (
    Path(__file__).resolve().parents[1] / "data" / "decp-json" / "2.0.2" / "valid.json"
)


@pytest.fixture
def document() -> dict:
    return json.loads(VALID.read_text(encoding="utf-8"))


def _validate(document: dict) -> list[tuple]:
    report = validate(json.dumps(document, ensure_ascii=False).encode("utf-8"), "decp")
    assert report.format == "json"
    return report


def test_valid(document: dict) -> None:
    report = _validate(document)
    assert report.valid and report.rows == 3


def test_each_validator_kind(document: dict) -> None:
    broken = copy.deepcopy(document)
    marche = broken["marches"]["marche"][0]
    identifier = marche["id"]
    del marche["codeCPV"]  # required
    marche["acheteur"]["id"] = "213104581"  # pattern (a SIREN)
    marche["procedure"] = "MAPA"  # enum
    marche["montant"] = "48500"  # type
    marche["dureeMois"] = 0  # minimum
    marche["montantTTC"] = 1  # additionalProperties
    marche["dateNotification"] = "16/02/2026"  # pattern, a French date
    report = _validate(broken)
    found = {(e.field, e.type) for e in report.errors}
    assert {
        ("marches/marche/0/codeCPV", "json-required"),
        ("marches/marche/0/acheteur/id", "json-pattern"),
        ("marches/marche/0/procedure", "json-enum"),
        ("marches/marche/0/montant", "json-type"),
        ("marches/marche/0/dureeMois", "json-minimum"),
        ("marches/marche/0/montantTTC", "json-additional-properties"),
        ("marches/marche/0/dateNotification", "json-pattern"),
    } <= found
    messages = {e.field: e.message for e in report.errors}
    assert f"marché n° 1 (id « {identifier} »)" in messages["marches/marche/0/codeCPV"]
    assert "obligatoire" in messages["marches/marche/0/codeCPV"]
    assert "SIREN" in messages["marches/marche/0/acheteur/id"]
    assert "« Procédure adaptée »" in messages["marches/marche/0/procedure"]
    assert "sans guillemets" in messages["marches/marche/0/montant"]
    assert "supérieure ou égale à 1" in messages["marches/marche/0/dureeMois"]
    assert "n'existe pas dans le format" in messages["marches/marche/0/montantTTC"]
    assert (
        "Écrivez plutôt : 2026-02-16" in messages["marches/marche/0/dateNotification"]
    )
    assert all(e.row is None for e in report.errors)
    assert report.status == "invalid"


def test_old_2019_format_is_explained() -> None:
    old = {"marches": [{"id": "2018MAPA062", "_type": "Marché", "montant": 1000}]}
    report = _validate(old)
    assert report.status == "invalid"
    assert report.rows == 1
    assert any("2019" in hint for hint in report.hints)


def test_json_in_windows_1252(document: dict) -> None:
    data = json.dumps(document, ensure_ascii=False).encode("cp1252", errors="replace")
    report = validate(data, "decp")
    assert report.encoding == "cp1252"
    assert "encoding-warning" in report.error_counts
