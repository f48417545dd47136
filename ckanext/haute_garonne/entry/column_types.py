"""Our Table Designer column types and constraints (CKAN side).

The types carry the SCDL rules a plain type cannot express (a SIRET or a
SIREN and its check digit, an INSEE commune code, an ACTES matière code, a
date or a period of two dates); the constraints a pattern and a maximum
length that, unlike CKAN's pattern, leave an empty optional cell alone.

Each one also checks its values in PostgreSQL (the table's trigger), so
that a row written to the DataStore by any path keeps the rule. Rows saved
through CKAN's actions are checked before, by the validation engine
(``rows``), which gives the French messages of the file validation; the
trigger's messages are the last line of defence.
"""

from __future__ import annotations

from typing import Any

from ckanext.datastore.backend.postgres import identifier, literal_string
from ckanext.tabledesigner.column_constraints import (
    ColumnConstraint,
    PatternConstraint,
)
from ckanext.tabledesigner.column_types import ColumnType

from ckanext.haute_garonne.entry import fields


def N_(message: str) -> str:
    """Mark a string for translation; the Table Designer's templates
    translate labels and descriptions where they show them."""
    return message


_SQL_ERROR = """
    errors := errors || ARRAY[[{colname}, {error}]];
"""

# The Luhn sum of the digits of ``{value}`` (digits only, checked before).
_SQL_LUHN = """(SELECT sum(CASE WHEN d > 9 THEN d - 9 ELSE d END) FROM (
        SELECT CASE WHEN i % 2 = 0
            THEN 2 * substr({value}, length({value}) + 1 - i, 1)::int
            ELSE substr({value}, length({value}) + 1 - i, 1)::int END AS d
        FROM generate_series(1, length({value})) AS i) AS digits) % 10 = 0"""


class _CodeColumn(ColumnType):
    """A code written as text: spaces around it are removed, and a filled
    value must match ``pattern`` (then ``sql_more``, if any)."""

    datastore_type = "text"
    table_schema_type = "string"
    table_schema_format = "default"
    pattern = ""
    error = ""

    def sql_more(self, value: str, colname: str, error: str) -> str:
        return ""

    def sql_validate_rule(self) -> str:
        value = f"NEW.{identifier(self.colname)}"
        colname = literal_string(self.colname)
        error = literal_string(self.error)
        more = self.sql_more(value, colname, error)
        return f"""
    {value} := trim({value});
    IF {value} <> '' THEN
        IF regexp_match({value}, {literal_string(self.pattern)}) IS NULL THEN
            {_SQL_ERROR.format(colname=colname, error=error)}
        {more}
        END IF;
    END IF;
"""


class SiretColumn(_CodeColumn):
    label = N_("SIRET number")
    description = N_("The 14-digit number of an establishment, with its check digit")
    example = "21310555400017"
    pattern = "^[0-9]{14}$"
    error = N_("Invalid SIRET")

    def sql_more(self, value: str, colname: str, error: str) -> str:
        # La Poste's establishments follow another rule (sum of digits % 5).
        # Built from our constants and CKAN's quoting (identifier, literal).
        return f"""ELSIF NOT ({_SQL_LUHN.format(value=value)}) AND NOT (
            {value} LIKE '356000000%' AND (SELECT sum(substr({value}, i, 1)::int)
                FROM generate_series(1, 14) AS i) % 5 = 0) THEN
            {_SQL_ERROR.format(colname=colname, error=error)}"""  # noqa: S608


class SirenColumn(_CodeColumn):
    label = N_("SIREN number")
    description = N_("The 9-digit number of a company or body, with its check digit")
    example = "213105554"
    pattern = "^[0-9]{9}$"
    error = N_("Invalid SIREN")

    def sql_more(self, value: str, colname: str, error: str) -> str:
        return f"""ELSIF NOT ({_SQL_LUHN.format(value=value)}) THEN
            {_SQL_ERROR.format(colname=colname, error=error)}"""


class InseeCommuneColumn(_CodeColumn):
    label = N_("INSEE commune code")
    description = N_("The 5-character INSEE code of an existing commune")
    example = "31555"
    pattern = "^([013-9][0-9]|2[AB1-9])[0-9]{3}$"
    error = N_("Invalid INSEE commune code")


