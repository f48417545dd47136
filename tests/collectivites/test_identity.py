"""Which organisation is the Département: one rule, used by the feeds and
by consolidation alike."""

from __future__ import annotations

import pytest

from ckanext.haute_garonne.collectivites import lookup
from ckanext.haute_garonne.collectivites.identity import identity, is_the_department
from ckanext.haute_garonne.socle.consolidation import portal


def test_the_department_is_of_kind_departement_with_the_portals_code():
    ours = identity({"id": "1", "name": "cd31", "kind": "departement", "insee": "31"})
    neighbour = identity(
        {"id": "2", "name": "cd32", "kind": "departement", "insee": "32"}
    )
    commune = identity({"id": "3", "name": "roques", "kind": "commune", "insee": "31"})
    assert is_the_department(ours, "31")
    assert not is_the_department(neighbour, "31")
    assert not is_the_department(commune, "31")


@pytest.mark.usefixtures("clean_db")
def test_a_neighbouring_departement_is_never_the_portals(make_collectivite):
    make_collectivite(name="gers", title="Gers", kind="departement", insee="32")
    assert lookup.department() is None
    with pytest.raises(portal.ConsolidationError):
        portal.require_department()

    ours = make_collectivite(
        name="haute-garonne", title="Haute-Garonne", kind="departement", insee="31"
    )
    found = lookup.department()
    assert found is not None and found.id == ours["id"]
    assert portal.require_department()["id"] == ours["id"]
