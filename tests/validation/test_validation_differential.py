"""Differential test: our engine and frictionless agree on Table Schema errors.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_differential.py

A few thousand rows of subventions and BAL are generated from a valid row,
with errors of every Table Schema kind injected on random rows (types,
patterns — including the BAL's unanchored ones —, enums, lengths, bounds,
required values, blank rows, extra and missing cells) plus values that look
wrong but that frictionless accepts (``2024-1-5`` for a date, ``+5`` for an
integer, a UUID in braces, ``566563,37`` for a BAL ``x``…). The set of
(row, field, type) reported by both must be the same. Frictionless types are
mapped to ours: a ``constraint-error`` on the ``required`` constraint is our
``required-error``, and on a cell that frictionless also reports as a
``missing-cell`` it is dropped (we report the missing cell only).
"""

from __future__ import annotations

import copy
import csv
import random
from pathlib import Path

import pytest
from frictionless import Dialect, Resource, Schema
from validation_samples import SUBVENTIONS

from ckanext.haute_garonne.standards.registry import load_descriptor
from ckanext.haute_garonne.validation import validate

TABLE_TYPES = {
    "type-error",
    "constraint-error",
    "required-error",
    "blank-row",
    "extra-cell",
    "missing-cell",
    "unique-error",
    "primary-key",
}

SUBVENTIONS_ROW = SUBVENTIONS
SUBVENTIONS_VALUES = {
    "idAttribuant": ["2131045810001", "21310458100011 ", "", "2.13104581E+13"],
    "dateConvention": [
        "12/03/2024",
        "2024-02-30",
        "2024-1-5",
        " 2024-01-05",
        "",
        "45123",
    ],
    "nomBeneficiaire": ["", " "],
    "rnaBeneficiaire": ["W12345678", "w123456789", "W123456789"],
    "objet": ["x" * 257, "x" * 256],
    "montant": ["1 250,50", "abc", "1e3", "NaN", "  12  ", "1_000", "", "12 €"],
    "nature": [
        "Aide en numéraire",
        "aide en numéraire ",
        "aide en nature;aide en numéraire",
    ],
    "conditionsVersement": ["y" * 300, ""],
    "datesPeriodeVersement": [
        "2024-01-01_2024-12-31",
        "2024-01-01/2024-12-31",
        "2024-05-15\n",
        "2024/05/15",
        "",
    ],
    "idRAE": ["123456", "12345"],
    "notificationUE": ["Non", "oui", "1", "", "OUI"],
    "pourcentageSubvention": [
        "60",
        "0",
        "0.001",
        "1.5",
        "NaN",
        "0.5",
        "1,0",
        "Infinity",
    ],
}

BAL_ROW = {
    "id_ban_commune": "0246e48c-f33d-433a-8984-034219be842e",
    "id_ban_toponyme": "7c5bd0f8-41a5-4c14-9e6d-3a5a0c16e4c1",
    "id_ban_adresse": "",
    "commune_insee": "31458",
    "commune_nom": "Roques",
    "commune_deleguee_insee": "",
    "commune_deleguee_nom": "",
    "toponyme": "Avenue de la Gare",
    "lieudit_complement_nom": "",
    "numero": "12",
    "suffixe": "",
    "position": "entrée",
    "x": "566563.37",
    "y": "6266820.12",
    "long": "1.3512345",
    "lat": "43.5023456",
    "cad_parcelles": "310458000AB0113",
    "source": "commune de Roques",
    "date_der_maj": "2024-05-12",
    "certification_commune": "1",
}
BAL_VALUES = {
    "id_ban_commune": [
        "not-a-uuid",
        "{0246e48c-f33d-433a-8984-034219be842e}",
        "0246E48C-F33D-433A-8984-034219BE842E",
        "0246e48cf33d433a8984034219be842e",
        "",
    ],
    "id_ban_adresse": ["urn:uuid:0246e48c-f33d-433a-8984-034219be842e", "1234"],
    "commune_insee": ["3145", "31 458", "2A004", ""],
    "commune_nom": [
        "Roques 31",
        "Paris 1er Arrondissement xyz!!",
        "L'Union",
        "Saint-Jean (31)",
    ],
    "commune_deleguee_insee": ["1234", "31458"],
    "toponyme": ["Av", "Rue #3", "Chemin d\u2019En Pouchou"],
    "lieudit_complement_nom": ["Bois", "Le Bois"],
    "numero": ["0", "18.5", "100000", " 12 ", "+5", "", "1_0"],
    "position": ["Entrée", "cage d'escalier", "cage d\u2019escalier", ""],
    "x": ["566563,37", "abc", "566563.378", "566563 37", "-1.5", ""],
    "long": ["1,5234567", "1.52345678", "181"],
    "cad_parcelles": [
        "31458 ZB 22",
        "310458000AB0113|310458000AB0114",
        "310458000AB0113|",
    ],
    "source": ["SIG", "Mairie"],
    "date_der_maj": ["12/03/2026", "2024-13-01", "", "2024-5-1"],
    "certification_commune": ["oui", "True", "1", "", "FALSE", "vrai"],
}


