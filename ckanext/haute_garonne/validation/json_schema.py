"""Validation of a JSON document (DECP 2.0) against our JSON Schema.

Pure module: no CKAN import. The document is parsed whole (jsonschema needs
it in memory); errors come from ``Draft7Validator.iter_errors``. Each error
has the JSON path of the value in ``field`` ("marches/marche/3/procedure"),
``row`` None, a type ``json-<keyword>`` (``json-required``,
``json-additional-properties``, ``json-enum``…) and a French message that
names the marché or concession concerned (number in the list and ``id``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from ckanext.haute_garonne.validation import read
from ckanext.haute_garonne.validation.hints import (
    HINTS,
    date_suggestion,
    siret_suggestion,
)
from ckanext.haute_garonne.validation.messages import quote
from ckanext.haute_garonne.validation.report import Collector

_TYPE_WORDS = {
    "string": "un texte (entre guillemets)",
    "number": "un nombre (sans guillemets, avec un point décimal)",
    "integer": "un nombre entier (sans guillemets)",
    "boolean": "true ou false (sans guillemets)",
    "array": "une liste [ … ]",
    "object": "un objet { … }",
    "null": "null",
}
_LISTS = {"marche": "le marché", "contrat-concession": "la concession"}
_RELATIONS = {
    "minimum": "supérieure ou égale à",
    "exclusiveMinimum": "strictement supérieure à",
    "maximum": "inférieure ou égale à",
    "exclusiveMaximum": "strictement inférieure à",
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
    """« le marché n° 4 (id « 2026-001 »), propriété procedure »."""
    if (
        len(path) >= 3
        and path[0] == "marches"
        and path[1] in _LISTS
        and isinstance(path[2], int)
    ):
        what = f"{_LISTS[path[1]]} n° {path[2] + 1}"
        try:
            item = document["marches"][path[1]][path[2]]
            if isinstance(item, dict) and isinstance(item.get("id"), (str, int)):
                what += f" (id {quote(item['id'])})"
        except (KeyError, IndexError, TypeError):
            pass
        rest = "/".join(str(p) for p in path[3:])
        return f"{what}, {rest}" if rest else what
    if len(path) >= 2 and path[0] == "marches" and isinstance(path[1], int):
        return f"l'élément n° {path[1] + 1} de « marches »" + (
            ", " + "/".join(str(p) for p in path[2:]) if path[2:] else ""
        )
    return "/".join(str(p) for p in path) or "la racine du document"


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
                f"L'information obligatoire {quote(name)} manque ({where}).",
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
                f"La propriété {quote(extra)} ({where}) n'existe pas dans le format : "
                "supprimez-la, ou corrigez son nom (majuscules comprises).",
            )
            for extra in extras
        ]
    if kind == "type":
        expected = limit if isinstance(limit, list) else [limit]
        words = " ou ".join(_TYPE_WORDS.get(t, t) for t in expected)
        text = f"La valeur {_shown(instance)} ({where}) doit être {words}."
        if ("number" in expected or "integer" in expected) and isinstance(
            instance, str
        ):
            text += " Écrivez le nombre sans guillemets."
        return [(type_, field, value, text)]
    if kind == "enum":
        allowed = [str(v) for v in limit]
        shown = ", ".join(quote(v) for v in allowed[:8]) + (
            ", …" if len(allowed) > 8 else ""
        )
        return [
            (
                type_,
                field,
                value,
                f"La valeur {_shown(instance)} ({where}) n'est pas dans la liste des "
                f"valeurs autorisées : {shown} (majuscules et accents compris).",
            )
        ]
    if kind == "pattern":
        text = f"La valeur {_shown(instance)} ({where}) n'a pas la forme attendue (motif : {limit})."
        if isinstance(instance, str):
            found = (
                date_suggestion(instance)
                if "\\d{4}" in limit or "[0-9]{4}" in limit
                else None
            )
            if not found and "{14}" in limit:
                found = siret_suggestion(instance)
                if found and found[0] == "siren-not-siret":
                    text += " C'est un numéro SIREN (9 chiffres) : indiquez le SIRET (14 chiffres)."
                    found = None
            if found and found[1]:
                text += f" Écrivez plutôt : {found[1]}."
        return [(type_, field, value, text)]
    if kind in _RELATIONS:
        relation = _RELATIONS[kind]
        return [
            (
                type_,
                field,
                value,
                f"La valeur {_shown(instance)} ({where}) doit être {relation} {limit}.",
            )
        ]
    if kind == "minLength":
        return [
            (
                type_,
                field,
                value,
                f"Le texte {_shown(instance)} ({where}) est trop court : {limit} caractère(s) au moins.",
            )
        ]
    if kind == "maxLength":
        return [
            (
                type_,
                field,
                value,
                f"Le texte {_shown(instance)} ({where}) est trop long : {len(str(instance))} "
                f"caractères pour {limit} au plus.",
            )
        ]
    if kind == "minItems":
        return [
            (
                type_,
                field,
                None,
                f"La liste ({where}) doit contenir au moins {limit} élément(s).",
            )
        ]
    if kind == "maxItems":
        return [
            (
                type_,
                field,
                None,
                f"La liste ({where}) contient plus de {limit} élément(s).",
            )
        ]
    if kind == "uniqueItems":
        return [
            (type_, field, None, f"La liste ({where}) contient des éléments en double.")
        ]
    if kind == "format":
        return [
            (
                type_,
                field,
                value,
                f"La valeur {_shown(instance)} ({where}) n'est pas au format {limit}.",
            )
        ]
    if kind == "const":
        return [
            (
                type_,
                field,
                value,
                f"La valeur {_shown(instance)} ({where}) doit être {_shown(limit)}.",
            )
        ]
    return [
        (
            type_,
            field,
            value,
            f"La valeur ({where}) ne respecte pas le format (règle « {kind} »).",
        )
    ]


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
        return json.loads(text.lstrip("\ufeff")), name
    except json.JSONDecodeError as exc:
        raise read.UnreadableFile(
            "Le fichier n'est pas un document JSON valide : erreur de syntaxe ligne "
            f"{exc.lineno}, colonne {exc.colno} (virgule, guillemet ou accolade "
            "manquant ou en trop). Vérifiez le fichier avec un outil de validation "
            "JSON, ou exportez-le de nouveau depuis votre logiciel."
        ) from None
    except RecursionError:
        raise read.UnreadableFile(
            "Le document JSON est trop profondément imbriqué."
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
        collector.hint("decp-2019", HINTS["decp-2019"])
    if encoding not in ("utf-8", "utf-8-sig"):
        collector.hint("not-utf8", HINTS["not-utf8"])
        collector.add(
            "encoding-warning",
            None,
            None,
            None,
            "Le fichier n'est pas encodé en UTF-8 : réenregistrez-le en UTF-8, "
            "l'encodage qu'impose le format JSON.",
        )
    validator_class = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft7Validator
    )
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    for error in validator.iter_errors(document):
        path = list(error.absolute_path)
        for type_, field, value, message in _message(error, document, path):
            collector.add(type_, None, field, value, message)
    return encoding, _count(document)
