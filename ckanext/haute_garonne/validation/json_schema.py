"""Validation of a JSON document (DECP 2.0) against our JSON Schema.

Pure module: no CKAN import. The document is parsed whole (jsonschema needs
it in memory); errors come from ``Draft7Validator.iter_errors``. Each error
has the JSON path of the value in ``field`` ("marches/marche/3/procedure"),
``row`` None, a type ``json-<keyword>`` (``json-required``,
``json-additional-properties``, ``json-enum``…) and a message that names
the marché or concession concerned (number in the list and ``id``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

import jsonschema

from ckanext.haute_garonne.validation import read
from ckanext.haute_garonne.validation.checks import CommuneCode, commune_codes
from ckanext.haute_garonne.validation.hints import date_suggestion, siret_suggestion
from ckanext.haute_garonne.validation.i18n import N_, _, ngettext
from ckanext.haute_garonne.validation.messages import QUOTE_LIMIT, clip, quote
from ckanext.haute_garonne.validation.report import Collector

_TYPE_WORDS = {
    "string": N_("a text (in quotes)"),
    "number": N_("a number (without quotes, with a decimal point)"),
    "integer": N_("a whole number (without quotes)"),
    "boolean": N_("true or false (without quotes)"),
    "array": N_("a list [ … ]"),
    "object": N_("an object { … }"),
    "null": "null",
}
_LISTS = {
    "marche": N_("the contract no. {number}"),
    "contrat-concession": N_("the concession no. {number}"),
}
_RELATIONS = {
    "minimum": N_(
        "The value {value} ({where}) must be greater than or equal to {limit}."
    ),
    "exclusiveMinimum": N_(
        "The value {value} ({where}) must be strictly greater than {limit}."
    ),
    "maximum": N_("The value {value} ({where}) must be less than or equal to {limit}."),
    "exclusiveMaximum": N_(
        "The value {value} ({where}) must be strictly less than {limit}."
    ),
}
_REQUIRED = re.compile(r"^'(.+)' is a required property$")


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return quote(value)
    text = json.dumps(value, ensure_ascii=False)
    return quote(text if len(text) <= 60 else text[:57] + "…")


def _where(document: Any, path: list[Any]) -> str:
    """Where a value is, in words: "the contract no. 4 (id “2026-001”),
    procedure"."""
    if (
        len(path) >= 3
        and path[0] == "marches"
        and path[1] in _LISTS
        and isinstance(path[2], int)
    ):
        what = _(_LISTS[path[1]]).format(number=path[2] + 1)
        try:
            item = document["marches"][path[1]][path[2]]
            if isinstance(item, dict) and isinstance(item.get("id"), (str, int)):
                what = _("{item} (id {id})").format(item=what, id=quote(item["id"]))
        except (KeyError, IndexError, TypeError):
            pass
        rest = clip("/".join(str(p) for p in path[3:]), QUOTE_LIMIT)
        return f"{what}, {rest}" if rest else what
    if len(path) >= 2 and path[0] == "marches" and isinstance(path[1], int):
        what = _("the item no. {number} of {list}").format(
            number=path[1] + 1, list=quote("marches")
        )
        rest = clip("/".join(str(p) for p in path[2:]), QUOTE_LIMIT)
        return f"{what}, {rest}" if rest else what
    return clip("/".join(str(p) for p in path), QUOTE_LIMIT) or _(
        "the root of the document"
    )


