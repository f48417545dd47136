"""Validators of our scheming fields, all named ``haute_garonne_*``.

Factories decorated with ``@scheming_validator`` receive the field definition
from the YAML schema, where facts such as ``dataset_type`` or ``default`` live.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from babel.numbers import format_decimal
from dateutil.parser import isoparse
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import StopOnError
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Validator

from ckanext.scheming.helpers import scheming_language_text
from ckanext.scheming.validation import scheming_validator

from ckanext.haute_garonne import compat
from ckanext.haute_garonne.collectivites import theming
from ckanext.haute_garonne.safety import NUL, contains_nul, nul_byte_message
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.validation.checks import commune_codes

__all__ = [
    "haute_garonne_choice",
    "haute_garonne_color",
    "haute_garonne_count",
    "haute_garonne_default_from_field",
    "haute_garonne_http_url",
    "haute_garonne_image_url",
    "haute_garonne_insee_codes",
    "haute_garonne_iso_datetime",
    "haute_garonne_license",
    "haute_garonne_newlines",
    "haute_garonne_no_nul_bytes",
    "haute_garonne_open_data_obligation",
    "haute_garonne_page_number",
    "haute_garonne_plain_text",
    "haute_garonne_readable_color",
    "haute_garonne_resource_file",
    "haute_garonne_resource_scdl_standard",
    "haute_garonne_resource_scdl_version",
    "haute_garonne_scdl_standard",
    "haute_garonne_scdl_version",
    "haute_garonne_search_query",
    "haute_garonne_siren",
    "haute_garonne_siren_unique",
    "haute_garonne_territory",
]

# A commune (Corsica's 2A/2B included) or a département, mainland or overseas.
COMMUNE_CODE = re.compile(r"^(?:[013-9]\d|2[AB1-9])\d{3}$")
DEPARTMENT_CODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$")


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


@scheming_validator
def haute_garonne_default_from_field(
    field: dict[str, Any], schema: dict[str, Any]
) -> Validator:
    """Fill an empty value with the field's ``default`` from the YAML schema."""
    default = field.get("default")

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        if default is not None and _empty(data.get(key)):
            data[key] = default

    return validator


def haute_garonne_license(value: Any, context: Context) -> Any:
    """Only the licences of the portal's list (Licence Ouverte 2.0, ODbL)."""
    known = {lic.id for lic in model.Package.get_license_register().values()}
    if value not in known:
        raise tk.Invalid(
            tk._("Unknown licence {licence}: choose one of {choices}.").format(
                licence=value, choices=", ".join(sorted(known))
            )
        )
    return value


def haute_garonne_newlines(value: Any, context: Context) -> Any:
    """Line breaks stored as LF: browsers send a text area's as CRLF, so a
    form saved unchanged would otherwise change every multi-line text."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _drop(key: FlattenKey, data: FlattenDataDict) -> None:
    """Leave an empty optional field out, as ``ignore_missing`` does."""
    data.pop(key, None)
    raise StopOnError


def _split_codes(value: Any) -> list[str]:
    if isinstance(value, str) and value.strip().startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)  # a stored value read back
    if isinstance(value, str):
        value = re.split(r"[\s,;]+", value)
    return [str(v).strip().upper() for v in value if str(v).strip()]


def _organization_territory(owner_org: Any) -> list[str]:
    """The INSEE codes recorded on a collectivité (its ``insee`` extra)."""
    if _empty(owner_org):
        return []
    group = model.Group.get(owner_org)
    if group is None:
        return []
    return _split_codes(group.extras.get("insee", ""))


@scheming_validator
def haute_garonne_territory(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """INSEE codes of communes or départements; the collectivité's by default."""

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        value = data.get(key)
        codes = [] if _empty(value) else _split_codes(value)
        if not codes:
            codes = _organization_territory(data.get(("owner_org",)))
        bad = [
            c for c in codes if not (COMMUNE_CODE.match(c) or DEPARTMENT_CODE.match(c))
        ]
        if bad:
            errors[key].append(
                tk._(
                    "Not an INSEE code of a commune (5 characters, e.g. 31458) "
                    "or of a département (e.g. 31): {codes}"
                ).format(codes=", ".join(bad))
            )
            return
        if not codes:
            _drop(key, data)
        data[key] = list(dict.fromkeys(codes))

    return validator


def _standard_error(dataset_type: str) -> str:
    names = ", ".join(s.identifier for s in registry.attachable_standards(dataset_type))
    return tk._("This type of dataset follows one of these standards: {names}.").format(
        names=names
    )


def _version_error(standard: Any) -> str:
    versions = ", ".join(v.version for v in standard.versions)
    return tk._(
        "Version not accepted for {standard}; accepted versions: {versions}."
    ).format(standard=standard.identifier, versions=versions)


