"""Hostile text files: NUL bytes, huge values, huge numbers. A report echoes
each value at most ``VALUE_LIMIT`` characters long and its size is bounded,
whatever the file holds.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_limits.py
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from validation_samples import (
    PRENOMS_HEADER,
    PRENOMS_ROW,
    SUBVENTIONS,
    SUBVENTIONS_HEADER,
    csv_text,
)

from ckanext.haute_garonne.validation import validate
from ckanext.haute_garonne.validation.__main__ import main
from ckanext.haute_garonne.validation.report import MESSAGE_LIMIT, VALUE_LIMIT

DATA = Path(__file__).resolve().parents[1] / "data"
DECP_JSON = DATA / "decp-json" / "2.0.2" / "valid.json"
ROW = list(SUBVENTIONS.values())
BIG = 1_000_000  # characters: more than any report may echo
REPEATED = re.compile(r"(.)\1{" + str(VALUE_LIMIT) + ",}")


def _assert_bounded(report, max_errors: int = 1000) -> None:
    """No value of the file is echoed beyond the limits."""
    for error in report.errors:
        for text in (error.field, error.value):
            assert text is None or len(text) <= VALUE_LIMIT, (error.type, len(text))
        assert len(error.message) <= MESSAGE_LIMIT, (error.type, len(error.message))
        # A message quotes a value of the file cut shorter still.
        assert not REPEATED.search(error.message), (error.type, error.message)
    for hint in report.hints:
        assert len(hint) <= MESSAGE_LIMIT
        assert not REPEATED.search(hint), hint
    assert report.fatal is None or len(report.fatal) <= MESSAGE_LIMIT
    size = len(json.dumps(report.to_dict(), ensure_ascii=False))
    assert size <= (max_errors + 1) * (2 * VALUE_LIMIT + MESSAGE_LIMIT + 200) + 50_000


# NUL bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["start", "after the first 64 kB"])
def test_a_nul_byte_anywhere_makes_a_text_file_unreadable(
    tmp_path: Path, where: str
) -> None:
    rows = [SUBVENTIONS_HEADER] + [ROW] * (1 if where == "start" else 2000)
    bad = dict(SUBVENTIONS, objet="Fonctionnement\x00 du club")
    text = csv_text([*rows, list(bad.values())])
    assert where == "start" or text.index("\x00") > 64 * 1024
    path = tmp_path / "nul.csv"
    path.write_text(text, encoding="utf-8")
    report = validate(path, "subventions")
    assert report.status == "error" and not report.valid
    # At the start, the file is not taken for a text file at all.
    word = "nul" if where != "start" else "binaires"
    assert word in (report.fatal or "").lower()


def test_a_nul_character_in_a_utf16_file_is_refused_too(tmp_path: Path) -> None:
    bad = dict(SUBVENTIONS, objet="\x00absent\x00")  # what the engine uses inside
    path = tmp_path / "nul16.csv"
    path.write_bytes(
        csv_text([SUBVENTIONS_HEADER, ROW, list(bad.values())]).encode("utf-16")
    )
    report = validate(path, "subventions")
    assert report.status == "error"
    assert "nul" in (report.fatal or "").lower()


# Values echoed -----------------------------------------------------------------------


def test_a_huge_header_is_not_echoed_whole(tmp_path: Path) -> None:
    label = "colonne" + "x" * BIG
    path = tmp_path / "header.csv"
    path.write_text(
        csv_text([[*SUBVENTIONS_HEADER, label], [*ROW, "1"]]), encoding="utf-8"
    )
    report = validate(path, "subventions")
    extra = [e for e in report.errors if e.type == "extra-header"]
    assert extra and extra[0].field.startswith("colonnexxx")
    assert extra[0].field.endswith("…") and extra[0].value.endswith("…")
    _assert_bounded(report)


def test_huge_cells_are_not_echoed_whole(tmp_path: Path) -> None:
    huge = "9" * BIG
    rows = [
        PRENOMS_HEADER,
        ["Roques", "31458", "F", "Louise", huge, "2024"],  # type error, 1e6 digits
        [*PRENOMS_ROW, huge],  # extra cell
        ["Roques", huge + " ", "F", "Louise", "3", "2024"],  # pattern
        ["Roques", "31458", "F", "Louise " + "e" * BIG, "3", "2024"],  # pattern
    ]
    path = tmp_path / "cells.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    report = validate(path, "prenoms")
    assert {e.row for e in report.errors} == {2, 3, 4, 5}
    _assert_bounded(report)


def _bal_rows(version: str) -> list[dict[str, str]]:
    with (DATA / "bal" / version / "valid.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


@pytest.mark.parametrize("version", ["1.4", "1.5"])
def test_values_in_the_custom_checks_messages_are_capped(
    tmp_path: Path, version: str
) -> None:
    first, second = _bal_rows(version)[:2]
    street = "toponyme" if version == "1.5" else "voie_nom"
    # Same street, two BAN street ids: the message names the group.
    long_street = "Rue " + "a" * BIG
    first[street] = second[street] = long_street
    second["id_ban_toponyme"] = "0246e48c-f33d-433a-8984-034219be842e"
    # A suffix the interoperability key lacks: the message names it.
    first["suffixe"] = "b" * BIG
    path = tmp_path / "bal.csv"
    path.write_text(
        csv_text([list(first), list(first.values()), list(second.values())], ";"),
        encoding="utf-8",
    )
    report = validate(path, "bal", version)
    expected = {"same-value-per-group-warning"}
    if version == "1.4":
        expected.add("bal-cle-interop-value")
    assert expected <= set(report.error_counts), report.error_counts
    _assert_bounded(report)


def test_the_size_of_a_report_is_bounded(tmp_path: Path) -> None:
    huge = "x" * 20_000
    rows = [PRENOMS_HEADER] + [
        ["Roques", huge, "F", "Louise", huge, huge, huge] for _ in range(200)
    ]
    path = tmp_path / "many.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    report = validate(path, "prenoms", max_errors=100)
    assert report.truncated and len(report.errors) == 100
    _assert_bounded(report, max_errors=100)


# JSON ----------------------------------------------------------------------------------


def test_a_json_integer_of_5000_digits_gets_a_french_error() -> None:
    document = DECP_JSON.read_text(encoding="utf-8")
    marche = json.loads(document)["marches"]["marche"][0]
    huge = document.replace(
        f'"montant": {marche["montant"]}', '"montant": ' + "9" * 5000, 1
    )
    assert huge != document
    report = validate(huge.encode("utf-8"), "decp")
    assert report.status == "error"
    assert "5000 chiffres" in report.fatal
    _assert_bounded(report)


def test_the_command_line_explains_a_huge_json_integer(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "decp.json"
    path.write_text('{"marches": {"marche": [{"montant": ' + "9" * 5000 + "}]}}")
    assert main([str(path), "--schema", "decp"]) == 2
    out = capsys.readouterr()
    assert "ILLISIBLE" in out.out and "5000 chiffres" in out.out
    assert "Traceback" not in out.err and not caplog.records


def test_json_keys_and_values_are_not_echoed_whole() -> None:
    document = json.loads(DECP_JSON.read_text(encoding="utf-8"))
    marche = document["marches"]["marche"][0]
    marche["k" * BIG] = 1  # an unknown property with a huge name
    marche["procedure"] = "p" * BIG  # not in the list
    marche["titulaires"] = [{"titulaire": {"id": "1", "k" * BIG: "2"}}]
    report = validate(json.dumps(document).encode("utf-8"), "decp")
    assert report.status == "invalid"
    assert {"json-additional-properties", "json-enum"} <= set(report.error_counts)
    _assert_bounded(report)
