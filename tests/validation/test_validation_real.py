"""The engine on real files published by collectivités (often invalid).

Pure module: no CKAN import. Runs only when ``HG_REAL_DATA`` points at the
folder of real files (``shared/data/real``)::

    HG_REAL_DATA=../shared/data/real python -m pytest -p no:ckan \
        -p no:ckan_fixtures --noconftest tests/validation/test_validation_real.py

Every file must give a report without raising (the zipped DECP JSON files are
unzipped first); a few verdicts are pinned, among them the Antibes prénoms
file, which breaks the schema exactly twice (two capitalisation errors).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from ckanext.haute_garonne.validation import validate

ENV = "HG_REAL_DATA"
# Folder -> standard (budget is not a standard of the portal: it must give an
# "unknown standard" report).
STANDARDS = {
    "subventions": "subventions",
    "prenoms": "prenoms",
    "bal": "bal",
    "budget": "budget",
}


def _folder() -> Path:
    value = os.environ.get(ENV)
    if not value:
        pytest.skip(
            f"{ENV} is not set (path to shared/data/real): real files not checked"
        )
    path = Path(value)
    if not path.is_dir():
        pytest.skip(f"{ENV}={value!r} is not a directory")
    return path


def _standard(path: Path) -> str:
    if path.parent.name == "marches-publics":
        return "decp" if path.suffix == ".zip" else "decp-table"
    return STANDARDS[path.parent.name]


def _validate(path: Path):
    standard = _standard(path)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            name = archive.namelist()[0]
            return validate(archive.read(name), standard, filename=name)
    return validate(path, standard)


def test_every_real_file_gives_a_report() -> None:
    folder = _folder()
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".md"]
    assert files
    for path in files:
        report = _validate(path)
        assert report.status in ("valid", "invalid", "error"), path
        if path.parent.name == "budget":
            assert report.status == "error"
        else:
            assert report.status in ("valid", "invalid"), (path, report.fatal)
            assert report.rows > 0, path


def test_antibes_has_exactly_two_capitalisation_errors() -> None:
    report = _validate(_folder() / "prenoms" / "antibes-prenoms-naissance.csv")
    assert report.rows == 9077
    assert report.error_counts == {"constraint-error": 2}
    assert {(e.field, e.value) for e in report.errors} == {
        ("ENFANT_PRENOM", "Jean-Eric Thierry"),
        ("ENFANT_PRENOM", "KiyoYnigo"),
    }


def test_pinned_verdicts() -> None:
    folder = _folder()
    castelmaurou = _validate(
        folder / "subventions" / "subventions-commune-de-castelmaurou.csv"
    )
    assert castelmaurou.valid  # only the two 2.x columns are missing: warnings
    assert castelmaurou.error_counts == {"missing-optional-header": 2}

    lot = _validate(
        folder
        / "subventions"
        / "DEP_Lot_Subventions_2017_DONNEES.xlsx_pour_exemple.csv"
    )
    assert lot.encoding == "cp1252" and lot.delimiter == ";"
    assert lot.error_counts["blank-row"] == 21
    assert lot.error_counts["header-mismatch"] == 2

    somme = _validate(
        folder / "subventions" / "DEP_Somme_TB_20180302_DONNEES_CONVENTIONS.csv"
    )
    assert somme.encoding == "cp1252"  # a UTF-8 BOM, then Windows-1252

    carrieres = _validate(
        folder / "prenoms" / "Prenoms_naissance_complete_Carrieres-sous-Poissy.xlsx"
    )
    assert carrieres.format == "xlsx" and carrieres.rows > 900
    assert {e.field for e in carrieres.errors if e.type == "extra-header"} == {
        "PRENOM_ENFANT",
        "NOMBRE_OCCURENCES",
    }

    multilingue = _validate(folder / "bal" / "bal_multilingue_v1.3.csv")
    assert multilingue.version == "1.5"  # a 1.3 header: checked against 1.5
    assert any("nombre à 5 chiffres" in h for h in multilingue.hints)  # Excel dates

    pes = _validate(folder / "marches-publics" / "data.gouv.fr_pes_json_2019-02-03.zip")
    assert pes.status == "invalid" and pes.rows == 110
    assert any("2019" in hint for hint in pes.hints)