def _message(
    error: jsonschema.ValidationError, document: Any, path: list[Any]
) -> list[tuple[str, str, str | None, str]]:
    """(type, field, value, message) for one jsonschema error."""
    kind = error.validator
    where = _where(document, path)
    field = "/".join(str(p) for p in path)
    instance = error.instance
    limit = error.validator_value
    type_ = f"json-{_kebab(str(kind))}"
    value = None if isinstance(instance, (dict, list)) else str(instance)
    if kind == "required":
        match = _REQUIRED.match(error.message)
        name = match[1] if match else str(limit)
        return [
            (
                type_,
                f"{field}/{name}" if field else name,
                None,
                _("The required information {name} is missing ({where}).").format(
                    name=quote(name), where=where
                ),
            )
        ]
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = set((error.schema or {}).get("properties", {}))
        extras = [k for k in instance if k not in allowed] or ["?"]
        return [
            (
                type_,
                f"{field}/{extra}" if field else extra,
                None,
                _(
                    "The property {name} ({where}) does not exist in the format: "
                    "delete it, or correct its name (capital letters included)."
                ).format(name=quote(extra), where=where),
            )
            for extra in extras
        ]
    # Every other error names the value at this path (None for a list or an
    # object) with one message.
    if kind == "type":
        expected = limit if isinstance(limit, list) else [limit]
        # TRANSLATORS: joins the JSON types a value may have
        words = _(" or ").join(_(_TYPE_WORDS.get(t) or str(t)) for t in expected)
        if ("number" in expected or "integer" in expected) and isinstance(
            instance, str
        ):
            text = _(
                "The value {value} ({where}) must be {expected}. Write the number "
                "without quotes."
            ).format(value=_shown(instance), where=where, expected=words)
        else:
            text = _("The value {value} ({where}) must be {expected}.").format(
                value=_shown(instance), where=where, expected=words
            )
    elif kind == "enum":
        values = [str(v) for v in limit]
        shown = ", ".join(quote(v) for v in values[:8]) + (
            ", …" if len(values) > 8 else ""
        )
        text = _(
            "The value {value} ({where}) is not in the list of allowed "
            "values: {allowed} (capital letters and accents included)."
        ).format(value=_shown(instance), where=where, allowed=shown)
    elif kind == "pattern":
        text = _pattern_message(instance, where, limit)
    elif kind in _RELATIONS:
        text = _(_RELATIONS[kind]).format(
            value=_shown(instance), where=where, limit=limit
        )
    elif kind == "minLength":
        text = ngettext(
            "The text {value} ({where}) is too short: at least {limit} character.",
            "The text {value} ({where}) is too short: at least {limit} characters.",
            limit,
        ).format(value=_shown(instance), where=where, limit=limit)
    elif kind == "maxLength":
        text = _(
            "The text {value} ({where}) is too long: {length} characters "
            "for {limit} at most."
        ).format(
            value=_shown(instance),
            where=where,
            length=len(str(instance)),
            limit=limit,
        )
    elif kind in ("minItems", "maxItems"):
        text = (
            ngettext(
                "The list ({where}) must contain at least {limit} item.",
                "The list ({where}) must contain at least {limit} items.",
                limit,
            )
            if kind == "minItems"
            else ngettext(
                "The list ({where}) contains more than {limit} item.",
                "The list ({where}) contains more than {limit} items.",
                limit,
            )
        ).format(where=where, limit=limit)
    elif kind == "uniqueItems":
        text = _("The list ({where}) contains duplicate items.").format(where=where)
    elif kind == "format":
        text = _("The value {value} ({where}) is not in the {format} format.").format(
            value=_shown(instance), where=where, format=limit
        )
    elif kind == "const":
        text = _("The value {value} ({where}) must be {expected}.").format(
            value=_shown(instance), where=where, expected=_shown(limit)
        )
    else:
        text = _(
            "The value ({where}) does not follow the format (“{rule}” rule)."
        ).format(where=where, rule=kind)
    return [(type_, field, value, text)]


def _pattern_message(instance: Any, where: str, limit: Any) -> str:
    """A value that does not match its pattern, with a correction when we
    can guess one (a date, a SIRET)."""
    text = _(
        "The value {value} ({where}) does not have the expected form (pattern: "
        "{pattern})."
    ).format(value=_shown(instance), where=where, pattern=limit)
    if isinstance(instance, str):
        found = (
            date_suggestion(instance)
            if "\\d{4}" in limit or "[0-9]{4}" in limit
            else None
        )
        if not found and "{14}" in limit:
            found = siret_suggestion(instance)
            if found and found[0] == "siren-not-siret":
                text = _(
                    "{message} It is a SIREN number (9 digits): give the SIRET "
                    "(14 digits)."
                ).format(message=text)
                found = None
        if found and found[1]:
            text = _("{message} Write instead: {suggestion}.").format(
                message=text, suggestion=found[1]
            )
    return text


