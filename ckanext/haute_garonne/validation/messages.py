"""French messages for the errors of a cell, a row or the header.

Pure module: no CKAN import. Each message says what is wrong and what is
expected, in plain words for the person who filled the spreadsheet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ckanext.haute_garonne.validation.compile import CompiledField

# Plain-language descriptions of the patterns of our schemas, by field name.
PATTERN_DESCRIPTIONS: dict[str, str] = {
    "COLL_SIRET": "un numéro SIRET de 14 chiffres, sans espace ni point",
    "idAttribuant": "un numéro SIRET de 14 chiffres, sans espace ni point",
    "DELIB_MATIERE_CODE": "un chiffre, un point, puis un ou deux chiffres (par exemple 7.5)",
    "BUDGET_ANNEE": "une année (2024) ou deux années séparées par une barre oblique (2024/2025)",
    "rnaBeneficiaire": "un numéro RNA : la lettre W suivie de 9 chiffres (W313001234)",
    "datesPeriodeVersement": (
        "une date au format AAAA-MM-JJ (2024-05-15) ou une période, deux dates "
        "séparées par une barre oblique sans espace (2024-01-01/2024-12-31)"
    ),
    "COLL_INSEE": "le code INSEE de la commune sur 5 caractères (31555 pour Toulouse)",
    "COMMUNE_NOM": (
        "le nom officiel de la commune, avec une majuscule au début de chaque mot "
        "et des tirets (Saint-Orens-de-Gameville)"
    ),
    "ENFANT_PRENOM": (
        "un prénom qui commence par une majuscule et continue en minuscules ; les "
        "prénoms composés sont reliés par un tiret, sans espace (Jean-Éric)"
    ),
    "commune_insee": "le code INSEE de la commune, 5 chiffres (31458)",
    "commune_deleguee_insee": "le code INSEE de la commune déléguée, 5 chiffres",
    "commune_nom": "le nom de la commune en lettres, sans chiffres ni ponctuation",
    "commune_deleguee_nom": "le nom de la commune déléguée en lettres",
    "toponyme": "le nom de la voie ou du lieu-dit (lettres, chiffres, espaces, ponctuation courante)",
    "voie_nom": "le nom de la voie ou du lieu-dit (lettres, chiffres, espaces, ponctuation courante)",
    "lieudit_complement_nom": "le nom du lieu-dit (lettres, chiffres, espaces, ponctuation courante)",
    "cle_interop": (
        "la clé d'interopérabilité : code INSEE, code de la voie, numéro sur 5 "
        "chiffres et suffixe éventuel, séparés par « _ » (31458_0020_00012_bis)"
    ),
    "x": "une coordonnée en mètres avec un point décimal et au plus deux décimales (574290.15)",
    "y": "une coordonnée en mètres avec un point décimal et au plus deux décimales (6269830.42)",
    "long": "une longitude en degrés avec un point décimal (1.5234567)",
    "lat": "une latitude en degrés avec un point décimal (43.5049301)",
    "cad_parcelles": (
        "une ou plusieurs références cadastrales de 15 caractères séparées par « | » "
        "(310458000AB0113|310458000AB0114)"
    ),
    "EQUIP_UID": (
        "code INSEE (5 caractères), code de l'équipement (8 chiffres) et numéro "
        "d'ordre (3 chiffres) séparés par des tirets (31113-01010010-001)"
    ),
    "ADR_NOMVOIE": "le nom de la voie en lettres, chiffres, espaces, tirets et apostrophes",
    "ADR_COMMUNE": "le nom de la commune en lettres, espaces et tirets",
    "ADR_CLE_INTEROP": "la clé d'interopérabilité : lettres, chiffres et « _ » uniquement",
    "codeCPV": "un code CPV de 8 chiffres, éventuellement suivi d'un tiret et d'un chiffre (45233140-2)",
}

_DATE_FORMAT_WORDS = (
    ("%Y", "AAAA"),
    ("%m", "MM"),
    ("%d", "JJ"),
    ("%H", "HH"),
    ("%M", "MM"),
    ("%S", "SS"),
)


def quote(value: Any) -> str:
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "…"
    return f"« {text} »"


def _human_date_format(fmt: str) -> str:
    if fmt in ("default", "any"):
        return "AAAA-MM-JJ"
    for code, words in _DATE_FORMAT_WORDS:
        fmt = fmt.replace(code, words)
    return fmt


def _examples(values: list[Any], limit: int = 6) -> str:
    shown = ", ".join(quote(v) for v in values[:limit])
    return shown + (", …" if len(values) > limit else "")


def expected_type(field: CompiledField) -> str:
    """What a value of the field must look like, as a sentence end."""
    fmt = field.format
    if field.type == "integer":
        return "un nombre entier, sans espace ni décimale (exemple : 12)"
    if field.type == "number":
        return (
            "un nombre écrit avec un point décimal, sans espace ni symbole "
            "(exemple : 1250.50)"
        )
    if field.type == "boolean":
        true_values = field.descriptor.get("trueValues", ["true", "1"])
        false_values = field.descriptor.get("falseValues", ["false", "0"])
        return f"{quote(true_values[0])} ou {quote(false_values[0])}, écrit exactement ainsi"
    if field.type == "date":
        human = _human_date_format(fmt)
        example = "2024-03-12" if human == "AAAA-MM-JJ" else ""
        return f"une date au format {human}" + (
            f" (exemple : {example})" if example else ""
        )
    if field.type == "datetime":
        return "une date et une heure au format AAAA-MM-JJTHH:MM:SS (exemple : 2024-03-12T14:30:00)"
    if field.type == "year":
        return "une année sur quatre chiffres (exemple : 2024)"
    if field.type == "yearmonth":
        return "une année et un mois au format AAAA-MM (exemple : 2024-03)"
    if field.type == "time":
        return "une heure au format HH:MM:SS (exemple : 14:30:00)"
    if field.type == "string":
        if fmt == "email":
            return "une adresse électronique valide (exemple : mairie@exemple.fr)"
        if fmt == "uri":
            return (
                "une adresse web complète, qui commence par https:// ou http:// "
                "(exemple : https://www.exemple.fr/page.html)"
            )
        if fmt == "uuid":
            return (
                "un identifiant UUID : 32 chiffres et lettres de a à f en 5 groupes "
                "séparés par des tirets (exemple : 0246e48c-f33d-433a-8984-034219be842e)"
            )
    return f"une valeur de type {field.type}"


def _type_word(field: CompiledField) -> str:
    return {
        "integer": "un nombre entier",
        "number": "un nombre",
        "boolean": "une valeur acceptée",
        "date": "une date valide",
        "year": "une année",
        "datetime": "une date et heure valide",
    }.get(field.type, "une valeur valide")


def _with_suggestion(message: str, suggestion: str | None) -> str:
    if suggestion:
        return f"{message} Écrivez plutôt : {suggestion}."
    return message


def type_message(
    field: CompiledField, value: str, suggestion: str | None = None
) -> str:
    if field.type == "string":
        text = f"La valeur {quote(value)} n'est pas {expected_type(field)}."
    else:
        text = (
            f"La valeur {quote(value)} n'est pas {_type_word(field)} : "
            f"la colonne attend {expected_type(field)}."
        )
    return _with_suggestion(text, suggestion)


def required_message(field: CompiledField) -> str:
    return (
        f"La colonne {field.name} est obligatoire : cette case ne doit pas rester vide."
    )


def constraint_message(
    field: CompiledField, value: str, constraint: str, suggestion: str | None = None
) -> str:
    constraints = field.constraints
    limit = constraints.get(constraint)
    if constraint == "pattern":
        description = PATTERN_DESCRIPTIONS.get(field.name)
        text = f"La valeur {quote(value)} n'a pas la forme attendue"
        if description:
            text += f" : la colonne attend {description}."
        else:
            example = field.descriptor.get("example")
            text += (
                f" (exemple de valeur correcte : {quote(example)})."
                if example
                else f" (motif : {limit})."
            )
    elif constraint == "enum":
        allowed = list(limit or [])
        if len(allowed) <= 8:
            text = (
                f"La valeur {quote(value)} n'est pas dans la liste des valeurs "
                f"autorisées : {_examples(allowed, 8)} (majuscules et accents "
                "compris)."
            )
        else:
            text = (
                f"La valeur {quote(value)} n'est pas dans la liste des {len(allowed)} "
                f"valeurs autorisées (par exemple {_examples(allowed, 4)}) ; "
                "recopiez-la exactement, majuscules et accents compris."
            )
    elif constraint == "minLength":
        text = (
            f"Le texte est trop court : {len(value)} caractère(s) alors qu'il en faut "
            f"au moins {limit}."
        )
    elif constraint == "maxLength":
        text = (
            f"Le texte est trop long : {len(value)} caractères alors que la colonne "
            f"en accepte {limit} au plus. Raccourcissez-le."
        )
    elif constraint == "minimum":
        text = f"La valeur {quote(value)} est trop petite : le minimum est {limit}."
    elif constraint == "maximum":
        text = f"La valeur {quote(value)} est trop grande : le maximum est {limit}."
    elif constraint == "exclusiveMinimum":
        text = f"La valeur {quote(value)} doit être strictement supérieure à {limit}."
    elif constraint == "exclusiveMaximum":
        text = f"La valeur {quote(value)} doit être strictement inférieure à {limit}."
    else:
        text = f"La valeur {quote(value)} ne respecte pas la règle « {constraint} » de la colonne."
    return _with_suggestion(text, suggestion)


def unique_message(value: str, first_row: int | None, columns: list[str]) -> str:
    where = f" (déjà présente ligne {first_row})" if first_row else ""
    if len(columns) == 1:
        return (
            f"La valeur {quote(value)} apparaît plusieurs fois{where} : chaque valeur "
            f"de la colonne {columns[0]} doit être unique."
        )
    return (
        f"La combinaison {quote(value)} apparaît plusieurs fois{where} : les colonnes "
        f"{', '.join(columns)} doivent former un identifiant unique."
    )


def blank_row_message() -> str:
    return "La ligne est entièrement vide : supprimez-la."


def extra_cell_message(value: str, position: int, letter: str) -> str:
    return (
        "La ligne a plus de cases que l'en-tête n'a de colonnes : la valeur "
        f"{quote(value)} (colonne n° {position}, {letter}) n'a pas de nom de colonne. "
        "Vérifiez les séparateurs et les guillemets de cette ligne."
    )


def missing_cell_message(field_name: str) -> str:
    return (
        f"La ligne s'arrête avant la colonne {field_name} : il manque des séparateurs "
        "en fin de ligne (ou un guillemet ouvert plus haut n'est pas refermé)."
    )
