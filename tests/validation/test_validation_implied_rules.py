"""Rules the standards imply but the files do not spell out: a check on
columns applies when its columns are absent from the header, coordinates
must lie where the commune is, INSEE codes must exist.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_implied_rules.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from validation_samples import csv_text

from ckanext.haute_garonne.validation import validate
from ckanext.haute_garonne.validation.territory import (
    FRANCE,
    HAUTE_GARONNE,
    expected_boxes,
)

DATA = Path(__file__).resolve().parents[1] / "data"
FOLDERS = {"decp-table": "decp"}
DELIMITERS = {"bal": ";"}
VERSIONS = {
    "bal": "1.5",
    "deliberations": "2.1.5",
    "equipements": "0.1.5",
    "subventions": "2.1.1",
}


def _validate(
    tmp_path: Path,
    standard: str,
    changes: list[dict[str, str]],
    drop: tuple[str, ...] = (),
):
    """Validate the first row of the valid sample changed by each item of
    ``changes`` (one row each), without the columns ``drop``."""
    version = VERSIONS[standard]
    delimiter = DELIMITERS.get(standard, ",")
    sample = DATA / FOLDERS.get(standard, standard) / version / "valid.csv"
    with sample.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream, delimiter=delimiter)
        header = [n for n in reader.fieldnames or [] if n not in drop]
        first = next(reader)
    lines = [header] + [[dict(first, **c)[n] for n in header] for c in changes]
    path = tmp_path / f"{standard}.csv"
    path.write_text(csv_text(lines, delimiter), encoding="utf-8")
    report = validate(path, standard, version)
    assert report.status in ("valid", "invalid"), report.fatal
    return report


def _found(report, *types: str) -> list[tuple]:
    return [(e.row, e.field, e.type) for e in report.errors if e.type in types]


# Columns absent from the header ------------------------------------------------------


def test_one_of_two_columns_is_required_even_when_both_are_absent(
    tmp_path: Path,
) -> None:
    report = _validate(
        tmp_path, "subventions", [{}, {}], drop=("idBeneficiaire", "rnaBeneficiaire")
    )
    assert not report.valid
    # Said once, for the header, not on every row.
    assert _found(report, "one-of-required") == [
        (None, "idBeneficiaire", "one-of-required")
    ]
    message = report.errors[-1].message
    assert "idBeneficiaire" in message and "rnaBeneficiaire" in message


def test_one_of_two_columns_with_one_absent_is_checked_on_each_row(
    tmp_path: Path,
) -> None:
    report = _validate(
        tmp_path,
        "subventions",
        [{"idBeneficiaire": ""}, {}],
        drop=("rnaBeneficiaire",),
    )
    assert _found(report, "one-of-required") == [
        (2, "idBeneficiaire", "one-of-required")
    ]


def test_one_of_two_columns_absent_from_an_empty_file_too(tmp_path: Path) -> None:
    report = _validate(
        tmp_path, "subventions", [], drop=("idBeneficiaire", "rnaBeneficiaire")
    )
    assert report.rows == 0 and not report.valid


def test_columns_filled_together_when_one_of_them_is_absent(tmp_path: Path) -> None:
    report = _validate(
        tmp_path,
        "deliberations",
        [
            {},  # BUDGET_NOM filled, BUDGET_ANNEE absent
            {"BUDGET_NOM": ""},  # nothing to say
        ],
        drop=("BUDGET_ANNEE",),
    )
    assert _found(report, "cohesive-columns-value") == [
        (2, "BUDGET_ANNEE", "cohesive-columns-value")
    ]
    error = next(e for e in report.errors if e.type == "cohesive-columns-value")
    assert "BUDGET_NOM est rempli" in error.message
    assert "BUDGET_ANNEE est absent du fichier" in error.message
    assert not report.valid


def test_vote_columns_go_together_even_when_some_are_absent(tmp_path: Path) -> None:
    report = _validate(
        tmp_path,
        "deliberations",
        [
            {},
            {"VOTE_EFFECTIF": "", "VOTE_REEL": ""},
        ],
        drop=("VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION"),
    )
    assert _found(report, "cohesive-columns-value") == [
        (2, "VOTE_EFFECTIF", "cohesive-columns-value")
    ]
    assert "VOTE_POUR, VOTE_CONTRE, VOTE_ABSTENTION sont absents du fichier" in (
        report.errors[-1].message
    )


# Coordinates -------------------------------------------------------------------------


def test_the_boxes() -> None:
    toulouse = (43.6045, 1.4440)
    assert HAUTE_GARONNE.contains(*toulouse)
    assert expected_boxes("31555") == (HAUTE_GARONNE,)
    assert any(box.contains(*toulouse) for box in expected_boxes("75056"))
    assert expected_boxes("") == FRANCE
    assert expected_boxes("97411")[0].contains(-20.8789, 55.4481)  # Saint-Denis
    assert not any(box.contains(0.0, 0.0) for box in FRANCE)


@pytest.mark.parametrize(
    ("lat", "long", "expected"),
    [
        ("43.5090", "1.3720", None),  # Roques
        ("1.3720", "43.5090", "inversées"),
        ("48.1173", "-1.6778", "n'est pas en Haute-Garonne"),  # Rennes
        ("0", "0", "n'est pas en France"),
        ("-21.1151", "55.5364", "n'est pas en Haute-Garonne"),  # La Réunion
    ],
)
def test_coordinates_of_a_facility(
    tmp_path: Path, lat: str, long: str, expected: str | None
) -> None:
    report = _validate(
        tmp_path, "equipements", [{"EQUIP_LAT": lat, "EQUIP_LONG": long}]
    )
    assert report.valid  # a plausibility check: a warning
    found = _found(report, "coordinates-value-warning")
    if expected is None:
        assert found == []
    else:
        assert found == [(2, "EQUIP_LAT", "coordinates-value-warning")]
        assert expected in report.errors[-1].message


def test_coordinates_of_an_address_in_reunion(tmp_path: Path) -> None:
    report = _validate(
        tmp_path,
        "bal",
        [
            {
                "commune_insee": "97411",
                "commune_nom": "Saint-Denis",
                "long": "55.4481",
                "lat": "-20.8789",
                "cad_parcelles": "",
            },
            {
                "commune_insee": "97411",
                "commune_nom": "Saint-Denis",
                "long": "-20.8789",
                "lat": "55.4481",
                "cad_parcelles": "",
            },
        ],
    )
    assert _found(report, "coordinates-value-warning") == [
        (3, "lat", "coordinates-value-warning")
    ]
    assert "inversées" in report.errors[-1].message


def test_coordinates_with_a_decimal_comma_are_reported_once(tmp_path: Path) -> None:
    report = _validate(tmp_path, "bal", [{"lat": "43,5072200"}])
    assert "decimal-point-value" in report.error_counts
    assert "coordinates-value-warning" not in report.error_counts


# INSEE codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("31412", True),  # Péguilhan: a commune déléguée that is also a commune
        ("31298", True),  # Lez, commune déléguée of Saint-Béat-Lez
        ("31016", True),  # Argut-Dessus, commune associée
        ("31999", False),
    ],
)
def test_delegated_commune_code_of_an_address(
    tmp_path: Path, code: str, known: bool
) -> None:
    report = _validate(
        tmp_path,
        "bal",
        [
            {
                "commune_deleguee_insee": code,
                "commune_deleguee_nom": "Commune déléguée",
                "cad_parcelles": "",
            }
        ],
    )
    assert report.valid
    found = _found(report, "commune-insee-value-warning")
    if known:
        assert found == []
    else:
        assert found == [(2, "commune_deleguee_insee", "commune-insee-value-warning")]


def test_commune_code_in_the_identifier_of_a_facility(tmp_path: Path) -> None:
    report = _validate(
        tmp_path,
        "equipements",
        [{"EQUIP_UID": "31999-01010401-001"}, {"EQUIP_UID": "31458-01010401-002"}],
    )
    assert report.valid
    assert _found(report, "commune-insee-value-warning") == [
        (2, "EQUIP_UID", "commune-insee-value-warning")
    ]
    assert "31999" in report.errors[-1].message


def test_commune_code_of_the_place_of_a_public_contract() -> None:
    document = json.loads(
        (DATA / "decp-json" / "2.0.2" / "valid.json").read_text(encoding="utf-8")
    )
    marches = document["marches"]["marche"]
    marches[0]["lieuExecution"] = {"code": "31999", "typeCode": "Code commune"}
    marches[1]["lieuExecution"] = {"code": "31999", "typeCode": "Code postal"}
    report = validate(json.dumps(document).encode("utf-8"), "decp")
    assert report.valid
    assert [(e.field, e.type) for e in report.errors] == [
        ("marches/marche/0/lieuExecution/code", "commune-insee-value-warning")
    ]
    assert "31999" in report.errors[0].message
