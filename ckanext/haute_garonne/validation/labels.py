"""The kinds of error of a report, in words a publisher reads.

Pure module: no CKAN import. A report counts its errors by type (the codes
of Table Schema and frictionless, ``type-error``, and ours); the report page
shows ``type_label(code)`` instead of the code.
"""

from __future__ import annotations

from ckanext.haute_garonne.validation.i18n import N_, _

__all__ = ["TYPE_LABELS", "type_label"]

TYPE_LABELS: dict[str, str] = {
    # The header row
    "missing-header": N_("Required column missing"),
    "missing-optional-header": N_("Optional column missing"),
    "extra-header": N_("Column not in the standard"),
    "duplicate-header": N_("Column named twice"),
    "blank-header": N_("Column without a name"),
    "header-mismatch": N_("Column name misspelt"),
    "header-order": N_("Columns in another order"),
    # The file
    "encoding-error": N_("Damaged accents (mixed encodings)"),
    "encoding-warning": N_("File not encoded in UTF-8"),
    "delimiter-warning": N_("Unexpected column separator"),
    # Rows and cells
    "blank-row": N_("Empty row"),
    "extra-cell": N_("Cell beyond the last column"),
    "missing-cell": N_("Missing cell at the end of a row"),
    "type-error": N_("Value of the wrong kind (number, date…)"),
    "constraint-error": N_("Value not allowed for the column"),
    "required-error": N_("Required value missing"),
    "unique-error": N_("Value repeated where it must be unique"),
    "primary-key": N_("Row identifier repeated"),
    # The SCDL's own rules
    "french-siret-value": N_("Invalid SIRET number"),
    "one-of-required": N_("One of several columns must be filled in"),
    "cohesive-columns-value": N_("Columns to fill in together"),
    "compare-columns-value": N_("Values inconsistent between two columns"),
    "sum-columns-value": N_("Total inconsistent with its parts"),
    "year-interval-value": N_("Invalid period of years"),
    "nomenclature-actes-value": N_("Subject outside the ACTES nomenclature"),
    "date-not-in-future-value": N_("Date in the future"),
    "decimal-point-value": N_("Decimal comma instead of a point"),
    "same-value-per-group": N_("Values inconsistent within a group of rows"),
    "cadastre-parcel-commune-value": N_("Parcel outside the commune"),
    "bal-cle-interop-value": N_("Invalid interoperability key"),
    "concatenated-columns-value": N_("Combined value inconsistent with its columns"),
    "commune-insee-value": N_("Unknown INSEE commune code"),
}
_JSON = N_("Does not follow the JSON structure of the standard")
_WARNING = N_("{label} (warning)")
_OTHER = N_("Other problem")


def type_label(code: str) -> str:
    """The label of an error type, in the current language; a warning of a
    rule (``<rule>-warning``) is named after its rule."""
    label = TYPE_LABELS.get(code)
    if label:
        return _(label)
    if code.endswith("-warning"):
        rule = TYPE_LABELS.get(code[: -len("-warning")])
        if rule:
            return _(_WARNING).format(label=_(rule))
    if code.startswith("json-"):
        return _(_JSON)
    return _(_OTHER)
