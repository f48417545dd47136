"""The built distributions ship everything the plugin needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "ckanext/haute_garonne"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    # Without an option, `build` makes the sdist first and the wheel from
    # it, so a file MANIFEST.in forgets is missing from the wheel too.
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("*.whl")
    return zipfile.ZipFile(path)


def test_wheel_ships_code_templates_schemas_translations_and_config(wheel):
    names = set(wheel.namelist())
    expected = {
        f"{PACKAGE}/plugin.py",
        f"{PACKAGE}/config_declaration.yaml",
        f"{PACKAGE}/templates/footer.html",
        f"{PACKAGE}/schemas/dataset.yaml",
        f"{PACKAGE}/i18n/ckanext-haute_garonne.pot",
        f"{PACKAGE}/i18n/fr/LC_MESSAGES/ckanext-haute_garonne.po",
        f"{PACKAGE}/i18n/fr/LC_MESSAGES/ckanext-haute_garonne.mo",
    }
    assert expected <= names
    # Every file of the package directory is in the wheel.
    source = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / PACKAGE).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert source - names == set()
    # ckanext is a namespace package: the wheel must not claim it.
    assert "ckanext/__init__.py" not in names


def test_wheel_declares_the_plugin_entry_point(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[ckan.plugins]" in text
    assert "haute_garonne = ckanext.haute_garonne.plugin:HauteGaronnePlugin" in text
