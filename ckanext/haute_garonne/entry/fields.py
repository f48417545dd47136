"""Our Table Schema of a standard version -> the Table Designer's fields.

Pure: no CKAN import. A field is the dict ``datastore_create`` takes with the
Table Designer's keys (``tdtype``, ``tdpkreq``, ``tdchoices``,
``tdminimum``, ``tdmaximum``, ``tdpattern``, ``tdmaxlength``) and the Data
Dictionary's ``info`` (``label``, ``notes``, ``example``). The standard's
names, order, titles and descriptions are kept as they are.
"""

from __future__ import annotations

from typing import Any

from ckanext.haute_garonne.standards.registry import load_descriptor
from ckanext.haute_garonne.types import Collectivite, SchemaVersion
from ckanext.haute_garonne.validation.checks import COMMUNE_CODE_COLUMNS

# Our column types (registered by ``column_types``), beside CKAN's own.
SIRET = "hg_siret"
SIREN = "hg_siren"
INSEE_COMMUNE = "hg_insee_commune"
ACTES_CODE = "hg_actes_code"
DATE_PERIOD = "hg_date_period"
OUR_TYPES = (SIRET, SIREN, INSEE_COMMUNE, ACTES_CODE, DATE_PERIOD)

# The DataStore (PostgreSQL) type of each Table Designer type we use.
DATASTORE_TYPES = {
    "text": "text",
    "choice": "text",
    "numeric": "numeric",
    "integer": "int8",
    "date": "date",
    "boolean": "boolean",
    "uri": "text",
    "email": "text",
    "uuid": "uuid",
    **dict.fromkeys(OUR_TYPES, "text"),
}

# The pattern of a date or a period of two dates, as the SCDL writes it.
PERIOD_PATTERN = r"^[0-9]{4}\-[0-9]{2}\-[0-9]{2}(\/[0-9]{4}\-[0-9]{2}\-[0-9]{2})?$"

# Table Schema type (and format) -> Table Designer type.
_TYPES = {
    "string": "text",
    "number": "numeric",
    "integer": "integer",
    "date": "date",
    "boolean": "boolean",
    "year": "integer",
}
_STRING_FORMATS = {"uri": "uri", "email": "email"}

# A year, as a Table Designer integer.
_YEAR_RANGE = ("1000", "9999")


def descriptor(version: SchemaVersion) -> dict[str, Any]:
    """The Table Schema of a standard version (a table standard)."""
    if version.kind != "table":
        raise ValueError(f"{version.standard} {version.version} is not a table")
    return load_descriptor(version.path)


def special_columns(version: SchemaVersion) -> dict[str, str]:
    """Column name -> our column type, for the columns whose SCDL rule a
    plain type cannot express: from the schema's custom checks (a SIRET
    always asked, the ACTES matière code) and the engine's list of INSEE
    commune code columns."""
    schema = descriptor(version)
    names = {f["name"] for f in schema["fields"]}
    found: dict[str, str] = {}
    for check in schema.get("custom_checks") or []:
        params = check.get("params") or {}
        if check.get("name") == "french-siret-value" and not params.get("when"):
            found[params["column"]] = SIRET
        elif check.get("name") == "nomenclature-actes-value":
            found[params.get("code_column", "DELIB_MATIERE_CODE")] = ACTES_CODE
    for column in COMMUNE_CODE_COLUMNS.get(version.standard, []):
        plain = not (column.get("when") or column.get("prefix"))
        if (
            plain
            and not column.get("delegated")
            and column.get("severity") != "warning"
        ):
            found[column["column"]] = INSEE_COMMUNE
    for field in schema["fields"]:
        if (field.get("constraints") or {}).get("pattern") == PERIOD_PATTERN:
            found[field["name"]] = DATE_PERIOD
    return {name: kind for name, kind in found.items() if name in names}


def _number(value: Any) -> str:
    """A bound as the Table Designer stores it: text, without a useless
    ".0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def td_field(field: dict[str, Any], special: str | None = None) -> dict[str, Any]:
    """One field of a Table Schema as a Table Designer field."""
    constraints = field.get("constraints") or {}
    kind = field.get("type") or "string"
    enum = constraints.get("enum")
    if special:
        tdtype = special
    elif enum:
        tdtype = "choice"
    elif kind == "string":
        tdtype = _STRING_FORMATS.get(field.get("format") or "", "text")
    else:
        tdtype = _TYPES.get(kind, "text")
    info: dict[str, Any] = {
        "label": field.get("title") or field["name"],
        "notes": field.get("description") or "",
    }
    if field.get("example") not in (None, ""):
        info["example"] = str(field["example"])
    result: dict[str, Any] = {
        "id": field["name"],
        "type": DATASTORE_TYPES[tdtype],
        "tdtype": tdtype,
        "tdpkreq": "req" if constraints.get("required") else "",
        "info": info,
    }
    if tdtype == "choice":
        result["tdchoices"] = [str(c) for c in enum or ()]
    if tdtype in ("numeric", "integer", "date"):
        if constraints.get("minimum") is not None:
            result["tdminimum"] = _number(constraints["minimum"])
        if constraints.get("maximum") is not None:
            result["tdmaximum"] = _number(constraints["maximum"])
        if kind == "year":
            result.setdefault("tdminimum", _YEAR_RANGE[0])
            result.setdefault("tdmaximum", _YEAR_RANGE[1])
    if tdtype == "text":
        if constraints.get("pattern"):
            result["tdpattern"] = constraints["pattern"]
        if constraints.get("maxLength") is not None:
            result["tdmaxlength"] = str(constraints["maxLength"])
    return result


def table_designer_fields(version: SchemaVersion) -> list[dict[str, Any]]:
    """The Table Designer fields of a standard version: one per field of
    our Table Schema, in the standard's order."""
    special = special_columns(version)
    return [td_field(f, special.get(f["name"])) for f in descriptor(version)["fields"]]


# Columns that hold the identity of the collectivité publishing the file, by
# standard: column -> what of the identity goes in it.
IDENTITY_COLUMNS: dict[str, dict[str, str]] = {
    "subventions": {"nomAttribuant": "title"},
    "deliberations": {"COLL_NOM": "title"},
    "equipements": {"COLL_NOM": "title"},
    "prenoms": {"COLL_INSEE": "insee", "COMMUNE_NOM": "title"},
    "bal": {"commune_insee": "insee", "commune_nom": "title"},
}

# Columns of the SIRET of the collectivité itself (the attributing body, the
# collectivité that adopted a decision): pre-filled from the last row, since
# an organisation records its SIREN only.
OWN_SIRET_COLUMNS = {
    "subventions": "idAttribuant",
    "deliberations": "COLL_SIRET",
    "equipements": "COLL_SIRET",
}


def prefilled(
    version: SchemaVersion,
    collectivite: Collectivite,
    last_row: dict[str, Any] | None = None,
) -> dict[str, str]:
    """The values a new row starts with: the collectivité's name (and its
    INSEE code for a commune's file) where the standard asks for them, and
    its SIRET as written in the last row saved."""
    values: dict[str, str] = {}
    for column, what in IDENTITY_COLUMNS.get(version.standard, {}).items():
        if what == "title" and collectivite.title:
            values[column] = collectivite.title
        elif what == "insee" and len(collectivite.insee) == 1:
            values[column] = collectivite.insee[0]
    siret_column = OWN_SIRET_COLUMNS.get(version.standard)
    if siret_column and last_row and last_row.get(siret_column):
        values[siret_column] = str(last_row[siret_column])
    names = {f["name"] for f in descriptor(version)["fields"]}
    return {k: v for k, v in values.items() if k in names}
