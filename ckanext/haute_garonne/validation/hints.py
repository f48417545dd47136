"""Recognising the common mistakes behind an error, and explaining them.

Pure module: no CKAN import. ``diagnose`` looks at a refused value and, when
it recognises a usual spreadsheet or habit mistake, returns the key of a hint
(a general French explanation added once to the report) and a suggestion for
this very value (added to the error message): « écrivez 1250.50 ».
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ckanext.haute_garonne.validation.compile import CompiledField

HINTS: dict[str, str] = {
    "decimal-comma": (
        "Des nombres sont écrits à la française, avec une virgule décimale ou des "
        "espaces entre les milliers (par exemple « 1 250,50 ») : le standard demande "
        "un point décimal, sans espace ni symbole monétaire (1250.50). Dans un "
        "tableur, mettez la colonne au format « Standard » avant d'exporter, ou "
        "remplacez les virgules par des points."
    ),
    "integer-decimal": (
        "Des nombres entiers sont écrits avec une partie décimale (« 12.0 ») : "
        "écrivez-les sans décimales (12)."
    ),
    "excel-serial-date": (
        "Des dates apparaissent sous la forme d'un nombre à 5 chiffres (par exemple "
        "45123) : c'est ainsi qu'un tableur enregistre une date lorsque la cellule "
        "a perdu son format. Écrivez les dates au format AAAA-MM-JJ (45123 "
        "correspond au 2023-07-16)."
    ),
    "french-date": (
        "Des dates sont écrites au format JJ/MM/AAAA (par exemple 12/03/2024) : le "
        "standard demande le format international AAAA-MM-JJ (2024-03-12)."
    ),
    "date-separator": (
        "Des dates utilisent des barres obliques ou des points (2017/09/08, "
        "2013.01.26) : séparez l'année, le mois et le jour par des tirets "
        "(2017-09-08)."
    ),
    "date-time": (
        "Des dates sont suivies d'une heure ou d'un fuseau horaire (2024-03-12 "
        "00:00:00, 2018-08-30+02:00) : n'écrivez que la date, AAAA-MM-JJ."
    ),
    "period-underscore": (
        "Des périodes séparent leurs deux dates par un tiret bas « _ » (ancien "
        "format réglementaire) : le standard demande une barre oblique, sans "
        "espace (2024-01-01/2024-12-31)."
    ),
    "float-siret": (
        "Des numéros SIRET ont été enregistrés comme des nombres à virgule "
        "(21310458100011.0, ou 2.13104581E+13 en notation scientifique) : le "
        "tableur a modifié leur écriture, et parfois perdu leurs derniers chiffres. "
        "Mettez la colonne au format « Texte » et recopiez les 14 chiffres."
    ),
    "siret-spaces": (
        "Des numéros SIRET contiennent des espaces ou des points (« 446 720 633 "
        "00010 ») : écrivez les 14 chiffres attachés (44672063300010)."
    ),
    "siren-not-siret": (
        "Des identifiants n'ont que 9 chiffres : c'est un numéro SIREN (l'entité), "
        "alors que le standard demande le SIRET (l'établissement, 14 chiffres). "
        "Le SIRET se trouve sur annuaire-entreprises.data.gouv.fr."
    ),
    "enum-case": (
        "Des valeurs ne diffèrent de la liste autorisée que par les majuscules, les "
        "accents ou les espaces (par exemple « Aide en numéraire » au lieu de « aide "
        "en numéraire ») : recopiez-les exactement comme dans la liste."
    ),
    "boolean-case": (
        "Des valeurs oui/non n'ont pas l'écriture attendue (« Oui », « NON »…) : "
        "écrivez-les exactement comme le standard l'indique, en général en "
        "minuscules."
    ),
    "percentage": (
        "Des pourcentages sont écrits en nombre de pour cent (50) au lieu d'une "
        "fraction : le standard attend un nombre entre 0.01 et 1 (0.5 pour 50 %)."
    ),
    "spaces": (
        "Des cellules commencent ou finissent par des espaces invisibles : "
        "supprimez-les (dans un tableur, la fonction SUPPRESPACE)."
    ),
    "insee-leading-zero": (
        "Des codes INSEE de commune ont perdu leur zéro initial (1001 au lieu de "
        "01001) : le tableur les a pris pour des nombres. Mettez la colonne au "
        "format « Texte » et écrivez les 5 caractères."
    ),
    "blank-rows": (
        "Le fichier contient des lignes entièrement vides : supprimez-les (elles "
        "restent souvent à la fin d'un tableau exporté depuis un tableur)."
    ),
    "header-only": (
        "Le fichier ne contient que la ligne d'en-tête, sans aucune ligne de "
        "données : il est conforme mais vide."
    ),
    "no-known-column": (
        "Aucune colonne du fichier ne porte le nom d'une colonne du standard : le "
        "fichier suit sans doute un autre modèle (ancienne version du standard, "
        "format propre à un logiciel). Partez du modèle de fichier vierge proposé "
        "par le portail et recopiez-y vos données."
    ),
    "header-case": (
        "Des noms de colonnes diffèrent du standard par les majuscules, les accents "
        "ou les espaces : le portail les a reconnus, mais les autres outils "
        "(data.gouv.fr, Validata) les refuseront. Renommez-les exactement comme "
        "dans le standard."
    ),
    "not-utf8": (
        "Le fichier n'est pas encodé en UTF-8 (probablement Windows-1252, "
        "l'encodage par défaut d'Excel sous Windows) : le portail l'a lu, mais les "
        "lettres accentuées risquent de s'afficher mal ailleurs. Dans Excel, "
        "choisissez « Enregistrer sous > CSV UTF-8 (délimité par des virgules) »."
    ),
    "mixed-encoding": (
        "Le fichier mélange deux encodages (UTF-8 et Windows-1252) : une partie des "
        "lettres accentuées est forcément abîmée (« Ã© » au lieu de « é »). "
        "Réenregistrez le tableau d'origine en « CSV UTF-8 » plutôt que de "
        "modifier le fichier."
    ),
    "decp-2019": (
        "Le fichier suit l'ancien format DECP de 2019 (une simple liste sous "
        "« marches ») : depuis le 1er janvier 2024, le format 2.0 regroupe les "
        "marchés sous « marches » > « marche » et les concessions sous « marches » "
        "> « contrat-concession », et demande de nouvelles informations "
        "(techniques d'achat, considérations sociales et environnementales…)."
    ),
    "bal-version-unknown": (
        "L'en-tête ne correspond ni à la BAL 1.4 ni à la BAL 1.5 (colonne voie_nom "
        "sans les identifiants BAN : sans doute une BAL 1.3 ou plus ancienne). Le "
        "fichier a été vérifié selon la version 1.5, la seule que la Base Adresse "
        "Nationale exploite pleinement."
    ),
}

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
            integer, _, decimals = text.rpartition(",")
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
                f"{digits.zfill(14)} (zéros initiaux rétablis, à vérifier)",
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
