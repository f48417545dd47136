"""Recognising the common mistakes behind an error, and explaining them.

Pure module: no CKAN import. ``diagnose`` looks at a refused value and, when
it recognises a usual spreadsheet or habit mistake, returns the key of a hint
(a general explanation added once to the report, ``hint_text``) and a
suggestion for this very value (added to the error message): "write 1250.50".
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ckanext.haute_garonne.validation.i18n import N_, _

if TYPE_CHECKING:
    from ckanext.haute_garonne.validation.compile import CompiledField

# General explanations added once to a report, by key (translated where used).
HINTS: dict[str, str] = {
    "decimal-comma": N_(
        "Some numbers are written the French way, with a decimal comma or with "
        "spaces between the thousands (for example “1 250,50”): the standard asks "
        "for a decimal point, without spaces or currency symbols (1250.50). In a "
        "spreadsheet, set the column to the “General” format before exporting, "
        "or replace the commas with dots."
    ),
    "integer-decimal": N_(
        "Some whole numbers are written with a decimal part (“12.0”): write them "
        "without decimals (12)."
    ),
    "excel-serial-date": N_(
        "Some dates appear as a 5-digit number (for example 45123): this is how a "
        "spreadsheet saves a date when the cell has lost its format. Write the "
        "dates in the YYYY-MM-DD format (45123 stands for 2023-07-16)."
    ),
    "french-date": N_(
        "Some dates are written in the DD/MM/YYYY format (for example "
        "12/03/2024): the standard asks for the international YYYY-MM-DD format "
        "(2024-03-12)."
    ),
    "date-separator": N_(
        "Some dates use slashes or dots (2017/09/08, 2013.01.26): separate the "
        "year, the month and the day with hyphens (2017-09-08)."
    ),
    "date-time": N_(
        "Some dates are followed by a time or a time zone (2024-03-12 00:00:00, "
        "2018-08-30+02:00): write only the date, YYYY-MM-DD."
    ),
    "period-underscore": N_(
        "Some periods separate their two dates with an underscore “_” (the former "
        "regulatory format): the standard asks for a slash, without spaces "
        "(2024-01-01/2024-12-31)."
    ),
    "float-siret": N_(
        "Some SIRET numbers were saved as decimal numbers (21310458100011.0, or "
        "2.13104581E+13 in scientific notation): the spreadsheet changed how they "
        "are written, and sometimes lost their last digits. Set the column to "
        "the “Text” format and copy the 14 digits again."
    ),
    "siret-spaces": N_(
        "Some SIRET numbers contain spaces or dots (“446 720 633 00010”): write "
        "the 14 digits together (44672063300010)."
    ),
    "siren-not-siret": N_(
        "Some identifiers have only 9 digits: that is a SIREN number (the "
        "entity), whereas the standard asks for the SIRET (the establishment, 14 "
        "digits). The SIRET can be found on annuaire-entreprises.data.gouv.fr."
    ),
    "enum-case": N_(
        "Some values differ from the allowed list only by capital letters, "
        "accents or spaces (for example “Aide en numéraire” instead of “aide en "
        "numéraire”): copy them exactly as in the list."
    ),
    "boolean-case": N_(
        "Some yes/no values are not written as expected (“Oui”, “NON”…): write "
        "them exactly as the standard says, usually in lower case."
    ),
    "percentage": N_(
        "Some percentages are written as a number of percent (50) instead of a "
        "fraction: the standard expects a number between 0.01 and 1 (0.5 for 50 "
        "percent)."
    ),
    "spaces": N_(
        "Some cells start or end with invisible spaces: delete them (in a "
        "spreadsheet, with the TRIM function)."
    ),
    "insee-leading-zero": N_(
        "Some INSEE commune codes have lost their leading zero (1001 instead of "
        "01001): the spreadsheet took them for numbers. Set the column to the "
        "“Text” format and write the 5 characters."
    ),
    "blank-rows": N_(
        "The file contains entirely empty rows: delete them (they are often left "
        "at the end of a table exported from a spreadsheet)."
    ),
    "header-only": N_(
        "The file contains only the header row, without any data row: it is valid "
        "but empty."
    ),
    "no-known-column": N_(
        "No column of the file has the name of a column of the standard: the file "
        "probably follows another template (an earlier version of the standard, "
        "a format of its own to some software). Start from the blank template "
        "offered by the portal and copy your data into it."
    ),
    "header-case": N_(
        "Some column names differ from the standard by capital letters, accents "
        "or spaces: the portal recognised them, but other tools (data.gouv.fr, "
        "Validata) will refuse them. Rename them exactly as in the standard."
    ),
    "not-utf8": N_(
        "The file is not encoded in UTF-8 (probably Windows-1252, the default "
        "encoding of Excel on Windows): the portal read it, but accented letters "
        "may be shown wrongly elsewhere. In Excel, choose “Save as > CSV UTF-8 "
        "(Comma delimited)”."
    ),
    "mixed-encoding": N_(
        "The file mixes two encodings (UTF-8 and Windows-1252): some of the "
        "accented letters are necessarily damaged (“Ã©” instead of “é”). Save the "
        "original table again as “CSV UTF-8” rather than editing the file."
    ),
    "decp-2019": N_(
        "The file follows the former 2019 DECP format (a plain list under "
        "“marches”): since 1 January 2024, the 2.0 format groups the contracts "
        "under “marches” > “marche” and the concessions under “marches” > "
        "“contrat-concession”, and asks for new information (purchasing "
        "techniques, social and environmental considerations…)."
    ),
    "bal-version-unknown": N_(
        "The header matches neither BAL 1.4 nor BAL 1.5 (a voie_nom column "
        "without the BAN identifiers: probably BAL 1.3 or older). The file was "
        "checked against version 1.5, the only one the Base Adresse Nationale "
        "fully uses."
    ),
}


def hint_text(key: str) -> str:
    """The text of a hint, in the current language."""
    return _(HINTS[key])


_FRENCH_NUMBER = re.compile(
    r"[-+]?\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|[-+]?\d+,\d+"
)
_SPACED_NUMBER = re.compile(r"[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?")
_CURRENCY = re.compile(r"\s*(€|eur|euros?|EUR)\s*$", re.IGNORECASE)
_DECIMAL_INTEGER = re.compile(r"([-+]?\d+)\.0+")
_FRENCH_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_SLASHED_ISO_DATE = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")
_FLOAT_ID = re.compile(r"(\d{9,14})\.0+")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?[eE]\+?\d+")
_SPACED_ID = re.compile(r"\d[\d .]{12,20}\d")
_EXCEL_EPOCH = date(1899, 12, 30)
_SIRET_FIELDS = {
    "COLL_SIRET",
    "idAttribuant",
    "idBeneficiaire",
    "acheteur_id",
    "titulaire_id",
}
_INSEE_FIELDS = {"COLL_INSEE", "commune_insee", "commune_deleguee_insee"}


def fold(text: str) -> str:
    """Lower case, without accents and with single spaces: for comparisons."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("\u2019", "'").split()).casefold()


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_suggestion(value: str) -> tuple[str, str] | None:
    """(hint key, ISO date) for a date written another way."""
    text = value.strip()
    match = _FRENCH_DATE.fullmatch(text)
    if match:
        iso = _iso(int(match[3]), int(match[2]), int(match[1]))
        if iso:
            return "french-date", iso
    match = _SLASHED_ISO_DATE.fullmatch(text)
    if match:
        iso = _iso(int(match[1]), int(match[2]), int(match[3]))
        if iso:
            return "date-separator", iso
    match = _SERIAL.fullmatch(text)
    if match:
        serial = int(match[1])
        if 20000 <= serial <= 80000:
            return "excel-serial-date", (
                _EXCEL_EPOCH + timedelta(days=serial)
            ).isoformat()
    match = _DATE_TIME.fullmatch(text)
    if match and text != match[1]:
        return "date-time", match[1]
    return None