class _HugeInteger(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__("integer too long")
        self.digits = len(text.lstrip("-"))
        self.start = text[:20] + "…"


def _integer(text: str) -> int:
    """A JSON integer; Python refuses to convert one of more than 4300 digits
    (``sys.get_int_max_str_digits``): the document is refused, in words."""
    try:
        return int(text)
    except ValueError:
        raise _HugeInteger(text) from None


def _load(opened: read.Opened, head: bytes) -> tuple[Any, str]:
    encoding = read.detect(head, len(head) < read.HEAD_SIZE)
    data = read.window(opened).read()[encoding.skip :]
    try:
        text = data.decode(encoding.codec)
        name = encoding.name
    except UnicodeDecodeError:
        text = data.decode(read.WINDOWS_1252, errors="hg-latin1-fallback")
        name = "cp1252"
    try:
        return json.loads(text.lstrip("\ufeff"), parse_int=_integer), name
    except _HugeInteger as exc:
        raise read.UnreadableFile(
            _(
                "The JSON document contains a whole number of {digits} digits "
                "({start}), too long to be read: no information of the format "
                "needs such a number. Correct it, or export the file again from "
                "your software."
            ).format(digits=exc.digits, start=quote(exc.start))
        ) from None
    except json.JSONDecodeError as exc:
        raise read.UnreadableFile(
            _(
                "The file is not a valid JSON document: syntax error on line "
                "{line}, column {column} (a comma, quote or brace missing or one "
                "too many). Check the file with a JSON validation tool, or export "
                "it again from your software."
            ).format(line=exc.lineno, column=exc.colno)
        ) from None
    except RecursionError:
        raise read.UnreadableFile(
            _("The JSON document is nested too deeply.")
        ) from None


def _count(document: Any) -> int:
    if not isinstance(document, dict):
        return len(document) if isinstance(document, list) else 0
    marches = document.get("marches")
    if isinstance(marches, list):
        return len(marches)
    if isinstance(marches, dict):
        return sum(
            len(marches.get(key) or [])
            for key in _LISTS
            if isinstance(marches.get(key), list)
        )
    return 0


def validate_json(
    opened: read.Opened, head: bytes, schema: dict[str, Any], collector: Collector
) -> tuple[str, int]:
    """Check a JSON file; returns (encoding, number of marchés and concessions)."""
    document, encoding = _load(opened, head)
    if isinstance(document, dict) and isinstance(document.get("marches"), list):
        collector.hint("decp-2019")
    if encoding not in ("utf-8", "utf-8-sig"):
        collector.hint("not-utf8")
        collector.add(
            "encoding-warning",
            None,
            None,
            None,
            _(
                "The file is not encoded in UTF-8: save it again in UTF-8, the "
                "encoding the JSON format requires."
            ),
        )
    validator_class = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft7Validator
    )
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    for error in validator.iter_errors(document):
        path = list(error.absolute_path)
        for type_, field, value, message in _message(error, document, path):
            collector.add(type_, None, field, value, message)
    _check_commune_codes(document, collector)
    return encoding, _count(document)


def _items(document: Any) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """(path, object) of each contract and concession, in the 2.0 format
    (lists under "marches") or the former 2019 one (a list "marches")."""
    if not isinstance(document, dict):
        return
    marches = document.get("marches")
    lists: list[tuple[list[str], Any]]
    if isinstance(marches, list):
        lists = [(["marches"], marches)]
    elif isinstance(marches, dict):
        lists = [(["marches", key], marches.get(key)) for key in _LISTS]
    else:
        return
    for path, items in lists:
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield [*path, index], item


def _check_commune_codes(document: Any, collector: Collector) -> None:
    """A place of execution given as a commune code ("Code commune") must be
    the INSEE code of a current commune: a warning, as the format only asks
    for a text."""
    known = commune_codes()
    for path, item in _items(document):
        place = item.get("lieuExecution")
        if not isinstance(place, dict) or place.get("typeCode") != "Code commune":
            continue
        code = place.get("code")
        if not isinstance(code, str) or code.strip() in known:
            continue
        where = _where(document, [*path, "lieuExecution", "code"])
        collector.add(
            "commune-insee-value-warning",
            None,
            "/".join(str(p) for p in [*path, "lieuExecution", "code"]),
            code,
            partial(_unknown_commune_message, code, where),
        )


def _unknown_commune_message(code: str, where: str) -> str:
    return "{} {}".format(
        _(
            "The code {value} ({where}) is not the INSEE code of any current commune."
        ).format(value=quote(code), where=where),
        _(CommuneCode.message),
    )