def _standard_validator(field: dict[str, Any], optional: bool) -> Validator:
    """A ``scdl_standard`` value must be one of the field's dataset type's
    standards. Empty, the dataset's defaults to the type's first; a file's
    is left out (it inherits the dataset's)."""
    dataset_type = field["dataset_type"]
    choices = (
        registry.attachable_standards(dataset_type)
        if optional
        else registry.standards_for(dataset_type)
    )

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        value = data.get(key)
        if _empty(value):
            if optional:
                _drop(key, data)
            data[key] = choices[0].name
            return
        standard = registry.get_standard(value)
        if standard is None or standard not in choices:
            errors[key].append(_standard_error(dataset_type))
            return
        data[key] = standard.name

    return validator


def _version_validator(field: dict[str, Any], optional: bool) -> Validator:
    """A ``scdl_version`` value must be a version of the standard in force:
    the file's own, else the dataset's (validated first, as it comes first in
    the schema). Empty, the dataset's defaults to the latest; a file's is left
    out (it inherits the dataset's)."""

    def validator(
        key: FlattenKey,
        data: FlattenDataDict,
        errors: FlattenErrorDict,
        context: Context,
    ) -> None:
        own = data.get((*key[:-1], "scdl_standard")) if optional else None
        name = own if not _empty(own) else data.get(("scdl_standard",))
        standard = registry.get_standard(name or "")
        value = data.get(key)
        if _empty(value):
            if optional:
                _drop(key, data)
            if standard is not None:
                data[key] = standard.latest.version
        elif standard is not None and standard.version(str(value)) is None:
            errors[key].append(_version_error(standard))

    return validator