class ActesCodeColumn(_CodeColumn):
    label = N_("ACTES matière code")
    description = N_(
        "The code of the matière in the ACTES nomenclature: a theme from 1 to "
        "9, a dot, one or two digits"
    )
    example = "7.5"
    pattern = r"^[1-9]\.[0-9]{1,2}$"
    error = N_("Invalid ACTES code")


class DatePeriodColumn(_CodeColumn):
    label = N_("Date or period")
    description = N_("A date (YYYY-MM-DD) or two dates separated by a slash")
    example = "2024-01-01/2024-12-31"
    pattern = fields.PERIOD_PATTERN
    error = N_("Invalid date or period")


COLUMN_TYPES: dict[str, type[ColumnType]] = {
    fields.SIRET: SiretColumn,
    fields.SIREN: SirenColumn,
    fields.INSEE_COMMUNE: InseeCommuneColumn,
    fields.ACTES_CODE: ActesCodeColumn,
    fields.DATE_PERIOD: DatePeriodColumn,
}


class OptionalPatternConstraint(PatternConstraint):
    """CKAN's pattern constraint (``tdpattern``), checked only on a filled
    cell: CKAN's own refuses an empty one, which makes an optional column
    required."""

    def sql_constraint_rule(self) -> str:
        pattern = self.field.get("tdpattern")
        if not pattern:
            return ""
        value = f"NEW.{identifier(self.colname)}"
        return f"""
    IF {value} IS NOT NULL AND {value} <> ''
            AND regexp_match({value}, {literal_string(pattern)}) IS NULL THEN
        {
            _SQL_ERROR.format(
                colname=literal_string(self.colname),
                error=literal_string(N_("Does not match pattern")),
            )
        }
    END IF;
"""


class MaxLengthConstraint(ColumnConstraint):
    """The maximum number of characters of a text (``tdmaxlength``)."""

    @classmethod
    def datastore_field_schema(cls, td_ignore: Any, td_pd: Any) -> dict[str, Any]:
        from ckan.plugins.toolkit import get_validator

        return {
            "tdmaxlength": [
                td_ignore,
                get_validator("ignore_empty"),
                get_validator("natural_number_validator"),
                td_pd,
            ]
        }

    def sql_constraint_rule(self) -> str:
        limit = str(self.field.get("tdmaxlength") or "")
        if not limit.isdigit():
            return ""
        value = f"NEW.{identifier(self.colname)}"
        return f"""
    IF length({value}) > {int(limit)} THEN
        {
            _SQL_ERROR.format(
                colname=literal_string(self.colname),
                error=literal_string(N_("Too long")),
            )
        }
    END IF;
"""


def _yes_no(boolean: type[ColumnType]) -> type[ColumnType]:
    """CKAN's boolean column, reading the text a refused form sends back:
    its ``choice_value_key`` takes any non-empty text, "false" too, for
    true, so a row form showed a refused row's "non" as "oui"."""

    class YesNoColumn(boolean):
        def choice_value_key(self, value: bool | str) -> str:
            if isinstance(value, str) and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            return super().choice_value_key(value)

    return YesNoColumn


def column_types(existing: dict[str, type[ColumnType]]) -> dict[str, type[ColumnType]]:
    """``IColumnTypes``: ours beside the existing ones, and CKAN's boolean
    column reading the posted text."""
    found = {**existing, **COLUMN_TYPES}
    if "boolean" in existing:
        found["boolean"] = _yes_no(existing["boolean"])
    return found


def column_constraints(
    existing: dict[str, list[type[ColumnConstraint]]],
) -> dict[str, list[type[ColumnConstraint]]]:
    """``IColumnConstraints``: a text's pattern ignores empty cells, and a
    text may have a maximum length."""
    result = {key: list(value) for key, value in existing.items()}
    text = [
        OptionalPatternConstraint if c is PatternConstraint else c
        for c in result.get("text", [])
    ]
    if OptionalPatternConstraint not in text:
        text.append(OptionalPatternConstraint)
    result["text"] = [*text, MaxLengthConstraint]
    return result
