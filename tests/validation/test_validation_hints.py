"""Common mistakes recognised: a hint in the report and a suggestion in the
message of the errors concerned.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_hints.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from validation_samples import SUBVENTIONS, SUBVENTIONS_HEADER, csv_text

from ckanext.haute_garonne.validation import validate

HEADER = SUBVENTIONS_HEADER
ROW = dict(SUBVENTIONS, objet="École de tennis")

CASES = [
    # (column, value, words of the hint, suggestion in the message)
    ("montant", "1 250,50", "virgule décimale", "1250.50"),
    ("montant", "1\u00a0250,50", "virgule décimale", "1250.50"),
    ("montant", "40 000,00 €", "virgule décimale", "40000.00"),
    ("dateConvention", "45123", "nombre à 5 chiffres", "2023-07-16"),
    ("dateConvention", "12/03/2024", "JJ/MM/AAAA", "2024-03-12"),
    ("dateConvention", "2017/09/08", "barres obliques", "2017-09-08"),
    ("dateConvention", "2024-03-12 00:00:00", "heure", "2024-03-12"),
    ("idAttribuant", "2.13104581E+13", "nombres à virgule", None),
    ("idAttribuant", "21310458100011.0", "nombres à virgule", "21310458100011"),
    ("nature", "Aide en numéraire", "majuscules", "aide en numéraire"),
    ("nature", "aide en numeraire", "majuscules", "aide en numéraire"),
    ("notificationUE", "Non", "oui/non", "non"),
    (
        "datesPeriodeVersement",
        "2024-01-01_2024-12-31",
        "tiret bas",
        "2024-01-01/2024-12-31",
    ),
    (
        "datesPeriodeVersement",
        "2018/01/30_2022/01/29",
        "tiret bas",
        "2018-01-30/2022-01-29",
    ),
    ("pourcentageSubvention", "50", "pour cent", "0.5"),
    ("rnaBeneficiaire", " W313001234", "espaces", "W313001234"),
]


def _file(tmp_path: Path, column: str, value: str) -> Path:
    row = dict(ROW, **{column: value})
    path = tmp_path / "subventions.csv"
    path.write_text(
        csv_text([HEADER, [row[name] for name in HEADER]]), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(("column", "value", "hint", "suggestion"), CASES)
def test_hint(
    tmp_path: Path, column: str, value: str, hint: str, suggestion: str | None
) -> None:
    report = validate(_file(tmp_path, column, value), "subventions")
    errors = [e for e in report.errors if e.field == column]
    assert errors, report.errors
    assert any(hint in text for text in report.hints), report.hints
    if suggestion:
        assert f"Écrivez plutôt : {suggestion}" in errors[0].message


def test_no_hint_for_an_ordinary_mistake(tmp_path: Path) -> None:
    report = validate(_file(tmp_path, "montant", "beaucoup"), "subventions")
    assert report.error_counts == {"type-error": 1}
    assert report.hints == []
    assert "Écrivez plutôt" not in report.errors[0].message


def test_insee_code_that_lost_its_zero(tmp_path: Path) -> None:
    path = tmp_path / "prenoms.csv"
    path.write_text(
        "COMMUNE_NOM,COLL_INSEE,ENFANT_SEXE,ENFANT_PRENOM,NOMBRE_OCCURRENCES,ANNEE\r\n"
        "Ambérieu-en-Bugey,1004,F,Louise,3,2024\r\n",
        encoding="utf-8",
    )
    report = validate(path, "prenoms")
    assert "Écrivez plutôt : 01004" in report.errors[0].message
    assert any("zéro initial" in hint for hint in report.hints)


def test_blank_rows_hint(tmp_path: Path) -> None:
    path = _file(tmp_path, "montant", "12")
    path.write_text(
        path.read_text(encoding="utf-8") + "," * 15 + "\r\n", encoding="utf-8"
    )
    report = validate(path, "subventions")
    assert report.error_counts.get("blank-row") == 1
    assert any("lignes entièrement vides" in hint for hint in report.hints)
