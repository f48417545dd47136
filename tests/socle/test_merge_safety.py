"""The CSV files the portal produces are safe in any spreadsheet: no text
cell starts a formula, whatever the length limits of its field; text cells
are quoted, numbers are not; the consolidated file still validates.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/socle/test_merge_safety.py
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pytest

from ckanext.haute_garonne.socle.consolidation.merge import (
    QuotedWriter,
    merge,
    neutralise,
)
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import ConsolidationSource
from ckanext.haute_garonne.validation import validate
from ckanext.haute_garonne.validation.compile import compiled

DATA = Path(__file__).resolve().parents[1] / "data"
SUBVENTIONS = registry.get_standard("subventions").latest
EQUIPEMENTS = registry.get_standard("equipements").latest
FIELDS = compiled(SUBVENTIONS.path).by_name


def _runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet may read the cell as a formula: after the
    spaces and invisible characters it may trim, the first character is one
    of = + - @ (in any width), or a tab or a carriage return; and the cell
    is not a plain number (-12.5)."""
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text.strip()):
        return False
    for char in text:
        if char in "\t\r":
            return True
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        return unicodedata.normalize("NFKC", char) in ("=", "+", "-", "@")
    return False


def _safe(value: str, field=None) -> str:
    return neutralise(value, field) or value


# The rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        " =1+1",  # spaces a spreadsheet may trim
        "\u00a0=1+1",
        '\n=HYPERLINK("http://x")',
        "\u200b=1+1",  # invisible characters
        "\ufeff@SUM(A1)",
        "\x0b-2+3",
        "\uff1d1+1",  # full-width = + - @
        "\uff0bcmd",
        "\uff0d2+3",
        "\uff20SUM(A1)",
        "\r\n=1",
    ],
)
def test_a_formula_behind_invisible_or_full_width_characters_is_neutralised(
    value: str,
) -> None:
    assert _runs_as_formula(value)
    safe = _safe(value)
    assert not _runs_as_formula(safe) and safe.startswith("'")


@pytest.mark.parametrize("value", ["-12.5", " 42", "Fonctionnement", "", "'=1"])
def test_safe_values_are_left_alone(value: str) -> None:
    assert neutralise(value) is None


def test_a_value_at_the_maximum_length_of_its_field_is_neutralised() -> None:
    objet = FIELDS["objet"]
    limit = objet.constraints["maxLength"]
    for value in ("=" + "a" * (limit - 1), "  -" + "x" * (limit - 3)):
        safe = _safe(value, objet)
        assert not _runs_as_formula(safe)
        assert len(safe) <= limit and objet.check(safe) is None
        # The first character gives way to the apostrophe: the text is kept.
        assert safe == "'" + value[1:]


def test_a_pattern_that_refuses_the_apostrophe() -> None:
    # Letters, spaces and hyphens only: the formula's start is dropped.
    commune = compiled(EQUIPEMENTS.path).by_name["ADR_COMMUNE"]
    for value in ("-Roques", "\tRoques", "--Roques"):
        assert commune.check(value) is None
        safe = _safe(value, commune)
        assert safe == "Roques" and commune.check(safe) is None


def test_a_typed_field_that_does_not_hold_its_type_is_neutralised() -> None:
    assert neutralise("-12.5", FIELDS["montant"]) is None
    assert _safe("=1+1", FIELDS["montant"]) == "'=1+1"
    assert _safe("@SUM(A1)", FIELDS["dateConvention"]) == "'@SUM(A1)"


# The writer -----------------------------------------------------------------------


def test_text_is_quoted_and_numbers_are_not() -> None:
    out = io.StringIO()
    writer = QuotedWriter(out, ",", numbers={1, 2})
    writer.writerow(["Saint-Jean; Ville", "1250.50", "=1", 12, 0.5, "", None, 'a"b'])
    assert out.getvalue() == ('"Saint-Jean; Ville",1250.50,"=1",12,0.5,,,"a""b"\r\n')
    assert len(next(csv.reader(io.StringIO(out.getvalue())))) == 8
    # Read with ";" (French Excel), the ";" inside the quotes splits nothing.
    assert len(next(csv.reader(io.StringIO('"a;b",1\r\n'), delimiter=";"))) == 1
    assert len(next(csv.reader(io.StringIO("a;b,1\r\n"), delimiter=";"))) == 2


# The consolidated file -------------------------------------------------------------


def _source(path: Path, who: str) -> ConsolidationSource:
    return ConsolidationSource(
        path=str(path),
        filename=path.name,
        label=who,
        collectivite=who,
        siren="213104581",
        dataset_url=f"http://test/subventions/{who}",
        resource_url=f"http://test/subventions/{who}/resource/1",
        date="2026-01-02T03:04:05",
    )


def test_the_consolidated_file_is_safe_and_still_valid(tmp_path: Path) -> None:
    source = DATA / "subventions" / "2.1.1" / "valid.csv"
    with source.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    first = rows[0]
    hostile = [
        dict(first, objet="=" + "a" * 255),  # at objet's maximum length
        dict(
            first,
            objet=" =1+1",
            nomBeneficiaire="Club; section tennis",
            nature="aide en numéraire;aide en nature",
        ),
        dict(first, conditionsVersement="\uff1dcmd", montant="-12.5"),
        dict(first, nomBeneficiaire="\u200b@SUM(A1)"),
    ]
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows + hostile)
    assert validate(path, "subventions").valid

    data, provenance = tmp_path / "out.csv", tmp_path / "out-provenance.csv"
    with (
        data.open("w", encoding="utf-8", newline="") as d,
        provenance.open("w", encoding="utf-8", newline="") as p,
    ):
        merged = merge([_source(path, "=Piège")], SUBVENTIONS, d, p)
    assert merged.rows == len(rows) + len(hostile)
    assert merged.neutralised == 4

    report = validate(data, "subventions")
    assert report.valid, report.errors[:3]
    assert report.rows == merged.rows

    text = data.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join(header)  # the header, as the standard spells it
    for out in (data, provenance):
        with out.open(encoding="utf-8", newline="") as stream:
            for row in csv.reader(stream):
                assert not any(_runs_as_formula(cell) for cell in row), row
    # Text quoted, so that a ";" cannot split a cell; amounts bare.
    assert '"Club; section tennis"' in text
    assert '"aide en numéraire;aide en nature"' in text
    assert ",-12.5," in text and ',"-12.5",' not in text
    written = list(csv.DictReader(io.StringIO(text)))
    assert written[len(rows)]["objet"] == "'" + "a" * 255
    assert written[len(rows) + 1]["objet"] == "' =1+1"
    with provenance.open(encoding="utf-8", newline="") as stream:
        assert next(csv.DictReader(stream))["source_collectivite"] == "'=Piège"
