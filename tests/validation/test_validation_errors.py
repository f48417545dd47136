"""Each class of error: type, line, column and a French message; limits,
counts and the JSON form of the report.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_errors.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from validation_samples import PRENOMS_HEADER, PRENOMS_ROW, REPORT_KEYS

from ckanext.haute_garonne.validation import WARNING_TYPES, Report, validate
from ckanext.haute_garonne.validation.checks import build_checks
from ckanext.haute_garonne.validation.compile import compile_schema
from ckanext.haute_garonne.validation.engine import TableRun
from ckanext.haute_garonne.validation.report import Collector

HEADER = ",".join(PRENOMS_HEADER)
GOOD = ",".join(PRENOMS_ROW)
FRENCH = {
    "la",
    "le",
    "les",
    "de",
    "des",
    "du",
    "une",
    "un",
    "est",
    "n'est",
    "doit",
    "pas",
    "ne",
}


def _file(tmp_path: Path, *lines: str, name: str = "prenoms.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _assert_french(message: str) -> None:
    words = set(message.lower().replace("'", "' ").split())
    assert len(words & FRENCH) >= 2, message
    assert not words & {"the", "must", "is", "should", "value"}, message


CELL_ERRORS = [
    # (cells replacing the good row, type, field, words of the message)
    (
        "Roques,31458,F,Louise,douze,2024",
        "type-error",
        "NOMBRE_OCCURRENCES",
        "nombre entier",
    ),
    ("Roques,31458,F,Louise,3,24-25", "type-error", "ANNEE", "année"),
    (
        "Roques,31458,F,LOUISE,3,2024",
        "constraint-error",
        "ENFANT_PRENOM",
        "forme attendue",
    ),
    (
        "Roques,31458,H,Louise,3,2024",
        "constraint-error",
        "ENFANT_SEXE",
        "« M », « F », « I »",
    ),
    (
        "Roques,31458,F,Louise,0,2024",
        "constraint-error",
        "NOMBRE_OCCURRENCES",
        "minimum est 1",
    ),
    (
        "Roques,31458,F,Louise,1000000,2024",
        "constraint-error",
        "NOMBRE_OCCURRENCES",
        "maximum",
    ),
    ("Roques,,F,Louise,3,2024", "required-error", "COLL_INSEE", "obligatoire"),
    (
        "ROQUES,31458,F,Louise,3,2024",
        "constraint-error",
        "COMMUNE_NOM",
        "forme attendue",
    ),
]


@pytest.mark.parametrize(("line", "type_", "field", "words"), CELL_ERRORS)
def test_cell_errors(
    tmp_path: Path, line: str, type_: str, field: str, words: str
) -> None:
    report = validate(_file(tmp_path, HEADER, GOOD, line, GOOD), "prenoms")
    assert report.status == "invalid"
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.type, error.row, error.field) == (type_, 3, field)
    assert words in error.message
    _assert_french(error.message)
    assert report.error_counts == {type_: 1}


def test_row_errors(tmp_path: Path) -> None:
    report = validate(
        _file(
            tmp_path,
            HEADER,
            GOOD,
            ",,,,,",
            GOOD + ",en trop",
            "Roques,31458,F",
            "",
            GOOD,
        ),
        "prenoms",
    )
    found = [(e.type, e.row, e.field) for e in report.errors]
    assert found == [
        ("blank-row", 3, None),
        ("extra-cell", 4, None),
        ("missing-cell", 5, "ENFANT_PRENOM"),
        ("missing-cell", 5, "NOMBRE_OCCURRENCES"),
        ("missing-cell", 5, "ANNEE"),
        ("blank-row", 6, None),
    ]
    assert report.rows == 6
    assert report.errors[1].value == "en trop"
    for error in report.errors:
        _assert_french(error.message)


def test_value_of_a_cell_is_kept_raw(tmp_path: Path) -> None:
    report = validate(
        _file(tmp_path, HEADER, "Roques,31458,F,Louise, 3x ,2024"), "prenoms"
    )
    assert report.errors[0].value == " 3x "


def test_max_errors_and_counts(tmp_path: Path) -> None:
    lines = [HEADER] + ["Roques,31458,X,Louise,0,2024"] * 3000
    report = validate(_file(tmp_path, *lines), "prenoms", max_errors=10)
    assert len(report.errors) == 10
    assert report.error_counts == {"constraint-error": 6000}
    assert report.truncated
    assert report.errors[0].row == 2 and report.errors[-1].row == 6  # the first ones


def test_max_errors_zero_still_counts(tmp_path: Path) -> None:
    report = validate(
        _file(tmp_path, HEADER, "Roques,31458,X,Louise,3,2024"), "prenoms", max_errors=0
    )
    assert report.errors == [] and report.error_counts == {"constraint-error": 1}
    assert report.status == "invalid" and report.truncated


def test_report_to_dict(tmp_path: Path) -> None:
    report = validate(
        _file(tmp_path, HEADER, "Roques,31458,X,Louise,3,2024"), "prenoms"
    )
    data = report.to_dict()
    for key in REPORT_KEYS:
        assert key in data
    assert data["standard"] == "prenoms" and data["schema"] == "scdl/prenoms"
    assert data["schema_url"].startswith("https://schema.data.gouv.fr/")
    assert set(data["errors"][0]) == {"type", "row", "field", "value", "message"}
    import json

    json.dumps(data)
    assert isinstance(report, Report)


def test_warnings_do_not_make_a_file_invalid(tmp_path: Path) -> None:
    # COMMUNE_NOM is optional: its absence is a warning.
    report = validate(
        _file(
            tmp_path,
            "COLL_INSEE;ENFANT_SEXE;ENFANT_PRENOM;NOMBRE_OCCURRENCES;ANNEE",
            "31458;F;Louise;3;2024",
        ),
        "prenoms",
    )
    assert report.valid and report.status == "valid"
    assert set(report.error_counts) == {"missing-optional-header", "delimiter-warning"}
    assert set(report.error_counts) <= WARNING_TYPES


def test_deviation_accepts_apostrophes_with_a_hint(tmp_path: Path) -> None:
    source = (
        Path(__file__).resolve().parents[1]
        / "data"
        / "equipements"
        / "0.1.5"
        / "valid.csv"
    )
    lines = source.read_text(encoding="utf-8").splitlines()
    union = lines[1].replace(",Roques,", ",L'Union,")
    wrong = lines[1].replace(",Roques,", ",Roques 31120,")
    report = validate(
        _file(tmp_path, lines[0], union, wrong, name="e.csv"), "equipements"
    )
    assert [(e.row, e.field, e.type) for e in report.errors] == [
        (3, "ADR_COMMUNE", "constraint-error")
    ]
    assert any("L'Union" in hint and "officielle" in hint for hint in report.hints)


def _run(descriptor: dict, rows: list[list[str]]) -> Collector:
    schema = compile_schema(descriptor)
    collector = Collector(100)
    checks, unknown = build_checks(schema, None)
    assert not unknown
    run = TableRun(
        schema,
        {f.name: i for i, f in enumerate(schema.fields)},
        checks,
        collector,
        header_row=1,
        width=len(schema.fields),
        spreadsheet=False,
    )
    run.feed(iter(rows))
    return collector


def test_unique_and_primary_key() -> None:
    descriptor = {
        "fields": [
            {"name": "id", "type": "string", "constraints": {"unique": True}},
            {"name": "year", "type": "year"},
            {"name": "code", "type": "string"},
        ],
        "primaryKey": ["year", "code"],
    }
    collector = _run(
        descriptor,
        [["a", "2024", "x"], ["b", "2024", "y"], ["a", "2024", "x"], ["", "2025", "x"]],
    )
    found = [(e.type, e.row, e.field) for e in collector.errors]
    assert found == [("unique-error", 4, "id"), ("primary-key", 4, "year")]
    assert "ligne 2" in collector.errors[0].message


def test_frictionless_fallback_types() -> None:
    descriptor = {
        "fields": [
            {"name": "when", "type": "datetime"},
            {"name": "month", "type": "yearmonth"},
            {"name": "point", "type": "geopoint"},
        ]
    }
    collector = _run(
        descriptor,
        [
            ["2024-03-12T10:00:00", "2024-03", "43.5,1.3"],
            ["12/03/2024 10h", "2024-13", "nowhere"],
        ],
    )
    assert [(e.row, e.field, e.type) for e in collector.errors] == [
        (3, "when", "type-error"),
        (3, "month", "type-error"),
        (3, "point", "type-error"),
    ]


def test_number_options() -> None:
    descriptor = {
        "fields": [
            {"name": "amount", "type": "number", "decimalChar": ",", "groupChar": " "},
            {"name": "count", "type": "integer", "bareNumber": False},
        ]
    }
    collector = _run(descriptor, [["1 250,50", "12 €"], ["1250.50", "abc"]])
    assert [(e.row, e.field) for e in collector.errors] == [(3, "amount"), (3, "count")]
