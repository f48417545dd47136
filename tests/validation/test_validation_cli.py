"""The command line: ``python -m ckanext.haute_garonne.validation``.

Pure module: no CKAN import::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/validation/test_validation_cli.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from validation_samples import REPORT_KEYS

from ckanext.haute_garonne.validation.__main__ import main

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]


def test_valid_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main([str(DATA / "subventions/2.1.1/valid.csv"), "--schema", "subventions"])
        == 0
    )
    out = capsys.readouterr().out
    assert "Verdict : CONFORME" in out
    assert "encodage UTF-8" in out and "virgule" in out
    assert "Lignes de données : 6" in out


def test_invalid_file_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            str(DATA / "subventions/2.1.1/invalid.csv"),
            "--schema",
            "scdl/subventions@2.1.1",
        ]
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "NON CONFORME" in out
    assert "Problèmes par type" in out and "constraint-error" in out
    assert "ligne 2, colonne nature" in out
    assert "Conseils" in out


def test_unreadable_file_and_unknown_schema_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main([str(empty), "--schema", "subventions"]) == 2
    assert "ILLISIBLE" in capsys.readouterr().out
    assert main([str(DATA / "subventions/2.1.1/valid.csv"), "--schema", "budget"]) == 2
    assert (
        main([str(DATA / "subventions/2.1.1/valid.csv"), "--schema", "subventions@0.1"])
        == 2
    )


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            str(DATA / "bal/1.4/invalid.csv"),
            "--schema",
            "bal",
            "--json",
            "--max-errors",
            "3",
        ]
    )
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    for key in REPORT_KEYS:
        assert key in report
    assert report["version"] == "1.4"  # detected from the header
    assert len(report["errors"]) == 3 and report["truncated"] is True
    assert sum(report["error_counts"].values()) > 3
    assert set(report["errors"][0]) == {"type", "row", "field", "value", "message"}


def test_module_runs_as_a_program() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ckanext.haute_garonne.validation",
            str(DATA / "prenoms/1.1.6/invalid.csv"),
            "--schema",
            "prenoms",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["status"] == "invalid"


def test_no_ckan_import() -> None:
    code = (
        "import sys; import ckanext.haute_garonne.validation.__main__ as m; "
        "from ckanext.haute_garonne.validation import validate; "
        "validate(b'a,b\\n1,2\\n', 'prenoms'); "
        "print([n for n in sys.modules if n == 'ckan' or n.startswith('ckan.')])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.strip() == "[]"
