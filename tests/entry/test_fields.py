"""The mapping from our Table Schemas to the Table Designer's fields, for
every version of every table standard we ship (pure: no CKAN)."""

from __future__ import annotations

from typing import Any

import pytest

from ckanext.haute_garonne.entry import fields
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.types import Collectivite

TABLE_VERSIONS = [
    v for s in registry.standards().values() if s.kind == "table" for v in s.versions
]


def test_every_table_standard_is_covered() -> None:
    assert {v.standard for v in TABLE_VERSIONS} == {
        "deliberations",
        "subventions",
        "decp-table",
        "bal",
        "equipements",
        "prenoms",
    }


@pytest.mark.parametrize(
    "version", TABLE_VERSIONS, ids=[f"{v.standard}-{v.version}" for v in TABLE_VERSIONS]
)
def test_columns_follow_the_standard(version: Any) -> None:
    schema = registry.load_descriptor(version.path)
    mapped = fields.table_designer_fields(version)

    assert [f["id"] for f in mapped] == [f["name"] for f in schema["fields"]]
    for field, td in zip(schema["fields"], mapped, strict=True):
        constraints = field.get("constraints") or {}
        assert td["info"]["label"] == (field.get("title") or field["name"])
        assert td["info"]["notes"] == (field.get("description") or "")
        assert td["tdpkreq"] == ("req" if constraints.get("required") else "")
        assert td["type"] == fields.DATASTORE_TYPES[td["tdtype"]]
        if constraints.get("enum") and td["tdtype"] not in fields.OUR_TYPES:
            assert td["tdtype"] == "choice"
            assert td["tdchoices"] == [str(c) for c in constraints["enum"]]
        elif td["tdtype"] not in fields.OUR_TYPES:
            expected = {
                "string": {"uri": "uri", "email": "email"}.get(
                    field.get("format") or "", "text"
                ),
                "number": "numeric",
                "integer": "integer",
                "year": "integer",
                "date": "date",
                "boolean": "boolean",
            }[field["type"]]
            assert td["tdtype"] == expected
        if td["tdtype"] == "text":
            assert td.get("tdpattern") == constraints.get("pattern")
            if "maxLength" in constraints:
                assert td["tdmaxlength"] == str(constraints["maxLength"])
        if td["tdtype"] in ("numeric", "integer") and "minimum" in constraints:
            assert float(td["tdminimum"]) == float(constraints["minimum"])
        if td["tdtype"] in ("numeric", "integer") and "maximum" in constraints:
            assert float(td["tdmaximum"]) == float(constraints["maximum"])


def _types(standard: str) -> dict[str, str]:
    version = registry.get_standard(standard).latest  # type: ignore[union-attr]
    return {f["id"]: f["tdtype"] for f in fields.table_designer_fields(version)}


def test_subventions_columns_and_our_types() -> None:
    types = _types("subventions")
    assert types["idAttribuant"] == fields.SIRET
    assert types["idBeneficiaire"] == fields.SIRET
    assert types["datesPeriodeVersement"] == fields.DATE_PERIOD
    assert types["nature"] == "choice"
    assert types["montant"] == "numeric"
    assert types["dateConvention"] == "date"
    assert types["notificationUE"] == "boolean"
    version = registry.get_standard("subventions").latest  # type: ignore[union-attr]
    by_id = {f["id"]: f for f in fields.table_designer_fields(version)}
    assert by_id["pourcentageSubvention"]["tdminimum"] == "0.01"
    assert by_id["pourcentageSubvention"]["tdmaximum"] == "1"
    assert by_id["objet"]["tdmaxlength"] == "256"
    assert by_id["nomAttribuant"]["info"]["label"] == (
        "Nom de la collectivité qui accorde la subvention"
    )


def test_deliberations_prenoms_and_bal_special_columns() -> None:
    assert _types("deliberations")["COLL_SIRET"] == fields.SIRET
    assert _types("deliberations")["DELIB_MATIERE_CODE"] == fields.ACTES_CODE
    assert _types("prenoms")["COLL_INSEE"] == fields.INSEE_COMMUNE
    assert _types("prenoms")["ANNEE"] == "integer"
    assert _types("bal")["commune_insee"] == fields.INSEE_COMMUNE
    # A delegated commune's code may be an old one: a plain text.
    assert _types("bal")["commune_deleguee_insee"] == "text"
    # The holder's id is a SIRET only when its type says so: a plain text.
    assert _types("decp-table")["titulaire_id"] == "text"


def test_a_year_is_an_integer_of_four_digits() -> None:
    version = registry.get_standard("prenoms").latest  # type: ignore[union-attr]
    annee = next(f for f in fields.table_designer_fields(version) if f["id"] == "ANNEE")
    assert (annee["tdminimum"], annee["tdmaximum"]) == ("1000", "9999")


def test_identity_is_prefilled() -> None:
    roques = Collectivite(
        id="x",
        name="roques",
        title="Roques",
        kind="commune",
        siren="213104581",
        insee=("31458",),
        epci_siren="",
        website="",
        email="",
    )
    subventions = registry.get_standard("subventions").latest  # type: ignore[union-attr]
    assert fields.prefilled(subventions, roques) == {"nomAttribuant": "Roques"}
    assert fields.prefilled(
        subventions, roques, {"idAttribuant": "21310458100025"}
    ) == {"nomAttribuant": "Roques", "idAttribuant": "21310458100025"}
    prenoms = registry.get_standard("prenoms").latest  # type: ignore[union-attr]
    assert fields.prefilled(prenoms, roques) == {
        "COLL_INSEE": "31458",
        "COMMUNE_NOM": "Roques",
    }
