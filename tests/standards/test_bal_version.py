"""Detection of the BAL version from a CSV header.

Pure module: no CKAN import, no fixture::

    python -m pytest -p no:ckan -p no:ckan_fixtures --noconftest \
        tests/test_bal_version.py
"""

from __future__ import annotations

import pytest

from ckanext.haute_garonne.standards.bal import detect_bal_version

BAL_1_5 = [
    "id_ban_commune",
    "id_ban_toponyme",
    "id_ban_adresse",
    "commune_insee",
    "commune_nom",
    "commune_deleguee_insee",
    "commune_deleguee_nom",
    "toponyme",
    "lieudit_complement_nom",
    "numero",
    "suffixe",
    "position",
    "x",
    "y",
    "long",
    "lat",
    "cad_parcelles",
    "source",
    "date_der_maj",
    "certification_commune",
]
BAL_1_4 = [
    "id_ban_commune",
    "id_ban_toponyme",
    "id_ban_adresse",
    "cle_interop",
    "commune_insee",
    "commune_nom",
    "commune_deleguee_insee",
    "commune_deleguee_nom",
    "voie_nom",
    "lieudit_complement_nom",
    "numero",
    "suffixe",
    "position",
    "x",
    "y",
    "long",
    "lat",
    "cad_parcelles",
    "source",
    "date_der_maj",
    "certification_commune",
]
BAL_1_3 = [
    "uid_adresse",
    "cle_interop",
    "commune_insee",
    "commune_nom",
    "commune_deleguee_insee",
    "commune_deleguee_nom",
    "voie_nom",
    "lieudit_complement_nom",
    "numero",
    "suffixe",
    "position",
    "x",
    "y",
    "long",
    "lat",
    "cad_parcelles",
    "source",
    "date_der_maj",
    "certification_commune",
]


def _messy(header: list[str]) -> list[str]:
    """What a spreadsheet export may produce: BOM, capitals, stray spaces."""
    names = [f" {name.upper()} " for name in header]
    names[0] = "\ufeff" + names[0]
    return names


def test_exact_1_5() -> None:
    assert detect_bal_version(BAL_1_5) == "1.5"


def test_exact_1_4() -> None:
    assert detect_bal_version(BAL_1_4) == "1.4"


@pytest.mark.parametrize(("header", "version"), [(BAL_1_5, "1.5"), (BAL_1_4, "1.4")])
def test_upper_case_spaces_and_bom(header: list[str], version: str) -> None:
    assert detect_bal_version(_messy(header)) == version


def test_bom_alone_on_the_first_name() -> None:
    assert detect_bal_version(["\ufeffid_ban_commune", *BAL_1_5[1:]]) == "1.5"


def test_order_does_not_matter() -> None:
    assert detect_bal_version(list(reversed(BAL_1_5))) == "1.5"
    assert detect_bal_version(list(reversed(BAL_1_4))) == "1.4"


def test_1_5_with_a_leftover_cle_interop() -> None:
    # Shape of the BAN validator's own "1.5-valid" test file.
    header = [
        "cle_interop",
        "id_ban_commune",
        "id_ban_toponyme",
        "id_ban_adresse",
        "commune_insee",
        "toponyme",
        "numero",
        "suffixe",
        "commune_nom",
        "position",
        "long",
        "lat",
        "x",
        "y",
        "source",
        "date_der_maj",
    ]
    assert detect_bal_version(header) == "1.5"


def test_1_4_with_only_some_ban_ids() -> None:
    header = [name for name in BAL_1_4 if name != "id_ban_adresse"]
    assert detect_bal_version(header) == "1.4"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(BAL_1_3, id="bal-1.3"),
        pytest.param(
            [
                "cle_interop",
                "uid_adresse",
                "voie_nom",
                "numero",
                "suffixe",
                "commune_nom",
                "position",
                "x",
                "y",
                "long",
                "lat",
                "source",
                "date_der_maj",
            ],
            id="bal-1.1",
        ),
        pytest.param(
            [name for name in BAL_1_4 if not name.startswith("id_ban_")],
            id="voie_nom-without-ban-ids",
        ),
        pytest.param([*BAL_1_5, "voie_nom"], id="toponyme-and-voie_nom"),
        pytest.param(
            [name for name in BAL_1_5 if name != "numero"], id="without-numero"
        ),
        pytest.param(
            ["COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_OBJET"],
            id="deliberations",
        ),
        pytest.param(["toponyme"], id="a-single-column"),
        pytest.param([], id="empty"),
    ],
)
def test_not_a_bal_1_4_or_1_5(header: list[str]) -> None:
    assert detect_bal_version(header) is None
