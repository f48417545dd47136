"""The SCDL custom checks of our schemas and the INSEE commune code check.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_checks.py
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from stdnum import luhn
from validation_samples import csv_text

from ckanext.haute_garonne.standards.registry import SCHEMAS_DIR
from ckanext.haute_garonne.validation import validate
from ckanext.haute_garonne.validation.checks import CHECKS, commune_codes

DATA = Path(__file__).resolve().parents[1] / "data"
TABLE_TYPES = {"type-error", "constraint-error", "required-error"}


def _sample(
    standard: str, version: str, delimiter: str = ","
) -> tuple[list[str], list[dict[str, str]]]:
    folder = {"decp-table": "decp"}.get(standard, standard)
    with (DATA / folder / version / "valid.csv").open(
        encoding="utf-8", newline=""
    ) as stream:
        reader = csv.DictReader(stream, delimiter=delimiter)
        return list(reader.fieldnames or []), list(reader)


def _check(
    tmp_path: Path,
    standard: str,
    version: str,
    changes: list[dict[str, str]],
    delimiter: str = ",",
    header: list[str] | None = None,
):
    """Validate the first row of the valid sample, changed by each item of
    ``changes`` (one data row per item)."""
    names, rows = _sample(standard, version, delimiter)
    header = header or names
    lines = [header]
    for change in changes:
        row = dict(rows[0], **change)
        lines.append([row.get(name, "") for name in header])
    path = tmp_path / f"{standard}.csv"
    path.write_text(csv_text(lines, delimiter), encoding="utf-8")
    report = validate(path, standard, version)
    return report, [(e.row, e.field, e.type) for e in report.errors]


def test_every_check_of_our_schemas_is_implemented() -> None:
    names = set()
    for path in SCHEMAS_DIR.glob("table/*/*/schema.json"):
        names.update(
            c["name"]
            for c in json.loads(path.read_text(encoding="utf-8")).get(
                "custom_checks", []
            )
        )
    assert names
    assert names <= set(CHECKS), names - set(CHECKS)


# SIRET -----------------------------------------------------------------------------


def _la_poste(valid_sum: bool) -> str:
    for nic in range(10000):
        for digit in "0123456789":
            number = f"356000000{nic:04d}{digit}"
            if number == "35600000000048" or luhn.is_valid(number):
                continue
            if (sum(map(int, number)) % 5 == 0) == valid_sum:
                return number
    raise AssertionError


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("21310458100011", True),  # Roques
        ("21310458100012", False),  # wrong key
        ("35600000000048", True),  # La Poste head office: Luhn
        (_la_poste(valid_sum=True), True),  # La Poste: digit sum multiple of 5
        (_la_poste(valid_sum=False), False),
    ],
)
def test_french_siret(tmp_path: Path, value: str, valid: bool) -> None:
    report, found = _check(tmp_path, "deliberations", "2.1.5", [{"COLL_SIRET": value}])
    assert report.valid is valid, report.errors
    if not valid:
        assert found == [(2, "COLL_SIRET", "french-siret-value")]
        assert "SIRET" in report.errors[0].message and value in report.errors[0].message


def test_siret_exported_as_a_float(tmp_path: Path) -> None:
    report, found = _check(
        tmp_path,
        "subventions",
        "2.1.1",
        [
            {"idBeneficiaire": "4.41370806E+13"},
            {"idBeneficiaire": "44137080600016.0"},
            {"idBeneficiaire": "441 370 806 00016"},
        ],
    )
    assert found == [
        (2, "idBeneficiaire", "french-siret-value"),
        (3, "idBeneficiaire", "french-siret-value"),
        (4, "idBeneficiaire", "french-siret-value"),
    ]
    assert "nombre à virgule" in report.errors[0].message
    assert "Écrivez plutôt : 44137080600016" in report.errors[1].message
    assert "Écrivez plutôt : 44137080600016" in report.errors[2].message


def test_siret_checked_only_when_the_identifier_is_a_siret(tmp_path: Path) -> None:
    _, found = _check(
        tmp_path,
        "decp-table",
        "2.0.0",
        [
            {"titulaire_id": "FR12345678901", "titulaire_typeIdentifiant": "TVA"},
            {"titulaire_id": "41850479100018", "titulaire_typeIdentifiant": "SIRET"},
        ],
    )
    assert found == [(3, "titulaire_id", "french-siret-value")]


# Délibérations ---------------------------------------------------------------------


def test_votes_that_do_not_add_up(tmp_path: Path) -> None:
    report, found = _check(
        tmp_path,
        "deliberations",
        "2.1.5",
        [
            {
                "VOTE_EFFECTIF": "29",
                "VOTE_REEL": "25",
                "VOTE_POUR": "21",
                "VOTE_CONTRE": "3",
                "VOTE_ABSTENTION": "0",
            },
            {
                "VOTE_EFFECTIF": "29",
                "VOTE_REEL": "30",
                "VOTE_POUR": "30",
                "VOTE_CONTRE": "0",
                "VOTE_ABSTENTION": "0",
            },
            {
                "VOTE_EFFECTIF": "29",
                "VOTE_REEL": "25",
                "VOTE_POUR": "",
                "VOTE_CONTRE": "",
                "VOTE_ABSTENTION": "",
            },
            {
                "VOTE_EFFECTIF": "29",
                "VOTE_REEL": "25",
                "VOTE_POUR": "vingt",
                "VOTE_CONTRE": "3",
                "VOTE_ABSTENTION": "1",
            },
            {
                "VOTE_EFFECTIF": "",
                "VOTE_REEL": "",
                "VOTE_POUR": "",
                "VOTE_CONTRE": "",
                "VOTE_ABSTENTION": "",
            },
        ],
    )
    assert found == [
        (2, "VOTE_REEL", "sum-columns-value"),
        (3, "VOTE_EFFECTIF", "compare-columns-value"),
        (4, "VOTE_EFFECTIF", "cohesive-columns-value"),
        (5, "VOTE_POUR", "type-error"),  # and no sum error on top
    ]
    assert "21 + " not in report.errors[0].message
    assert (
        "VOTE_POUR (21) + VOTE_CONTRE (3) + VOTE_ABSTENTION (0) = 24"
        in report.errors[0].message
    )


def test_dates_and_budget_year(tmp_path: Path) -> None:
    _, found = _check(
        tmp_path,
        "deliberations",
        "2.1.5",
        [
            {"DELIB_DATE": "2024-03-28", "PREF_DATE": "2024-03-01"},
            {"BUDGET_ANNEE": "2025/2024"},
            {"BUDGET_ANNEE": "2024/2024"},
            {"BUDGET_ANNEE": "2024/2025"},
            {"BUDGET_ANNEE": "2024", "BUDGET_NOM": ""},
            {"BUDGET_ANNEE": "", "BUDGET_NOM": ""},
        ],
    )
    assert found == [
        (2, "PREF_DATE", "compare-columns-value"),
        (3, "BUDGET_ANNEE", "year-interval-value"),
        (4, "BUDGET_ANNEE", "year-interval-value"),
        (6, "BUDGET_ANNEE", "cohesive-columns-value"),
    ]


@pytest.mark.parametrize(
    ("code", "name", "error"),
    [
        ("7.5", "finances locales/subventions", None),
        (
            "7.5",
            "Finances Locales/subventions",
            None,
        ),  # case and accents ignored (Validata)
        ("3.1", "domaine et patrimoine/acquisitions", None),
        ("7.5", "urbanisme/subventions", "appartient au thème « finances locales »"),
        ("7.5", "finances locales / subventions", "ni précédée ni suivie d'un espace"),
        ("7.5", "fiscalité/impôts", "n'est pas un thème de niveau 1"),
        ("7.5", "finances locales", "barre oblique"),
        ("7.5", "finances locales/", "sous-thème manque"),
    ],
)
def test_actes_nomenclature(
    tmp_path: Path, code: str, name: str, error: str | None
) -> None:
    report, found = _check(
        tmp_path,
        "deliberations",
        "2.1.5",
        [{"DELIB_MATIERE_CODE": code, "DELIB_MATIERE_NOM": name}],
    )
    if error is None:
        assert report.valid, report.errors
    else:
        assert found == [(2, "DELIB_MATIERE_NOM", "nomenclature-actes-value")]
        assert error in report.errors[0].message


# Subventions -------------------------------------------------------------------------


def test_one_of_required(tmp_path: Path) -> None:
    _, found = _check(
        tmp_path,
        "subventions",
        "2.1.1",
        [
            {"idBeneficiaire": "", "rnaBeneficiaire": ""},
            {"idBeneficiaire": "", "rnaBeneficiaire": "W313001234"},
        ],
    )
    assert found == [(2, "idBeneficiaire", "one-of-required")]


def test_one_of_required_with_both_columns_absent(tmp_path: Path) -> None:
    names, _ = _sample("subventions", "2.1.1")
    header = [n for n in names if n not in ("idBeneficiaire", "rnaBeneficiaire")]
    report, found = _check(tmp_path, "subventions", "2.1.1", [{}, {}], header=header)
    assert all(row is None for row, _, _ in found)  # said once, for the header
    # Both columns are optional, but the standard requires one of them.
    assert not report.valid
    assert report.error_counts["one-of-required"] == 1


# BAL -------------------------------------------------------------------------------


def test_bal_checks(tmp_path: Path) -> None:
    future = (date.today() + timedelta(days=30)).isoformat()
    report, found = _check(
        tmp_path,
        "bal",
        "1.5",
        [
            {},
            {"id_ban_commune": "0246e48c-f33d-433a-8984-034219be842e"},
            {"x": "566699,08"},
            {"cad_parcelles": "311570000AB0112"},
            {"date_der_maj": future},
            {"commune_deleguee_insee": "31458"},
            {"commune_insee": "99999", "cad_parcelles": ""},
        ],
        delimiter=";",
    )
    assert found == [
        # A consistency rule the portal adds, that the official examples
        # break: reported as a warning.
        (3, "id_ban_commune", "same-value-per-group-warning"),
        (4, "x", "decimal-point-value"),
        (5, "cad_parcelles", "cadastre-parcel-commune-value"),
        (6, "date_der_maj", "date-not-in-future-value"),
        (7, "commune_deleguee_insee", "cohesive-columns-value"),
        (8, "commune_insee", "commune-insee-value"),
    ]
    assert "ligne 2" in report.errors[0].message
    assert "écrivez 566699.08" in report.errors[1].message


def test_bal_interoperability_key(tmp_path: Path) -> None:
    _, found = _check(
        tmp_path,
        "bal",
        "1.4",
        [
            {"cle_interop": "31458_0150_00001", "numero": "1"},
            {"cle_interop": "31459_0150_00001", "numero": "1"},
            {"cle_interop": "31458_0150_00002", "numero": "1"},
            {"cle_interop": "31458_0150_00001_bis", "numero": "1", "suffixe": "bis"},
            {"cle_interop": "31458_0150_00001", "numero": "1", "suffixe": "ter"},
        ],
        delimiter=";",
    )
    assert found == [
        (3, "cle_interop", "bal-cle-interop-value"),
        (4, "cle_interop", "bal-cle-interop-value"),
        (6, "cle_interop", "bal-cle-interop-value"),
    ]


# DECP (table) ----------------------------------------------------------------------


def test_decp_table_checks(tmp_path: Path) -> None:
    _, found = _check(
        tmp_path,
        "decp-table",
        "2.0.0",
        [
            {"uid": "213104581000112026RQ005"},
            {"origineUE": "0.2", "origineFrance": "0.5"},
            {"lieuExecution_code": "99999", "lieuExecution_typeCode": "Code commune"},
            {"lieuExecution_code": "31120", "lieuExecution_typeCode": "Code postal"},
        ],
    )
    assert found == [
        (2, "uid", "concatenated-columns-value"),
        (3, "origineUE", "compare-columns-value"),
        (4, "lieuExecution_code", "commune-insee-value"),
    ]


# INSEE codes -------------------------------------------------------------------------


def test_commune_codes() -> None:
    codes = commune_codes()
    assert len(codes) > 34_000
    assert {"31555", "31458", "2A004", "75056", "75101", "97411"} <= codes
    assert "31000" not in codes and "99999" not in codes


@pytest.mark.parametrize(
    ("code", "valid"),
    [("31458", True), ("2A004", True), ("96001", False), ("31000", False)],
)
def test_prenoms_commune_code(tmp_path: Path, code: str, valid: bool) -> None:
    report, found = _check(tmp_path, "prenoms", "1.1.6", [{"COLL_INSEE": code}])
    assert report.valid is valid
    if not valid:
        assert found == [(2, "COLL_INSEE", "commune-insee-value")]
        assert "code postal" in report.errors[0].message
