"""Matching the header of a file with the columns of a Table Schema.

Pure module: no CKAN import.

Columns are matched **by name**, not by position (unlike frictionless'
default): a column in another place is found and checked, and the order is
only reported as a warning (``header-order``). A name that differs from the
standard only by case, accents, spaces, underscores or hyphens is matched too,
but reported as an error (``header-mismatch``) with the expected spelling,
because other tools (data.gouv.fr, Validata) compare names exactly. Any other
name is an unknown column (``extra-header``), with a suggestion when it looks
like a misspelt column of the standard; the standard's columns left unmatched
are ``missing-header`` (required column, error) or
``missing-optional-header`` (optional column, warning).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ckanext.haute_garonne.validation.compile import CompiledSchema
from ckanext.haute_garonne.validation.i18n import _
from ckanext.haute_garonne.validation.messages import quote
from ckanext.haute_garonne.validation.read import normalise_name

# (type, field, value, message)
HeaderProblem = tuple[str, "str | None", "str | None", str]


@dataclass
class HeaderMatch:
    columns: dict[str, int] = field(default_factory=dict)  # field -> file column
    problems: list[HeaderProblem] = field(default_factory=list)
    known: int = 0  # columns recognised, exactly or not


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _where(index: int) -> str:
    return _("column no. {number} ({letter})").format(
        number=index + 1, letter=column_letter(index)
    )


def _tokens(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return tuple(sorted(normalise_name(t) for t in re.split(r"[\s_\-]+", spaced) if t))


def _suggest(label: str, candidates: list[str]) -> str | None:
    if not candidates:
        return None
    tokens = _tokens(label)
    for name in candidates:
        if _tokens(name) == tokens:
            return name
    normalised = {normalise_name(n): n for n in candidates}
    close = difflib.get_close_matches(
        normalise_name(label), list(normalised), n=1, cutoff=0.8
    )
    return normalised[close[0]] if close else None


def match_header(labels: list[str], schema: CompiledSchema) -> HeaderMatch:
    result = HeaderMatch()
    labels = [str(label) for label in labels]
    if labels:
        labels[0] = labels[0].lstrip("\ufeff")
    by_name = schema.by_name
    columns = result.columns
    problems = result.problems
    used: set[int] = set()
    blank: set[int] = set()

    for index, label in enumerate(labels):
        if not label.strip():
            blank.add(index)
            problems.append(
                (
                    "blank-header",
                    None,
                    None,
                    _(
                        "Column no. {number} ({letter}) has no name in the header "
                        "row: give it the name of a column of the standard, or "
                        "delete it if it is empty."
                    ).format(number=index + 1, letter=column_letter(index)),
                )
            )

    # Exact names first.
    for index, label in enumerate(labels):
        if index in blank or label not in by_name:
            continue
        if label in columns:
            used.add(index)
            problems.append(
                (
                    "duplicate-header",
                    label,
                    label,
                    _(
                        "The column {column} appears twice ({first} and {second}): "
                        "only the first one was checked. Delete or rename the other."
                    ).format(
                        column=quote(label),
                        first=_where(columns[label]),
                        second=_where(index),
                    ),
                )
            )
            continue
        columns[label] = index
        used.add(index)

    # Then names that differ only by case, accents, spaces, "_" or "-".
    remaining: dict[str, str] = {}
    collisions: set[str] = set()
    for field_ in schema.fields:
        key = normalise_name(field_.name)
        if key in remaining:
            collisions.add(key)
        remaining[key] = field_.name
    for index, label in enumerate(labels):
        if index in used or index in blank:
            continue
        key = normalise_name(label)
        name = remaining.get(key)
        if name is None or key in collisions:
            continue
        if name in columns:
            used.add(index)
            problems.append(
                (
                    "duplicate-header",
                    name,
                    label,
                    _(
                        "The column {column} ({where}) repeats the column {name} "
                        "already present ({first}): only the first one was checked. "
                        "Delete or rename the other."
                    ).format(
                        column=quote(label),
                        where=_where(index),
                        name=quote(name),
                        first=_where(columns[name]),
                    ),
                )
            )
            continue
        columns[name] = index
        used.add(index)
        problems.append(
            (
                "header-mismatch",
                name,
                label,
                _(
                    "The column {column} must be spelt exactly {name} (capital "
                    "letters, accents, spaces and underscores count). The portal "
                    "recognised it and checked its values, but rename it."
                ).format(column=quote(label), name=quote(name)),
            )
        )

    missing = [f.name for f in schema.fields if f.name not in columns]
    for index, label in enumerate(labels):
        if index in used or index in blank:
            continue
        suggestion = _suggest(label, missing)
        if suggestion:
            text = _(
                "The column {column} ({where}) is not part of the standard: delete "
                "it, or rename it if it matches a column of the standard. Did you "
                "mean {suggestion}?"
            ).format(
                column=quote(label), where=_where(index), suggestion=quote(suggestion)
            )
        else:
            text = _(
                "The column {column} ({where}) is not part of the standard: delete "
                "it, or rename it if it matches a column of the standard."
            ).format(column=quote(label), where=_where(index))
        problems.append(("extra-header", label, label, text))

    for name in missing:
        field_ = by_name[name]
        if field_.required:
            problems.append(
                (
                    "missing-header",
                    name,
                    None,
                    _(
                        "The required column {column} is missing. Add it, with this "
                        "exact name, and fill it in on every row."
                    ).format(column=quote(name)),
                )
            )
        else:
            problems.append(
                (
                    "missing-optional-header",
                    name,
                    None,
                    _(
                        "The optional column {column} is missing: the standard asks "
                        "for all its columns, even empty ones. Add it, leaving its "
                        "cells empty if you do not have the information."
                    ).format(column=quote(name)),
                )
            )

    # Order of the columns found, compared with the standard's.
    found = sorted(columns.items(), key=lambda item: item[1])
    positions = [by_name[name].position for name, _index in found]
    for (before, _i1), (after, _i2), p1, p2 in zip(
        found, found[1:], positions, positions[1:], strict=False
    ):
        if p1 > p2:
            problems.append(
                (
                    "header-order",
                    after,
                    None,
                    _(
                        "The columns are not in the order of the standard (for "
                        "example, {after} should come before {before}). They were "
                        "recognised by their name and checked; put them back in the "
                        "order of the template."
                    ).format(after=quote(after), before=quote(before)),
                )
            )
            break
    result.known = len(columns)
    return result
