"""The engine's messages follow the chosen language: French by default (the
portal and the command line), English (the msgids) on request.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_i18n.py
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from validation_samples import SUBVENTIONS, SUBVENTIONS_HEADER

from ckanext.haute_garonne.validation import validate
from ckanext.haute_garonne.validation.__main__ import main
from ckanext.haute_garonne.validation.i18n import current_language, language

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]


def _csv(header: list[str], row: dict[str, str]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerows([header, [row[c] for c in header]])
    return text.getvalue().encode()


def _subventions(**changes: str) -> bytes:
    return _csv(SUBVENTIONS_HEADER, {**SUBVENTIONS, **changes})


def test_french_by_default() -> None:
    report = validate(_subventions(montant="1 250,50"), "subventions", "2.1.1")
    assert report.errors[0].message == (
        "La valeur « 1 250,50 » n'est pas un nombre : la colonne attend un nombre "
        "écrit avec un point décimal, sans espace ni symbole (exemple : 1250.50). "
        "Écrivez plutôt : 1250.50."
    )
    assert report.hints[0].startswith("Des nombres sont écrits à la française")


def test_type_error_in_english() -> None:
    report = validate(
        _subventions(montant="1 250,50"), "subventions", "2.1.1", language="en"
    )
    assert report.errors[0].type == "type-error"
    assert report.errors[0].message == (
        "The value “1 250,50” is not a number: the column expects a number written "
        "with a decimal point, without spaces or symbols (example: 1250.50). Write "
        "instead: 1250.50."
    )
    assert report.hints[0].startswith("Some numbers are written the French way")


def test_missing_header_in_english_and_french() -> None:
    data = _csv([c for c in SUBVENTIONS_HEADER if c != "montant"], SUBVENTIONS)
    english = validate(data, "subventions", "2.1.1", language="en")
    french = validate(data, "subventions", "2.1.1")
    assert [e.type for e in english.errors] == ["missing-header"]
    assert english.errors[0].message == (
        "The required column “montant” is missing. Add it, with this exact name, "
        "and fill it in on every row."
    )
    assert french.errors[0].message == (
        "La colonne obligatoire « montant » est absente. Ajoutez-la, avec ce nom "
        "exact, et remplissez-la sur chaque ligne."
    )


def test_siret_check_in_english() -> None:
    # The custom check's own message comes from our schema (French data): only
    # what the engine says about the value is translated.
    report = validate(
        _subventions(idBeneficiaire="441370806"), "subventions", "2.1.1", language="en"
    )
    error = next(e for e in report.errors if e.type == "french-siret-value")
    assert error.message.startswith(
        "The value “441370806” has only 9 digits: it is a SIREN number. Give the "
        "SIRET of the establishment (14 digits)"
    )
    french = validate(_subventions(idBeneficiaire="441370806"), "subventions", "2.1.1")
    error = next(e for e in french.errors if e.type == "french-siret-value")
    assert error.message.startswith(
        "La valeur « 441370806 » n'a que 9 chiffres : c'est un numéro SIREN."
    )


def test_fatal_messages_in_english() -> None:
    report = validate(b"", "subventions", language="en")
    assert report.fatal == "The file is empty: it contains no data."
    report = validate(b"x", "budget", language="en")
    assert report.fatal.startswith("The standard “budget” is unknown to the portal.")


def test_language_does_not_leak() -> None:
    validate(_subventions(montant="x"), "subventions", "2.1.1", language="en")
    assert current_language() == "fr"
    with language("en"):
        report = validate(_subventions(montant="x"), "subventions", "2.1.1")
        assert report.errors[0].message.startswith("The value “x” is not a number")
        # An explicit language wins over the block's.
        report = validate(
            _subventions(montant="x"), "subventions", "2.1.1", language="fr"
        )
        assert report.errors[0].message.startswith("La valeur « x » n'est pas")
    assert current_language() == "fr"


def test_each_thread_has_its_language() -> None:
    """A job worker's thread is not affected by another validation's language."""
    seen: list[str] = []
    with language("en"):
        thread = threading.Thread(
            target=lambda: seen.append(
                validate(_subventions(montant="x"), "subventions", "2.1.1")
                .errors[0]
                .message
            )
        )
        thread.start()
        thread.join()
    assert seen[0].startswith("La valeur « x »")


def test_unknown_language_falls_back_to_the_msgids() -> None:
    report = validate(_subventions(montant="x"), "subventions", "2.1.1", language="de")
    assert report.errors[0].message.startswith("The value “x” is not a number")


def test_cli_lang_option(capsys: pytest.CaptureFixture[str]) -> None:
    invalid = str(DATA / "subventions/2.1.1/invalid.csv")
    assert main([invalid, "--schema", "subventions", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "Verdict: NOT VALID" in out
    assert "Problems by type:" in out and "line 2, column nature" in out
    assert "NON CONFORME" not in out
    assert main([invalid, "--schema", "subventions"]) == 1
    out = capsys.readouterr().out
    assert "Verdict : NON CONFORME" in out


def test_cli_help_in_english() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ckanext.haute_garonne.validation",
            "--lang",
            "en",
            "--help",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "the language of the messages" in result.stdout
    french = subprocess.run(
        [sys.executable, "-m", "ckanext.haute_garonne.validation", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "la langue des messages" in french.stdout
