"""The French catalogue covers every string and ships compiled, up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "ckanext/haute_garonne/i18n"
PO = I18N / "fr/LC_MESSAGES/ckanext-haute_garonne.po"
MO = PO.with_suffix(".mo")


def _key(value):
    """A message id or string; plural forms as a tuple."""
    return value if isinstance(value, str) else tuple(value)


def _messages(catalog) -> dict:
    return {_key(m.id): _key(m.string) for m in catalog if m.id}


def test_every_extracted_string_has_a_french_translation(tmp_path):
    pot = tmp_path / "current.pot"
    subprocess.run(
        [sys.executable, "setup.py", "-q", "extract_messages", "-o", str(pot)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        extracted = {_key(m.id) for m in read_po(f) if m.id}
    with PO.open("rb") as f:
        french = _messages(read_po(f))
    assert extracted, "no translatable string was extracted"
    untranslated = sorted(
        str(i) for i in extracted if not french.get(i) or not all(french[i])
    )
    assert untranslated == [], "run `make i18n` and translate these"


def test_no_translation_is_left_fuzzy():
    with PO.open("rb") as f:
        fuzzy = sorted(str(m.id) for m in read_po(f) if m.id and m.fuzzy)
    assert fuzzy == [], "review these translations and remove their fuzzy flag"


def test_compiled_catalogue_matches_the_po_file():
    with PO.open("rb") as f:
        po = _messages(read_po(f))
    with MO.open("rb") as f:
        mo = _messages(read_mo(f))
    assert mo == po, "the .mo is stale: run `make i18n`"