def number_suggestion(value: str) -> tuple[str, str] | None:
    text = _CURRENCY.sub("", value.strip())
    if _FRENCH_NUMBER.fullmatch(text):
        if "," in text:
            integer, _sep, decimals = text.rpartition(",")
        else:
            integer, decimals = text, ""
        digits = re.sub(r"[ \u00a0\u202f.]", "", integer)
        return "decimal-comma", digits + ("." + decimals if decimals else "")
    if _SPACED_NUMBER.fullmatch(text):
        return "decimal-comma", re.sub(r"[ \u00a0\u202f]", "", text)
    if text != value.strip():  # a currency sign
        return "decimal-comma", text
    return None


def siret_suggestion(value: str) -> tuple[str, str] | None:
    text = value.strip()
    match = _FLOAT_ID.fullmatch(text)
    if match:
        digits = match[1]
        if len(digits) < 14:
            return (
                "float-siret",
                _("{digits} (leading zeros restored, to be checked)").format(
                    digits=digits.zfill(14)
                ),
            )
        return "float-siret", digits
    if _SCIENTIFIC.fullmatch(text):
        return "float-siret", ""
    if _SPACED_ID.fullmatch(text) and not text.isdigit():
        digits = re.sub(r"[ .]", "", text)
        if len(digits) == 14:
            return "siret-spaces", digits
    if text.isdigit() and len(text) == 9:
        return "siren-not-siret", ""
    return None