def _write(
    path: Path,
    row: dict[str, str],
    values: dict[str, list[str]],
    delimiter: str,
    seed: int,
    size: int,
) -> None:
    rng = random.Random(seed)
    header = list(row)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for _ in range(size):
            cells = dict(row)
            roll = rng.random()
            if roll < 0.5:
                for _ in range(rng.randint(1, 3)):
                    field = rng.choice(list(values))
                    cells[field] = rng.choice(values[field])
            line = [cells[name] for name in header]
            if 0.5 <= roll < 0.51:
                line = [""] * len(header)  # blank row
            elif 0.51 <= roll < 0.52:
                line = [*line, "extra"]
            elif 0.52 <= roll < 0.53:
                line = line[: rng.randint(1, len(header) - 1)]
            elif 0.53 <= roll < 0.535:
                line = []  # an empty line
            writer.writerow(line)


def _frictionless(path: Path, descriptor: dict) -> set[tuple]:
    resource = Resource(
        path.name,
        basepath=str(path.parent),
        schema=Schema.from_descriptor(copy.deepcopy(descriptor)),
        dialect=Dialect.from_descriptor(dict(descriptor.get("dialect") or {})),
        format="csv",
        encoding="utf-8",
    )
    report = resource.validate(limit_errors=100_000)
    assert report.tasks[0].stats["errors"] < 100_000
    found = set()
    missing = set()
    for row, field, type_, note in report.flatten(
        ["rowNumber", "fieldName", "type", "note"]
    ):
        field = field or None
        if type_ == "constraint-error" and '"required"' in (note or ""):
            type_ = "required-error"
        if type_ == "missing-cell":
            missing.add((row, field))
        found.add((row, field, type_))
    return {
        e for e in found if not (e[2] == "required-error" and (e[0], e[1]) in missing)
    }


def _ours(path: Path, standard: str, version: str) -> set[tuple]:
    report = validate(path, standard, version, max_errors=100_000)
    assert report.status in ("valid", "invalid"), report.fatal
    assert not report.truncated
    return {(e.row, e.field, e.type) for e in report.errors if e.type in TABLE_TYPES}


@pytest.mark.parametrize(
    ("standard", "version", "row", "values", "seed"),
    [
        ("subventions", "2.1.1", SUBVENTIONS_ROW, SUBVENTIONS_VALUES, 1),
        ("subventions", "2.1.1", SUBVENTIONS_ROW, SUBVENTIONS_VALUES, 2),
        ("bal", "1.5", BAL_ROW, BAL_VALUES, 1),
        ("bal", "1.5", BAL_ROW, BAL_VALUES, 2),
    ],
    ids=["subventions-1", "subventions-2", "bal-1", "bal-2"],
)
def test_same_errors_as_frictionless(
    tmp_path: Path, standard: str, version: str, row: dict, values: dict, seed: int
) -> None:
    descriptor = load_descriptor(f"table/{standard}/{version}/schema.json")
    delimiter = (descriptor.get("dialect") or {}).get("delimiter", ",")
    path = tmp_path / f"{standard}.csv"
    _write(path, row, values, delimiter, seed, size=3000)
    expected = _frictionless(path, descriptor)
    found = _ours(path, standard, version)
    assert len(expected) > 300  # the injection did its job
    assert found - expected == set(), f"only ours: {sorted(found - expected)[:20]}"
    assert expected - found == set(), (
        f"only frictionless: {sorted(expected - found)[:20]}"
    )
