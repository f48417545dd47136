"""Header diagnostics: columns matched by name, with the expected spelling.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_headers.py
"""

from __future__ import annotations

from pathlib import Path

from validation_samples import PRENOMS_HEADER, PRENOMS_ROW

from ckanext.haute_garonne.validation import validate

NAMES = PRENOMS_HEADER
VALUES = PRENOMS_ROW


def _file(tmp_path: Path, header: list[str], values: list[str] = VALUES) -> Path:
    path = tmp_path / "prenoms.csv"
    path.write_text(
        ",".join(header) + "\r\n" + ",".join(values) + "\r\n", encoding="utf-8"
    )
    return path


def _problems(tmp_path: Path, header: list[str], values: list[str] = VALUES):
    report = validate(_file(tmp_path, header, values), "prenoms")
    return report, [(e.type, e.field, e.value) for e in report.errors]


def test_exact_header(tmp_path: Path) -> None:
    report, problems = _problems(tmp_path, NAMES)
    assert report.valid and problems == []


def test_case_spaces_and_accents_are_matched_but_reported(tmp_path: Path) -> None:
    header = [
        "Commune_Nom",
        " COLL_INSEE ",
        "enfant sexe",
        "ENFANT_PRÉNOM",
        "NOMBRE_OCCURRENCES",
        "Année",
    ]
    values = ["Roques", "31458", "H", "Louise", "3", "2024"]
    report, problems = _problems(tmp_path, header, values)
    assert problems[:5] == [
        ("header-mismatch", "COMMUNE_NOM", "Commune_Nom"),
        ("header-mismatch", "COLL_INSEE", " COLL_INSEE "),
        ("header-mismatch", "ENFANT_SEXE", "enfant sexe"),
        ("header-mismatch", "ENFANT_PRENOM", "ENFANT_PRÉNOM"),
        ("header-mismatch", "ANNEE", "Année"),
    ]
    # the columns were found: their values were checked
    assert ("constraint-error", "ENFANT_SEXE", "H") in problems
    message = report.errors[0].message
    assert "« COMMUNE_NOM »" in message and "reconnue" in message
    assert report.status == "invalid"
    assert any("majuscules" in hint for hint in report.hints)


def test_other_order_is_accepted_with_a_warning(tmp_path: Path) -> None:
    order = [5, 0, 1, 2, 3, 4]
    header = [NAMES[i] for i in order]
    values = [VALUES[i] for i in order]
    values[5] = "0"  # NOMBRE_OCCURRENCES, now the last column
    report, problems = _problems(tmp_path, header, values)
    assert problems == [
        ("header-order", "COMMUNE_NOM", None),
        ("constraint-error", "NOMBRE_OCCURRENCES", "0"),
    ]
    assert "ordre" in report.errors[0].message


def test_missing_required_and_optional_columns(tmp_path: Path) -> None:
    header = ["COLL_INSEE", "ENFANT_SEXE", "ENFANT_PRENOM", "ANNEE"]
    values = ["31458", "F", "Louise", "2024"]
    report, problems = _problems(tmp_path, header, values)
    assert sorted(problems) == [
        ("missing-header", "NOMBRE_OCCURRENCES", None),
        ("missing-optional-header", "COMMUNE_NOM", None),
    ]
    assert report.error_counts == {"missing-header": 1, "missing-optional-header": 1}
    assert report.status == "invalid"  # only because of the required column
    missing = next(e for e in report.errors if e.type == "missing-header")
    assert missing.row is None and "obligatoire" in missing.message


def test_unknown_and_misspelt_columns(tmp_path: Path) -> None:
    header = [
        "COMMUNE_NOM",
        "COLL_INSEE",
        "ENFANT_SEXE",
        "PRENOM_ENFANT",
        "NOMBRE_OCCURENCES",
        "ANNEE",
        "REMARQUE",
    ]
    values = [*VALUES, "rien"]
    report, _ = _problems(tmp_path, header, values)
    extra = {e.field: e.message for e in report.errors if e.type == "extra-header"}
    assert set(extra) == {"PRENOM_ENFANT", "NOMBRE_OCCURENCES", "REMARQUE"}
    assert "« ENFANT_PRENOM »" in extra["PRENOM_ENFANT"]
    assert "« NOMBRE_OCCURRENCES »" in extra["NOMBRE_OCCURENCES"]
    assert "Vouliez-vous" not in extra["REMARQUE"]
    assert {e.field for e in report.errors if e.type == "missing-header"} == {
        "ENFANT_PRENOM",
        "NOMBRE_OCCURRENCES",
    }
    # no row error for a column that is not there
    assert all(e.row is None for e in report.errors)


def test_duplicate_and_blank_columns(tmp_path: Path) -> None:
    header = [*NAMES, "ANNEE", ""]
    values = [*VALUES, "1999", ""]
    _, problems = _problems(tmp_path, header, values)
    assert ("duplicate-header", "ANNEE", "ANNEE") in problems
    assert ("blank-header", None, None) in problems


def test_no_known_column(tmp_path: Path) -> None:
    report, _ = _problems(
        tmp_path,
        ["Nombre", "Sexe", "Année de naissance", "Prenoms"],
        ["3", "F", "2024", "Louise"],
    )
    assert any("autre modèle" in hint for hint in report.hints)
    assert report.error_counts["missing-header"] == 5


def test_leading_empty_lines_before_the_header(tmp_path: Path) -> None:
    path = tmp_path / "prenoms.csv"
    path.write_text(
        "\r\n,,,\r\n" + ",".join(NAMES) + "\r\nRoques,31458,X,Louise,3,2024\r\n",
        encoding="utf-8",
    )
    report = validate(path, "prenoms")
    assert [(e.row, e.field) for e in report.errors] == [(4, "ENFANT_SEXE")]