def _enum_suggestion(field: CompiledField, value: str) -> tuple[str, str] | None:
    folded = fold(value)
    for allowed in field.constraints.get("enum") or []:
        if isinstance(allowed, str) and fold(allowed) == folded and allowed != value:
            return "enum-case", allowed
    return None


def _boolean_suggestion(field: CompiledField, value: str) -> tuple[str, str] | None:
    folded = fold(value)
    from ckanext.haute_garonne.validation.compile import (
        DEFAULT_FALSE_VALUES,
        DEFAULT_TRUE_VALUES,
    )

    for allowed in field.descriptor.get(
        "trueValues", DEFAULT_TRUE_VALUES
    ) + field.descriptor.get("falseValues", DEFAULT_FALSE_VALUES):
        if fold(allowed) == folded and allowed != value:
            return "boolean-case", allowed
    return None


def _date_like_pattern(field: CompiledField) -> bool:
    pattern = field.constraints.get("pattern") or ""
    return "[0-9]{4}\\-[0-9]{2}" in pattern or "\\d{4}-\\d{2}" in pattern


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _period_suggestion(value: str) -> tuple[str, str] | None:
    """A single date or a period « début/fin » written another way."""
    text = value.strip()
    for separator, key in (("_", "period-underscore"), (" / ", "spaces"), ("/", None)):
        parts = text.split(separator)
        if len(parts) != 2:
            continue
        fixed: list[str] = []
        found_key = None
        for part in parts:
            part = part.strip()
            if _ISO_DAY.fullmatch(part):
                fixed.append(part)
                continue
            found = date_suggestion(part)
            if not found:
                break
            found_key = found_key or found[0]
            fixed.append(found[1])
        else:
            chosen = key or found_key
            if chosen:
                return chosen, "/".join(fixed)
    return date_suggestion(text)


def diagnose(
    field: CompiledField, value: str, problem: tuple[str, str | None]
) -> tuple[str, str] | None:
    """(hint key, suggested value or "") for a value refused by a field check."""
    kind, constraint = problem
    if kind == "required-error":
        return None
    stripped = value.strip()
    if (
        value != stripped
        and stripped
        and field.check is not None
        and field.check(stripped) is None
    ):
        return "spaces", stripped
    if kind == "type-error":
        if field.type == "number":
            return number_suggestion(value)
        if field.type == "integer":
            match = _DECIMAL_INTEGER.fullmatch(value.strip())
            if match:
                return "integer-decimal", match[1]
            found = number_suggestion(value)
            if found:
                match = _DECIMAL_INTEGER.fullmatch(found[1])
                if match:
                    return found[0], match[1]
            return found
        if field.type == "date":
            return date_suggestion(value)
        if field.type == "boolean":
            return _boolean_suggestion(field, value)
        return None
    if constraint == "enum":
        return _enum_suggestion(field, value)
    if constraint == "pattern":
        if field.name in _SIRET_FIELDS or "\\d{14}" in (
            field.constraints.get("pattern") or ""
        ):
            return siret_suggestion(value)
        if (
            field.name in _INSEE_FIELDS
            and value.strip().isdigit()
            and len(value.strip()) == 4
        ):
            return "insee-leading-zero", value.strip().zfill(5)
        if _date_like_pattern(field):
            return _period_suggestion(value)
        return None
    if constraint in ("maximum", "exclusiveMaximum") and field.type == "number":
        maximum = field.constraints.get(constraint)
        parsed = field.read(value)
        if maximum == 1 and parsed is not None and 1 < parsed <= 100:
            return "percentage", str(parsed / 100)
    return None
