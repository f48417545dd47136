"""The official "valid" examples published with the standards pass our engine.

They are read from the reference folder given by ``HG_SCDL_REFERENCE`` (the
Makefile points it at ../shared/reference/scdl); without it the test says so
and is skipped. Our engine adds consistency checks to the official rules;
those the examples break are warnings, so the examples stay valid. One
official example contradicts its own schema, and is expected to fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ckanext.haute_garonne.validation import is_warning, validate

REFERENCE_ENV = "HG_SCDL_REFERENCE"

VALID_EXAMPLES = [
    ("subventions/exemples/exemple_valide.csv", "subventions", None),
    ("prenoms/examples/prenoms-nouveaux-nes_exemple-valide.csv", "prenoms", None),
    ("bal/aitf-voies-adresses/v1.5/bal_simple_v1.5.csv", "bal", "1.5"),
    ("bal/aitf-voies-adresses/v1.4/bal_simple_v1.4.csv", "bal", "1.4"),
]


def _reference() -> Path:
    folder = os.environ.get(REFERENCE_ENV)
    if not folder:
        pytest.skip(
            f"{REFERENCE_ENV} is not set: the official examples are not available"
        )
    return Path(folder)


@pytest.mark.parametrize(("path", "standard", "version"), VALID_EXAMPLES)
def test_official_valid_examples_are_valid(
    path: str, standard: str, version: str | None
):
    report = validate(_reference() / path, standard, version)
    assert report.valid, report.error_counts
    assert all(is_warning(t) for t in report.error_counts), report.error_counts


def test_the_bal_examples_only_break_the_portals_own_consistency_rule():
    report = validate(_reference() / VALID_EXAMPLES[2][0], "bal", "1.5")
    # Synthetic examples: one BAN commune id per row instead of one per commune.
    assert report.error_counts == {"same-value-per-group-warning": 24}


def test_the_decp_table_example_contradicts_its_own_schema():
    """The schema says origineUE "cannot be lower than origineFrance"; its
    example has 0.8 and 0.9. The rule is the standard's, so it stays an error."""
    report = validate(
        _reference() / "decp/decp-table-schema/exemples/exemple-valide.csv",
        "decp-table",
    )
    assert report.error_counts == {"compare-columns-value": 4}
    assert {(e.field, e.value) for e in report.errors} == {("origineUE", "0.8")}
