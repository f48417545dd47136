"""The URI schemes of our DCAT feeds. Pure: no CKAN import.

Documented in the README ("DCAT feeds") and in docs/moissonnage.md; changing
one of them changes what harvesters store, so treat them as a public API.
"""

from __future__ import annotations

import re

# A collectivité, by its SIREN: the national identifier of the legal person,
# which never changes and is the key of the official directory of public and
# private bodies run by the State (annuaire-entreprises.data.gouv.fr). The
# same collectivité gets the same URI on every portal that publishes its data.
PUBLISHER_URI = "https://annuaire-entreprises.data.gouv.fr/entreprise/{siren}"

# Territories, by INSEE code, in INSEE's namespace for the Code officiel
# géographique.
COMMUNE_URI = "http://id.insee.fr/geo/commune/{code}"
DEPARTEMENT_URI = "http://id.insee.fr/geo/departement/{code}"
_SPATIAL = re.compile(r"^http://id\.insee\.fr/geo/(commune|departement)/(\w{2,5})$")

# ADMS publisher types (http://purl.org/adms/publishertype/).
LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"

# EU vocabularies.
LANGUAGE_FR = "http://publications.europa.eu/resource/authority/language/FRA"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/{code}"
IANA_MEDIA_TYPE = "https://www.iana.org/assignments/media-types/{mimetype}"

# Our licence ids -> (URI, title) exactly as data.gouv.fr's licence list
# (https://www.data.gouv.fr/api/1/datasets/licenses/) gives them: its
# harvester recognises a licence by its URL or its title.
LICENCES: dict[str, tuple[str, str]] = {
    "lov2": (
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
        "Licence Ouverte / Open Licence version 2.0",
    ),
    "odc-odbl": (
        "http://opendatacommons.org/licenses/odbl/summary/",
        "Open Data Commons Open Database License (ODbL)",
    ),
}

# CKAN format labels -> EU file types
# (http://publications.europa.eu/resource/authority/file-type/).
FILE_TYPES = {
    "CSV": "CSV",
    "JSON": "JSON",
    "GEOJSON": "GEOJSON",
    "XLSX": "XLSX",
    "XLS": "XLS",
    "ODS": "ODS",
    "XML": "XML",
    "PDF": "PDF",
    "ZIP": "ZIP",
    "HTML": "HTML",
    "TXT": "TXT",
    "SHP": "SHP",
    "KML": "KML",
    "GPKG": "GPKG",
    "RDF": "RDF",
    "TTL": "RDF_TURTLE",
    "API": "REST",
}


def publisher_uri(siren: str) -> str | None:
    """The stable URI of a collectivité, or None without a valid SIREN."""
    if not re.fullmatch(r"\d{9}", siren or ""):
        return None
    return PUBLISHER_URI.format(siren=siren)


def spatial_uri(code: str) -> str:
    """The URI of a commune (5 characters) or département (2 or 3)."""
    if len(code) == 5:
        return COMMUNE_URI.format(code=code)
    return DEPARTEMENT_URI.format(code=code)


def insee_code(uri: str) -> str | None:
    """The INSEE code in a territory URI of ours, else None."""
    found = _SPATIAL.match(uri)
    return found.group(2) if found else None


def licence(license_id: str) -> tuple[str, str] | None:
    return LICENCES.get(license_id)


def licence_id(uri: str) -> str | None:
    """Our licence id for a licence URI (also without its trailing slash or
    with another scheme, as harvesters compare them)."""

    def key(value: str) -> str:
        return re.sub(r"^https?://", "", value).rstrip("/").lower()

    wanted = key(uri)
    return next((i for i, (u, _) in LICENCES.items() if key(u) == wanted), None)


def file_type_uri(ckan_format: str) -> str | None:
    code = FILE_TYPES.get((ckan_format or "").strip().upper().lstrip("."))
    return FILE_TYPE.format(code=code) if code else None


def media_type_uri(mimetype: str) -> str | None:
    if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", mimetype or ""):
        return None
    return IANA_MEDIA_TYPE.format(mimetype=mimetype)


# Characters RDF forbids in an IRI (Turtle's IRIREF): a publisher's link may
# hold them (a space, quotes, braces), and rdflib's Turtle and N3 writers
# then give up on the whole feed.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in match.group().encode("utf-8"))


def iri_needs_mending(uri: str) -> bool:
    return _IRI_FORBIDDEN.search(uri) is not None


def mended_iri(uri: str) -> str:
    """``uri`` with the characters an IRI forbids percent-encoded, as a
    browser sends such a link."""
    return _IRI_FORBIDDEN.sub(_percent, uri)
