"""Online tables for the entry tests (not a test module): imported by name,
as pytest puts the folder of the test files on ``sys.path``."""

from __future__ import annotations

from typing import Any

from ckan.tests.helpers import call_action

from ckanext.haute_garonne.standards.registry import get_standard, load_descriptor

SUBVENTIONS = get_standard("subventions").latest  # type: ignore[union-attr]
FIELDS = [f["name"] for f in load_descriptor(SUBVENTIONS.path)["fields"]]

# Table Designer types of some columns; the others are text.
TDTYPES = {
    "dateConvention": ("date", "date"),
    "montant": ("numeric", "numeric"),
    "pourcentageSubvention": ("numeric", "numeric"),
    "notificationUE": ("boolean", "boolean"),
}

# A valid grant, as the table stores it.
ROW: dict[str, Any] = {
    "nomAttribuant": "Commune de Roques",
    "idAttribuant": "21310458100011",
    "dateConvention": "2024-04-11",
    "referenceDecision": "DEL-2024-013",
    "nomBeneficiaire": "Tennis Roques Olympic Club",
    "idBeneficiaire": "44137080600016",
    "objet": "Fonctionnement de l'école de tennis, saison 2024",
    "montant": "2400.50",
    "nature": "aide en numéraire",
    "conditionsVersement": "unique",
    "datesPeriodeVersement": "2024-05-15",
    "notificationUE": False,
    "pourcentageSubvention": "1",
}


def make_table(
    dataset: dict[str, Any], columns: list[str] | None = None, key: str = ""
) -> dict[str, Any]:
    """An online table (Table Designer resource) of ``dataset``, with the
    standard's columns (or ``columns``) typed as Table Designer types them;
    ``key``, if given, is its primary key."""
    from ckanext.tabledesigner.datastore import create_table

    resource = call_action(
        "resource_create",
        package_id=dataset["id"],
        name="Subventions saisies en ligne",
        url_type="tabledesigner",
        # Until the resource form accepts online tables without a URL
        # (step10-table); the file's own URL replaces it once published.
        url="http://test.ckan.net/table",
    )
    fields = []
    for name in columns or FIELDS:
        tdtype, pg_type = TDTYPES.get(name, ("text", "text"))
        fields.append(
            {
                "id": name,
                "type": pg_type,
                "tdtype": tdtype,
                "tdpkreq": "pk" if name == key else "",
            }
        )
    create_table(resource["id"], fields, {"ignore_auth": True})
    return call_action("resource_show", id=resource["id"])


# A grant to an association (known by its RNA), as a publisher types it in
# an online table's row form.
TYPED_ROW: dict[str, Any] = {
    "nomAttribuant": "Roques",
    "idAttribuant": "21310458100011",
    "dateConvention": "2024-04-11",
    "nomBeneficiaire": "Rugby club de Roques",
    "rnaBeneficiaire": "W313001234",
    "objet": "Fonctionnement de l'association",
    "montant": "1500.5",
    "nature": "aide en numéraire",
    "conditionsVersement": "Unique",
    "datesPeriodeVersement": "2024-05-01/2024-12-31",
    "notificationUE": False,
    "pourcentageSubvention": "0.5",
}


def typed_row(**changes: Any) -> dict[str, Any]:
    """``TYPED_ROW`` with these cells changed."""
    return {**TYPED_ROW, **changes}


def publisher_dataset(collectivite: dict[str, Any], editor: dict[str, Any]) -> Any:
    """A subventions dataset of ``collectivite``, made by ``editor``."""
    return call_action(
        "package_create",
        {"user": editor["name"]},
        type="subventions",
        name="subventions-roques",
        title="Subventions de Roques",
        notes="Subventions aux associations.",
        owner_org=collectivite["id"],
        frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    )


def publisher_table(dataset: dict[str, Any], editor: dict[str, Any]) -> Any:
    """An online table of ``dataset`` made by ``editor`` as the resource
    form makes it ("Saisir en ligne"): the standard's columns come from the
    portal, not from the test."""
    return call_action(
        "resource_create",
        {"user": editor["name"]},
        package_id=dataset["id"],
        name="Subventions 2024",
        url_type="tabledesigner",
    )


def add_rows(resource_id: str, rows: list[dict[str, Any]]) -> None:
    call_action(
        "datastore_upsert", resource_id=resource_id, method="insert", records=rows
    )


def row_count(resource_id: str) -> int:
    found = call_action("datastore_search", resource_id=resource_id, limit=0)
    return int(found["total"])
