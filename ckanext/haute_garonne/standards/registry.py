"""The one registry of standards: dataset type -> standards -> versions ->
schema file -> canonical URL.

The list of what we accept is written here; each version's identifier, title
and canonical URL are read from the schema file we wrote for it, so that they
are stated once. Pure: no CKAN import, usable by the validation engine and the
command line as well as by the plugin.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from ckanext.haute_garonne.types import DatasetType, SchemaKind, SchemaVersion, Standard

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"


def N_(message: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return message


# Standard name -> (kind, format of the files, accepted versions newest first,
# folder under schemas/ that holds <version>/schema.json).
_STANDARDS: dict[str, tuple[SchemaKind, str, tuple[str, ...], str]] = {
    "deliberations": ("table", "CSV", ("2.1.5",), "table/deliberations"),
    "subventions": ("table", "CSV", ("2.1.1",), "table/subventions"),
    "decp": ("json", "JSON", ("2.0.2",), "jsonschema/decp"),
    "decp-table": ("table", "CSV", ("2.0.0",), "table/decp"),
    "bal": ("table", "CSV", ("1.5", "1.4"), "table/bal"),
    "equipements": ("table", "CSV", ("0.1.5",), "table/equipements"),
    "prenoms": ("table", "CSV", ("1.1.6",), "table/prenoms"),
}

# The legal basis of the datasets the Socle commun asks for without a law of
# their own.
_SOCLE_COMMUN = N_(
    "A dataset of the Socle commun des données locales, which local "
    "authorities subject to the open data obligation of the loi pour "
    "une République numérique publish first."
)

DATASET_TYPES: tuple[DatasetType, ...] = (
    DatasetType(
        name="deliberations",
        label=N_("Council decisions"),
        summary=N_(
            "The decisions adopted by the council or assembly of the local "
            "authority, with their subject, date and votes."
        ),
        legal_basis=N_(
            "Deliberations are administrative documents that local authorities "
            "subject to the open data obligation publish online (article "
            "L. 312-1-1 of the code des relations entre le public et "
            "l'administration)."
        ),
        standards=("deliberations",),
    ),
    DatasetType(
        name="subventions",
        label=N_("Grants"),
        summary=N_(
            "The grants the local authority awards to associations and other "
            "bodies: beneficiary, purpose, amount and dates."
        ),
        legal_basis=N_(
            "Grants of more than 23,000 euros to a private body must be "
            "published in open data (décret n° 2017-779 of 5 May 2017)."
        ),
        standards=("subventions",),
    ),
    DatasetType(
        name="marches",
        label=N_("Public contracts"),
        summary=N_(
            "The essential data of the public contracts the local authority "
            "awards: buyer, contract holders, subject, amount and procedure."
        ),
        legal_basis=N_(
            "Buyers publish the essential data of their public contracts of "
            "40,000 euros or more (code de la commande publique, articles "
            "R. 2196-1 and R. 3131-1)."
        ),
        standards=("decp", "decp-table"),
    ),
    DatasetType(
        name="adresses",
        label=N_("Local address base"),
        summary=N_(
            "Every address of the commune, street names, numbers and "
            "positions, in the national Base Adresse Locale format."
        ),
        legal_basis=N_(
            "Communes name their streets, number their addresses and send "
            "them to the Base Adresse Nationale (article 169 of the loi 3DS of "
            "21 February 2022)."
        ),
        standards=("bal",),
    ),
    DatasetType(
        name="equipements",
        label=N_("Public facilities"),
        summary=N_(
            "The public facilities of the local authority (town hall, schools, "
            "sports halls, libraries…) with their address and position."
        ),
        legal_basis=_SOCLE_COMMUN,
        standards=("equipements",),
    ),
    DatasetType(
        name="prenoms",
        label=N_("Newborn first names"),
        summary=N_(
            "The first names given to the children born in the commune, by "
            "year and sex, with how many children received each."
        ),
        legal_basis=_SOCLE_COMMUN,
        standards=("prenoms",),
    ),
)

GENERIC_DATASET_TYPE = "dataset"


@cache
def load_descriptor(path: str) -> dict[str, Any]:
    """The schema file at ``path`` (relative to schemas/), parsed once."""
    with (SCHEMAS_DIR / path).open(encoding="utf-8") as f:
        return json.load(f)


@cache
def standards() -> dict[str, Standard]:
    """Every standard we accept, by name."""
    result = {}
    for name, (kind, file_format, versions, folder) in _STANDARDS.items():
        built = []
        for version in versions:
            path = f"{folder}/{version}/schema.json"
            descriptor = load_descriptor(path)
            built.append(
                SchemaVersion(
                    standard=name,
                    version=version,
                    kind=kind,
                    path=path,
                    identifier=descriptor["identifier"],
                    url=descriptor["url"],
                    title=descriptor["title"],
                    description=descriptor["description"],
                )
            )
        result[name] = Standard(name, kind, file_format, tuple(built))
    return result


def get_standard(name_or_identifier: str) -> Standard | None:
    """A standard by our name ("deliberations") or its identifier
    ("scdl/deliberations")."""
    found = standards().get(name_or_identifier)
    if found:
        return found
    return next(
        (s for s in standards().values() if s.identifier == name_or_identifier), None
    )


def get_dataset_type(name: str) -> DatasetType | None:
    return next((t for t in DATASET_TYPES if t.name == name), None)


def standards_for(dataset_type: str) -> tuple[Standard, ...]:
    """The standards a dataset type's files follow; empty for other types."""
    found = get_dataset_type(dataset_type)
    if not found:
        return ()
    return tuple(standards()[name] for name in found.standards)


def attachable_standards(dataset_type: str) -> tuple[Standard, ...]:
    """The standards a file of this dataset type may declare: its type's, or
    any standard for a file of a generic dataset (which is then validated)."""
    if dataset_type == GENERIC_DATASET_TYPE:
        return tuple(standards().values())
    return standards_for(dataset_type)


def dataset_type_of(standard: str) -> DatasetType:
    return next(t for t in DATASET_TYPES if standard in t.standards)


def schema_version_for(
    dataset: dict[str, Any], resource: dict[str, Any] | None = None
) -> SchemaVersion | None:
    """The standard version a dataset's file follows.

    A resource's own ``scdl_standard``/``scdl_version`` win over the dataset's;
    what is unset is inherited from the dataset, then defaults to the dataset
    type's first standard and its latest version. None for a dataset type
    without standard, or for values the registry does not know.
    """
    dataset_type = dataset.get("type") or GENERIC_DATASET_TYPE
    choices = standards_for(dataset_type)
    resource = resource or {}
    if not choices:
        # A generic dataset's file is checked only if it declares a standard.
        own = get_standard(resource.get("scdl_standard") or "")
        if own is None or dataset_type != GENERIC_DATASET_TYPE:
            return None
        version = resource.get("scdl_version")
        return own.version(version) if version else own.latest
    name = resource.get("scdl_standard") or dataset.get("scdl_standard")
    standard = get_standard(name) if name else choices[0]
    if standard is None or standard not in choices:
        return None
    version = resource.get("scdl_version") or dataset.get("scdl_version")
    if resource.get("scdl_standard") and not resource.get("scdl_version"):
        version = None  # another standard than the dataset's: its latest
    return standard.version(version) if version else standard.latest


def version_for_url(url: str) -> SchemaVersion | None:
    """The standard version whose canonical URL is ``url``, if we know it."""
    return next(
        (v for s in standards().values() for v in s.versions if v.url == url), None
    )
