"""The compliance overview reads PostgreSQL, not the search index, and
counts exactly the datasets a search counts: the six SCDL types only,
neither drafts nor deleted datasets, private ones only in the sysadmins'
version, each under the collectivité that owns it now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ckan.tests.helpers import call_action

from ckanext.haute_garonne.socle import overview
from ckanext.haute_garonne.standards import registry

ROOT = Path(__file__).resolve().parents[2]
VALID = (ROOT / "tests/data/subventions/2.1.1/valid.csv").read_bytes()
FREQ = "http://publications.europa.eu/resource/authority/frequency/"


def _dataset(org: dict[str, Any], name: str, type_: str = "subventions", **kwargs):
    kwargs.setdefault("frequency", FREQ + "ANNUAL")
    return call_action(
        "package_create", type=type_, name=name, title=name.replace("-", " ").title(),
        notes="Jeu de données de test.", owner_org=org["id"], **kwargs,
    )  # fmt: skip


def _overview(include_private: bool) -> dict[str, tuple[str, str, str | None]]:
    """(collectivité, type, frequency) of each dataset the overview counts, by name."""
    return {
        d.dataset["name"]: (row.collectivite["name"], d.dataset_type, d.dataset["frequency"])
        for row in overview.build(include_private=include_private)
        for cell in row.cells
        for d in cell.datasets
        if d.dataset
    }  # fmt: skip


def _search(include_private: bool) -> dict[str, tuple[str, str, str | None]]:
    """The same, as a search of the six types finds them."""
    types = " OR ".join(t.name for t in registry.DATASET_TYPES)
    found = call_action(
        "package_search", {"ignore_auth": True},
        fq=f"+dataset_type:({types})", rows=1000, include_private=include_private,
    )  # fmt: skip
    return {
        d["name"]: (d["organization"]["name"], d["type"], d.get("frequency"))
        for d in found["results"]
    }


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_overview_counts_what_search_counts(make_collectivite, background_file):
    roques = make_collectivite(name="roques", title="Roques", siren="213104581")
    labege = make_collectivite(name="labege", title="Labège", siren="213102544")
    background_file(_dataset(roques, "subventions-roques"), VALID)
    _dataset(roques, "prenoms-roques", type_="prenoms", frequency=FREQ + "MONTHLY")
    _dataset(roques, "deliberations-privees", type_="deliberations", private=True)
    _dataset(roques, "brouillon", state="draft")
    call_action("package_delete", id=_dataset(roques, "supprime")["id"])
    _dataset(roques, "autre-chose", type_=registry.GENERIC_DATASET_TYPE)
    moved = _dataset(roques, "subventions-demenage")
    call_action("package_patch", id=moved["id"], owner_org=labege["id"])
    withdrawn = _dataset(labege, "subventions-retire")
    call_action("package_patch", id=withdrawn["id"], private=True)

    public = _overview(include_private=False)
    assert public == _search(include_private=False)
    assert sorted(public) == [
        "prenoms-roques", "subventions-demenage", "subventions-roques",
    ]  # fmt: skip
    assert public["subventions-demenage"][0] == "labege"
    assert public["prenoms-roques"] == ("roques", "prenoms", FREQ + "MONTHLY")

    everything = _overview(include_private=True)
    assert everything == _search(include_private=True)
    assert set(everything) - set(public) == {
        "deliberations-privees", "subventions-retire",
    }  # fmt: skip