def _scheming(
    build: Callable[[dict[str, Any], bool], Validator], optional: bool, doc: str
) -> Callable[[dict[str, Any], dict[str, Any]], Validator]:
    """A scheming validator factory: ``build(field, optional)`` for each
    field that names it in the YAML schema."""

    @scheming_validator
    def factory(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
        return build(field, optional)

    factory.__doc__ = doc
    return factory


# The dataset's standard and version, then a file's own (optional: empty, it
# inherits the dataset's).
haute_garonne_scdl_standard = _scheming(
    _standard_validator,
    False,
    "The dataset's standard: one of its type's, the first by default.",
)
haute_garonne_scdl_version = _scheming(
    _version_validator,
    False,
    "The dataset's standard version: accepted by the registry, the latest by default.",
)
haute_garonne_resource_scdl_standard = _scheming(
    _standard_validator,
    True,
    "A file's own standard, when it differs from the dataset's (optional).",
)
haute_garonne_resource_scdl_version = _scheming(
    _version_validator,
    True,
    "A file's own version (optional: inherited from the dataset).",
)


# Organisation (collectivité) fields ------------------------------------------

# Legal thresholds of the loi pour une République numérique (article L. 1112-23
# of the code général des collectivités territoriales).
OBLIGATION_POPULATION = 3500
OBLIGATION_AGENTS = 50

_URL = re.compile(
    r"^https?://[^\s/?#<>\"'`\\]+(?:[/?#][^\s<>\"'`\\]*)?$", re.IGNORECASE
)
# A file name CKAN's uploader gave to an uploaded image (no scheme, no path).
_UPLOADED = re.compile(r"^[\w][\w.\-]*$")
_MARKUP = re.compile(r"[<>{}]|javascript:|expression\(", re.IGNORECASE)


def haute_garonne_siren(value: Any, context: Context) -> Any:
    """A SIREN (9 digits with a valid check digit; La Poste's accepted)."""
    if _empty(value):
        return value
    try:
        return siren.validate(str(value))
    except StdnumError:
        raise tk.Invalid(
            tk._("Not a valid SIREN number (9 digits, e.g. 213104581): {value}").format(
                value=value
            )
        ) from None


def haute_garonne_siren_unique(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """No two organisations share a SIREN."""
    value = data.get(key)
    if _empty(value) or errors.get(key):
        return
    # The organisation being updated, given by id or by name.
    own = data.get(("id",))
    group = context.get("group") or (model.Group.get(own) if not _empty(own) else None)
    own_id = group.id if group is not None else own
    for group_id, title in compat.groups_with_extra("siren", str(value)):
        if group_id != own_id:
            errors[key].append(
                tk._("This SIREN is already that of {title}.").format(title=title)
            )
            return


def haute_garonne_insee_codes(value: Any, context: Context) -> Any:
    """INSEE codes of existing communes, or of a département, space-separated."""
    if _empty(value):
        return value
    codes = list(dict.fromkeys(_split_codes(value)))
    known = commune_codes()
    bad = [c for c in codes if c not in known and not DEPARTMENT_CODE.match(c)]
    if bad:
        raise tk.Invalid(
            tk._(
                "Not the INSEE code of an existing commune (5 characters, e.g. "
                "31458; not the postcode) or of a département (e.g. 31): {codes}"
            ).format(codes=", ".join(bad))
        )
    return " ".join(codes)


def haute_garonne_count(value: Any, context: Context) -> Any:
    """A whole number, zero or more (population, number of agents)."""
    if _empty(value):
        return value
    text = str(value).strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if not text.isdigit():
        raise tk.Invalid(
            tk._(
                "Enter a whole number, zero or more, without separators: {value}"
            ).format(value=value)
        )
    return int(text)


def haute_garonne_open_data_obligation(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """Computed, never typed: more than 3,500 inhabitants and at least 50
    agents (décret 2016-1922); unknown while a figure is missing."""

    def number(name: str) -> int | None:
        # navl runs fields in alphabetical order: "population" is not
        # converted yet when this field is.
        try:
            value = haute_garonne_count(data.get((name,)), context)
        except tk.Invalid:
            return None
        return value if isinstance(value, int) else None

    population, agents = number("population"), number("agents")
    if (population is not None and population <= OBLIGATION_POPULATION) or (
        agents is not None and agents < OBLIGATION_AGENTS
    ):
        data[key] = False
    elif population is not None and agents is not None:
        data[key] = True
    else:  # unknown until both figures are given
        _drop(key, data)


def haute_garonne_color(value: Any, context: Context) -> Any:
    """A colour as ``#rgb`` or ``#rrggbb``, stored as lowercase ``#rrggbb``."""
    if _empty(value):
        return value
    color = theming.parse_color(value)
    if color is None:
        raise tk.Invalid(
            tk._("A colour is written #rgb or #rrggbb, e.g. #005a8c: {value}").format(
                value=str(value)[:40]
            )
        )
    return color


def _ratio(value: float) -> str:
    """A contrast ratio as the page's language writes it (4,5 in French)."""
    try:
        return format_decimal(value, format="0.0", locale=tk.h.lang() or "en")
    except Exception:  # no request (command line): the portal speaks French
        return format_decimal(value, format="0.0", locale="fr")


def haute_garonne_readable_color(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """A new primary colour must reach a contrast of 4.5:1 (WCAG AA) on the
    white page, where links wear it; the message names the ratio and a
    darker shade that would. A colour kept from before is left alone."""
    value = data.get(key)
    color = theming.parse_color(value)
    if color is None or errors.get(key):
        return
    ratio = theming.contrast(color, theming.WHITE)
    if ratio >= theming.AA:
        return
    own = data.get(("id",))
    group = context.get("group") or (model.Group.get(own) if not _empty(own) else None)
    if (
        group is not None
        and theming.parse_color(group.extras.get(key[-1]) if group.extras else None)
        == color
    ):
        return
    errors[key].append(
        tk._(
            "The colour {color} has a contrast of only {ratio}:1 on a white page, "
            "where links wear it; they need at least {minimum}:1 (WCAG AA) to "
            "stay readable. Choose a darker shade, for example {suggestion}."
        ).format(
            color=color,
            ratio=_ratio(math.floor(ratio * 10) / 10),  # never rounded up to 4.5
            minimum=_ratio(theming.AA),
            suggestion=theming.readable_on_white(color),
        )
    )


def _check_url(value: Any) -> str:
    text = str(value).strip()
    if not _URL.match(text):
        raise tk.Invalid(
            tk._("Only web addresses starting with http:// or https:// are accepted.")
        )
    return text


def haute_garonne_http_url(value: Any, context: Context) -> Any:
    """An http(s) URL, nothing else (no ``javascript:``, no ``data:``)."""
    if _empty(value):
        return value
    return _check_url(value)


def haute_garonne_image_url(value: Any, context: Context) -> Any:
    """An http(s) URL, or the file name CKAN gave an uploaded image."""
    if _empty(value):
        return value
    text = str(value).strip()
    if _UPLOADED.match(text) and ":" not in text:
        return text
    return _check_url(text)


@scheming_validator
def haute_garonne_plain_text(
    field: dict[str, Any], schema: dict[str, Any]
) -> Validator:
    """One line of text, no markup, at most ``max_length`` characters."""
    limit = int(field.get("max_length", 140))

    def validator(value: Any, context: Context) -> Any:
        if _empty(value):
            return value
        text = " ".join(str(value).split())
        if _MARKUP.search(text):
            raise tk.Invalid(
                tk._("The characters < > { } and scripts are not accepted.")
            )
        if len(text) > limit:
            raise tk.Invalid(
                tk._("At most {limit} characters ({length} given).").format(
                    limit=limit, length=len(text)
                )
            )
        return text

    return validator


@scheming_validator
def haute_garonne_choice(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """One of the field's choices, with a message that names them in words."""
    choices = {c["value"]: c["label"] for c in field.get("choices", [])}

    def validator(value: Any, context: Context) -> Any:
        if _empty(value) or value in choices:
            return value
        names = ", ".join(scheming_language_text(label) for label in choices.values())
        raise tk.Invalid(
            tk._("Value not allowed: {value}. Choose one of: {names}.").format(
                value=str(value)[:40], names=names
            )
        )

    return validator


def haute_garonne_iso_datetime(value: Any) -> str:
    """An ISO 8601 date or date and time (e.g. ``2026-01-31`` or
    ``2026-01-31T08:00:00+01:00``), as the UTC date and time Solr reads."""
    text = str(value).strip()
    try:
        parsed = isoparse(text)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError) as e:
        raise tk.Invalid(
            tk._(
                "Not an ISO 8601 date or date and time, e.g. 2026-01-31 or "
                "2026-01-31T08:00:00Z: {value}"
            ).format(value=_echo(text))
        ) from e
    # strftime("%Y") does not pad years before 1000, which Solr refuses.
    return f"{parsed.year:04d}-" + parsed.strftime("%m-%dT%H:%M:%SZ")


# Hostile parameters ----------------------------------------------------------
# Whatever a visitor types in a URL or a form: a 400 or a French error, never a
# 500. PostgreSQL refuses NUL bytes in text, Solr refuses local parameters and
# unbalanced syntax, and page numbers become offsets.

# Page numbers from 1 to this: enough for any list of the portal (the feeds
# give 100 datasets a page), small enough to stay a valid Solr offset.
MAX_PAGE = 100_000

# Solr local parameters ({!lucene}, {!join ...}) anywhere, and CKAN's
# refused magic fields (_val_:, _query_:).
_LOCAL_PARAMS = re.compile(r"\{!")
_MAGIC_FIELDS = re.compile(r"\b_(?:val|query)_\s*:", re.IGNORECASE)


def _echo(value: Any) -> str:
    """A value quoted back in a message, cut short."""
    text = str(value).replace(NUL, "")
    return text if len(text) <= 40 else text[:40] + "…"


def haute_garonne_no_nul_bytes(value: Any, context: Context) -> Any:
    """Refuse text holding a NUL byte (PostgreSQL cannot store it)."""
    if contains_nul(value):
        raise tk.Invalid(nul_byte_message())
    return value


def haute_garonne_page_number(value: Any, context: Context) -> int:
    """A page number: a whole number from 1 to ``MAX_PAGE``."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_PAGE)):
        number = int(text)
        if 1 <= number <= MAX_PAGE:
            return number
    raise tk.Invalid(
        tk._("The page number must be a whole number from 1 to {max}: {value}").format(
            max=MAX_PAGE, value=_echo(text)
        )
    )


def haute_garonne_search_query(value: Any, context: Context) -> Any:
    """A search query as visitors may write it: words, phrases and fields
    (``organization:roques``), but no Solr local parameters (``{!...}``) nor
    function queries, and no NUL byte."""
    if _empty(value):
        return value
    if not isinstance(value, str):
        raise tk.Invalid(tk._("The search query must be text."))
    if _LOCAL_PARAMS.search(value) or _MAGIC_FIELDS.search(value):
        raise tk.Invalid(
            tk._(
                "This search query is not accepted: the syntax {!...}, _val_: "
                'and _query_: is reserved. Search with words, "a phrase" or '
                "field:value."
            )
        )
    if NUL in value:
        raise tk.Invalid(nul_byte_message())
    return value


def haute_garonne_resource_file(
    key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context
) -> None:
    """A file of an SCDL dataset is an upload, an http(s) link or an online
    table (the Table Designer's): never nothing (a distribution without an address breaks DCAT-AP's
    ``dcat:accessURL``), nor a link the portal cannot fetch to validate."""
    value = data.get(key)
    text = "" if _empty(value) else str(value).strip()
    url_type = data.get((*key[:-1], "url_type"))
    if url_type == "upload" and text:
        return
    if url_type == "tabledesigner":
        return  # an online table: the portal makes its file (entry/)
    with contextlib.suppress(ValueError):  # e.g. "http://[" (a broken IPv6)
        parsed = urlparse(text)
        if parsed.scheme.lower() in ("http", "https") and parsed.netloc:
            return
    errors[key].append(
        tk._(
            "Upload the file, or give the web address (starting with http:// "
            "or https://) where it is published."
        )
    )
    raise StopOnError
