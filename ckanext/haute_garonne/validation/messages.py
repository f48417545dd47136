"""The messages for the errors of a cell, a row or the header.

Pure module: no CKAN import. Each message says what is wrong and what is
expected, in plain words for the person who filled the spreadsheet. They are
written in English and translated when built (``i18n``): French by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ckanext.haute_garonne.validation.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from ckanext.haute_garonne.validation.compile import CompiledField

# Plain-language descriptions of the patterns of our schemas, by field name
# (translated where used).
PATTERN_DESCRIPTIONS: dict[str, str] = {
    "COLL_SIRET": N_("a 14-digit SIRET number, without spaces or dots"),
    "idAttribuant": N_("a 14-digit SIRET number, without spaces or dots"),
    "DELIB_MATIERE_CODE": N_(
        "a digit, a dot, then one or two digits (for example 7.5)"
    ),
    "BUDGET_ANNEE": N_("a year (2024) or two years separated by a slash (2024/2025)"),
    "rnaBeneficiaire": N_(
        "an RNA number: the letter W followed by 9 digits (W313001234)"
    ),
    "datesPeriodeVersement": N_(
        "a date in the YYYY-MM-DD format (2024-05-15) or a period, two dates "
        "separated by a slash without spaces (2024-01-01/2024-12-31)"
    ),
    "COLL_INSEE": N_("the 5-character INSEE code of the commune (31555 for Toulouse)"),
    "COMMUNE_NOM": N_(
        "the official name of the commune, with a capital letter at the start "
        "of each word and hyphens (Saint-Orens-de-Gameville)"
    ),
    "ENFANT_PRENOM": N_(
        "a first name that starts with a capital letter and goes on in lower "
        "case; compound first names are joined by a hyphen, without spaces "
        "(Jean-Éric)"
    ),
    "commune_insee": N_("the INSEE code of the commune, 5 digits (31458)"),
    "commune_deleguee_insee": N_("the INSEE code of the delegated commune, 5 digits"),
    "commune_nom": N_(
        "the name of the commune in letters, without digits or punctuation"
    ),
    "commune_deleguee_nom": N_("the name of the delegated commune in letters"),
    "toponyme": N_(
        "the name of the street or locality (letters, digits, spaces, common "
        "punctuation)"
    ),
    "voie_nom": N_(
        "the name of the street or locality (letters, digits, spaces, common "
        "punctuation)"
    ),
    "lieudit_complement_nom": N_(
        "the name of the locality (letters, digits, spaces, common punctuation)"
    ),
    "cle_interop": N_(
        "the interoperability key: INSEE code, street code, 5-digit number and "
        "optional suffix, separated by “_” (31458_0020_00012_bis)"
    ),
    "x": N_(
        "a coordinate in metres with a decimal point and at most two decimals "
        "(574290.15)"
    ),
    "y": N_(
        "a coordinate in metres with a decimal point and at most two decimals "
        "(6269830.42)"
    ),
    "long": N_("a longitude in degrees with a decimal point (1.5234567)"),
    "lat": N_("a latitude in degrees with a decimal point (43.5049301)"),
    "cad_parcelles": N_(
        "one or more 15-character cadastral references separated by “|” "
        "(310458000AB0113|310458000AB0114)"
    ),
    "EQUIP_UID": N_(
        "INSEE code (5 characters), facility code (8 digits) and sequence "
        "number (3 digits) separated by hyphens (31113-01010010-001)"
    ),
    "ADR_NOMVOIE": N_(
        "the name of the street in letters, digits, spaces, hyphens and apostrophes"
    ),
    "ADR_COMMUNE": N_("the name of the commune in letters, spaces and hyphens"),
    "ADR_CLE_INTEROP": N_("the interoperability key: letters, digits and “_” only"),
    "codeCPV": N_(
        "an 8-digit CPV code, optionally followed by a hyphen and a digit (45233140-2)"
    ),
}

_DATE_FORMAT_WORDS = (
    # TRANSLATORS: how a date format shows a four-digit year
    ("%Y", N_("YYYY")),
    # TRANSLATORS: how a date format shows a two-digit month
    ("%m", N_("MM")),
    # TRANSLATORS: how a date format shows a two-digit day
    ("%d", N_("DD")),
    # TRANSLATORS: how a time format shows the hours
    ("%H", N_("HH")),
    # TRANSLATORS: how a time format shows the minutes
    ("%M", N_("MM")),
    # TRANSLATORS: how a time format shows the seconds
    ("%S", N_("SS")),
)
_ISO_DATE_FORMATS = ("default", "any", "%Y-%m-%d")

# What a value of a type is, when it is not one (type errors).
_TYPE_WORDS = {
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("an accepted value"),
    "date": N_("a valid date"),
    "year": N_("a year"),
    "datetime": N_("a valid date and time"),
}
_OTHER_TYPE_WORD = N_("a valid value")


ELLIPSIS = "…"
QUOTE_LIMIT = 80


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at most, ending with "…" when cut:
    how much of a value of the file a report may echo."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ELLIPSIS))] + ELLIPSIS


def quote(value: Any) -> str:
    # TRANSLATORS: a value quoted in a message
    return _("“{text}”").format(text=clip(str(value), QUOTE_LIMIT))


def _human_date_format(fmt: str) -> str:
    if fmt in ("default", "any"):
        fmt = "%Y-%m-%d"
    for code, words in _DATE_FORMAT_WORDS:
        fmt = fmt.replace(code, _(words))
    return fmt


def _examples(values: list[Any], limit: int = 6) -> str:
    shown = ", ".join(quote(v) for v in values[:limit])
    return shown + (", …" if len(values) > limit else "")


def expected_type(field: CompiledField) -> str:
    """What a value of the field must look like, as a sentence end."""
    fmt = field.format
    if field.type == "integer":
        return _("a whole number, without spaces or decimals (example: 12)")
    if field.type == "number":
        return _(
            "a number written with a decimal point, without spaces or symbols "
            "(example: 1250.50)"
        )
    if field.type == "boolean":
        true_values = field.descriptor.get("trueValues", ["true", "1"])
        false_values = field.descriptor.get("falseValues", ["false", "0"])
        return _("{true} or {false}, written exactly like that").format(
            true=quote(true_values[0]), false=quote(false_values[0])
        )
    if field.type == "date":
        human = _human_date_format(fmt)
        if fmt in _ISO_DATE_FORMATS:
            return _("a date in the {format} format (example: 2024-03-12)").format(
                format=human
            )
        return _("a date in the {format} format").format(format=human)
    if field.type == "datetime":
        return _(
            "a date and a time in the YYYY-MM-DDTHH:MM:SS format "
            "(example: 2024-03-12T14:30:00)"
        )
    if field.type == "year":
        return _("a four-digit year (example: 2024)")
    if field.type == "yearmonth":
        return _("a year and a month in the YYYY-MM format (example: 2024-03)")
    if field.type == "time":
        return _("a time in the HH:MM:SS format (example: 14:30:00)")
    if field.type == "string":
        if fmt == "email":
            return _("a valid e-mail address (example: mairie@exemple.fr)")
        if fmt == "uri":
            return _(
                "a full web address, starting with https:// or http:// "
                "(example: https://www.exemple.fr/page.html)"
            )
        if fmt == "uuid":
            return _(
                "a UUID: 32 digits and letters from a to f in 5 groups separated "
                "by hyphens (example: 0246e48c-f33d-433a-8984-034219be842e)"
            )
    return _("a value of type {type}").format(type=field.type)


def _type_word(field: CompiledField) -> str:
    return _(_TYPE_WORDS.get(field.type, _OTHER_TYPE_WORD))


def _with_suggestion(message: str, suggestion: str | None) -> str:
    if suggestion:
        # TRANSLATORS: {message} is a whole sentence, {suggestion} a corrected value
        return _("{message} Write instead: {suggestion}.").format(
            message=message, suggestion=clip(suggestion, QUOTE_LIMIT)
        )
    return message


def type_message(
    field: CompiledField, value: str, suggestion: str | None = None
) -> str:
    if field.type == "string":
        text = _("The value {value} is not {expected}.").format(
            value=quote(value), expected=expected_type(field)
        )
    else:
        text = _(
            "The value {value} is not {kind}: the column expects {expected}."
        ).format(
            value=quote(value), kind=_type_word(field), expected=expected_type(field)
        )
    return _with_suggestion(text, suggestion)


def required_message(field: CompiledField) -> str:
    return _(
        "The column {column} is required: this cell must not be left empty."
    ).format(column=field.name)


# The bounds of a number or a date, by the name of their constraint.
_BOUND_MESSAGES = {
    "minimum": N_("The value {value} is too small: the minimum is {limit}."),
    "maximum": N_("The value {value} is too large: the maximum is {limit}."),
    "exclusiveMinimum": N_("The value {value} must be strictly greater than {limit}."),
    "exclusiveMaximum": N_("The value {value} must be strictly less than {limit}."),
}


def constraint_message(
    field: CompiledField, value: str, constraint: str, suggestion: str | None = None
) -> str:
    constraints = field.constraints
    limit = constraints.get(constraint)
    shown = quote(value)
    if constraint == "pattern":
        description = PATTERN_DESCRIPTIONS.get(field.name)
        example = field.descriptor.get("example")
        if description:
            text = _(
                "The value {value} does not have the expected form: the column "
                "expects {description}."
            ).format(value=shown, description=_(description))
        elif example:
            text = _(
                "The value {value} does not have the expected form (example of a "
                "correct value: {example})."
            ).format(value=shown, example=quote(example))
        else:
            text = _(
                "The value {value} does not have the expected form (pattern: "
                "{pattern})."
            ).format(value=shown, pattern=limit)
    elif constraint == "enum":
        allowed = list(limit or [])
        if len(allowed) <= 8:
            text = _(
                "The value {value} is not in the list of allowed values: {allowed} "
                "(capital letters and accents included)."
            ).format(value=shown, allowed=_examples(allowed, 8))
        else:
            text = _(
                "The value {value} is not in the list of the {count} allowed values "
                "(for example {examples}); copy it exactly, capital letters and "
                "accents included."
            ).format(value=shown, count=len(allowed), examples=_examples(allowed, 4))
    elif constraint == "minLength":
        text = ngettext(
            "The text is too short: {length} character where at least {limit} are "
            "needed.",
            "The text is too short: {length} characters where at least {limit} are "
            "needed.",
            len(value),
        ).format(length=len(value), limit=limit)
    elif constraint == "maxLength":
        text = _(
            "The text is too long: {length} characters where the column accepts "
            "{limit} at most. Shorten it."
        ).format(length=len(value), limit=limit)
    elif constraint in _BOUND_MESSAGES:
        text = _(_BOUND_MESSAGES[constraint]).format(value=shown, limit=limit)
    else:
        text = _("The value {value} breaks the “{rule}” rule of the column.").format(
            value=shown, rule=constraint
        )
    return _with_suggestion(text, suggestion)


def unique_message(value: str, first_row: int | None, columns: list[str]) -> str:
    shown = quote(value)
    if len(columns) == 1:
        if first_row:
            return _(
                "The value {value} appears more than once (already on line {row}): "
                "each value of the column {column} must be unique."
            ).format(value=shown, row=first_row, column=columns[0])
        return _(
            "The value {value} appears more than once: each value of the column "
            "{column} must be unique."
        ).format(value=shown, column=columns[0])
    if first_row:
        return _(
            "The combination {value} appears more than once (already on line "
            "{row}): the columns {columns} must form a unique identifier."
        ).format(value=shown, row=first_row, columns=", ".join(columns))
    return _(
        "The combination {value} appears more than once: the columns {columns} "
        "must form a unique identifier."
    ).format(value=shown, columns=", ".join(columns))


def blank_row_message() -> str:
    return _("The row is entirely empty: delete it.")


def extra_cell_message(value: str, position: int, letter: str) -> str:
    return _(
        "The row has more cells than the header has columns: the value {value} "
        "(column no. {position}, {letter}) has no column name. Check the "
        "separators and quotes of this row."
    ).format(value=quote(value), position=position, letter=letter)


def missing_cell_message(field_name: str) -> str:
    return _(
        "The row stops before the column {column}: separators are missing at the "
        "end of the row (or a quote opened further up is not closed)."
    ).format(column=field_name)
