"""The SCDL custom checks (``custom_checks`` of our schemas), the INSEE
commune code checks and the plausibility of coordinates.

Pure module: no CKAN import. Frictionless ignores ``custom_checks`` (a Validata
extension); they are implemented here with Validata's semantics
(datagouv/validata.etalab.studio, ``validata_core/custom_checks``) where the
check comes from Validata, and with the meaning given by the check's French
message in our schema otherwise. Every check works on a batch of rows, column
by column (see ``Batch``), and skips a cell that already failed its own
column's check (a bad date is reported once, not once more by
``compare-columns-value``). Each error has the check's name as its type and
a message that starts with what was found (translated: see ``i18n``), then
repeats the schema's message (what is expected: French data of our schema
files, not translated).

A check judges each distinct *key* of a batch once (``Check.problem``): the
value of a cell, or the tuple of the values it reads on a row; ``Check.report``
then reports every row of a key found wrong.

Which names are implemented: see ``CHECKS``. A name missing there is skipped
(``build_checks`` returns it in ``unknown``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from importlib import resources
from typing import Any, cast

from stdnum.fr import siret as stdnum_siret

from ckanext.haute_garonne.validation import territory
from ckanext.haute_garonne.validation.compile import (
    ABSENT,
    CompiledField,
    CompiledSchema,
)
from ckanext.haute_garonne.validation.hints import fold, siret_suggestion
from ckanext.haute_garonne.validation.i18n import N_, _, ngettext
from ckanext.haute_garonne.validation.messages import QUOTE_LIMIT, clip, quote

CACHE_SIZE = 8192
GROUP_LIMIT = 200_000

# (row index in the batch, field, value, message)
Found = tuple[int, "str | None", "str | None", str]


@dataclass
class Batch:
    """A block of rows, by column: ``cols[field]`` holds the text of the
    field's cell on each row; ``bad[field]`` the rows whose cell failed the
    field's own check; ``rows[i]`` the line number of row ``i``."""

    cols: dict[str, tuple[str, ...]]
    bad: dict[str, set[int]]
    rows: list[int]
    n: int


def _valued(value: str | None, field: CompiledField | None) -> bool:
    if value is None or value == ABSENT:
        return False
    if field is None:
        return value != ""
    return value not in field.missing


def _column(batch: Batch, name: str) -> tuple[str, ...]:
    """The cells of a column; a column absent from the file reads as empty."""
    col = batch.cols.get(name)
    return col if col is not None else ("",) * batch.n


class _Rows:
    """The tuple of the values of some columns on each row: iterable more than
    once, and without keeping a tuple per row."""

    def __init__(self, cols: Sequence[Sequence[str]]) -> None:
        self.cols = cols

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return zip(*self.cols, strict=False)


def _rows(batch: Batch, names: Sequence[str]) -> _Rows:
    """The values of the columns ``names`` on each row."""
    return _Rows([_column(batch, n) for n in names])


def _emit(
    column: str | None,
    keys: Iterable[Any],
    found: dict[Any, tuple[str | None, str]],
    skipped: Collection[int] = (),
) -> Iterator[Found]:
    """One error per row whose key is in ``found`` (key -> value reported,
    message), but for the ``skipped`` rows."""
    for i, key in enumerate(keys):
        if key in found and i not in skipped:
            value, message = found[key]
            yield i, column, value, message


class Check:
    """A custom check. ``columns`` are the fields it reads; the check is run
    only when its main column (the first) is in the file (every column, with
    ``needs_all``).

    By default a check reads on each row the values of its ``columns`` (a
    tuple: the key of the row), judges each distinct key with ``problem`` and
    reports the main column, with the main value (no value, without
    ``shows_value``). ``skip`` says whose failed cells make it pass over a row:
    the main column's ("main"), every column's ("all") or none (None)."""

    name = ""
    others = ""  # the parameter naming the columns read after "column"
    needs_all = False
    skip: str | None = "main"
    shows_value = True

    def __init__(
        self,
        params: dict[str, Any],
        message: str,
        schema: CompiledSchema,
        severity: str = "error",
    ) -> None:
        self.params = params
        self.message = message
        self.schema = schema
        self.severity = severity

    @property
    def type(self) -> str:
        """The error type it reports: its name, or ``<name>-warning`` for a
        check declared with ``"severity": "warning"`` (reported, but the file
        stays valid)."""
        return f"{self.name}-warning" if self.severity == "warning" else self.name

    @property
    def columns(self) -> list[str]:
        if self.others:
            return [self.params["column"], *self.params.get(self.others, [])]
        return [self.params["column"]]

    @cached_property
    def fields(self) -> list[CompiledField | None]:
        return [self.field(c) for c in self.columns]

    def field(self, name: str) -> CompiledField | None:
        return self.schema.by_name.get(name)

    def applicable(self, batch_columns: set[str]) -> bool:
        columns = self.columns
        return all(c in self.schema.by_name for c in columns) and (
            all(c in batch_columns for c in columns)
            if self.needs_all
            else columns[0] in batch_columns
        )

    def absent(self, present: set[str]) -> str | None:
        """The message for a file whose header lacks the columns the check
        needs, reported once for the header; None when the rows can say."""
        return None

    def run(self, batch: Batch) -> Iterator[Found]:
        names = self.columns
        yield from self.report(names[0], _rows(batch, names), self.skipped(batch))

    def problem(self, key: Any) -> str | None:  # pragma: no cover - abstract
        """The message for a key found wrong, None for a right one."""
        raise NotImplementedError

    def skipped(self, batch: Batch) -> Collection[int]:
        if self.skip is None:
            return ()
        if self.skip == "all":
            return set().union(*(batch.bad.get(c, ()) for c in self.columns))
        return batch.bad.get(self.columns[0], ())

    def judge(self, candidates: Iterable[Any]) -> dict[Any, tuple[str | None, str]]:
        """key -> (value reported, message) for each candidate with a problem."""
        problem, shown = self.problem, self.shown
        return {key: (shown(key), m) for key in candidates if (m := problem(key))}

    def report(
        self,
        column: str,
        keys: Iterable[Any],
        skipped: Collection[int],
        candidates: Iterable[Any] | None = None,
    ) -> Iterator[Found]:
        """The errors of the rows whose key has a problem, judged once per
        distinct key: of the ``candidates`` when given, else of the rows not
        skipped."""
        if candidates is None:
            candidates = (
                {k for i, k in enumerate(keys) if i not in skipped}
                if skipped
                else set(keys)
            )
        found = self.judge(candidates)
        if found:
            yield from _emit(column, keys, found, skipped)

    def shown(self, key: Any) -> str | None:
        if not self.shows_value:
            return None
        return key[0] if isinstance(key, tuple) else key

    def say(self, detail: str) -> str:
        return f"{detail} {self.message}".strip()


class ValueCheck(Check):
    """A check of each filled cell of the main column on its own (the key is
    the value), only on the rows where the column of the ``when`` parameter,
    if any, equals its ``equals``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        when = self.params.get("when") or {}
        self.when_column = when.get("column")
        self.when_value = when.get("equals")

    def run(self, batch: Batch) -> Iterator[Found]:
        column = self.params["column"]
        col = batch.cols[column]
        field = self.fields[0]
        found = self.judge(v for v in set(col) if _valued(v, field))
        if not found:
            return
        keys: Sequence[str | None] = col
        condition = batch.cols.get(self.when_column) if self.when_column else None
        if condition is not None:
            keys = [
                v if c == self.when_value else None
                for v, c in zip(col, condition, strict=False)
            ]
        yield from _emit(column, keys, found, batch.bad.get(column, ()))


class FrenchSiret(ValueCheck):
    name = "french-siret-value"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cache: dict[str, bool] = {}

    @property
    def columns(self) -> list[str]:
        return [self.params["column"]] + (
            [self.when_column] if self.when_column else []
        )

    def valid(self, value: str) -> bool:
        known = self._cache.get(value)
        if known is None:
            known = (
                len(value) == 14
                and value.isascii()
                and value.isdigit()
                and stdnum_siret.is_valid(value)
            )
            if len(self._cache) < CACHE_SIZE:
                self._cache[value] = known
        return known

    def problem(self, value: str) -> str | None:
        return None if self.valid(value) else self._explain(value)

    def _explain(self, value: str) -> str:
        text = value.strip()
        found = siret_suggestion(value)
        shown = quote(value)
        if found and found[0] == "float-siret":
            text = _(
                "The value {value} is a SIRET number saved as a decimal number by a "
                "spreadsheet: a SIRET is written with 14 digits, without a dot or an "
                "exponent."
            ).format(value=shown)
            if found[1]:
                return _("{message} Write instead: {suggestion}.").format(
                    message=text, suggestion=found[1]
                )
            return text
        if found and found[0] == "siret-spaces":
            return _(
                "The value {value} is not written as a SIRET: the 14 digits must be "
                "together, without spaces or dots. Write instead: {suggestion}."
            ).format(value=shown, suggestion=found[1])
        if found and found[0] == "siren-not-siret":
            return _(
                "The value {value} has only 9 digits: it is a SIREN number. Give the "
                "SIRET of the establishment (14 digits), which you will find on "
                "annuaire-entreprises.data.gouv.fr."
            ).format(value=shown)
        if not (len(text) == 14 and text.isdigit()):
            return _(
                "The value {value} is not a SIRET number: exactly 14 digits are "
                "needed, without spaces, dots or letters."
            ).format(value=shown)
        return self.say(
            _("The number {value} is not a valid SIRET.").format(value=shown)
        )


class OneOfRequired(Check):
    name = "one-of-required"
    skip = None
    shows_value = False

    @property
    def columns(self) -> list[str]:
        return [self.params["column1"], self.params["column2"]]

    def applicable(self, batch_columns: set[str]) -> bool:
        # Both columns absent: said once, for the header (``absent``).
        return all(c in self.schema.by_name for c in self.columns) and any(
            c in batch_columns for c in self.columns
        )

    def absent(self, present: set[str]) -> str | None:
        columns = self.columns
        if not all(c in self.schema.by_name for c in columns) or any(
            c in present for c in columns
        ):
            return None
        return self.say(
            _(
                "Neither the column {first} nor the column {second} is in the "
                "file, whereas the standard asks for one of the two on every row. "
                "Add them, and fill in at least one of them on each row."
            ).format(first=columns[0], second=columns[1])
        )

    def run(self, batch: Batch) -> Iterator[Found]:
        cols = [_column(batch, c) for c in self.columns]
        # Only a row whose two cells hold empty values can be wrong.
        empty1, empty2 = (
            {v for v in set(col) if not _valued(v, f)}
            for col, f in zip(cols, self.fields, strict=False)
        )
        if not (empty1 and empty2):
            return
        rows = _Rows(cols)
        candidates = {(a, b) for a, b in rows if a in empty1 and b in empty2}
        yield from self.report(self.columns[0], rows, (), candidates)

    def problem(self, pair: tuple[str, str]) -> str | None:
        (a, b), (f1, f2) = pair, self.fields
        if _valued(a, f1) or _valued(b, f2):
            return None
        first, second = self.columns
        return self.say(
            _("The columns {first} and {second} are both empty.").format(
                first=first, second=second
            )
        )


class CohesiveColumns(Check):
    """The columns are all filled in, or all empty, on each row. A column
    absent from the file is empty on every row: the others must be empty
    too."""

    name = "cohesive-columns-value"
    others = "othercolumns"
    skip = None
    shows_value = False
    missing: frozenset[str] = frozenset()  # the columns absent from the file

    def applicable(self, batch_columns: set[str]) -> bool:
        columns = self.columns
        return all(c in self.schema.by_name for c in columns) and any(
            c in batch_columns for c in columns
        )

    def run(self, batch: Batch) -> Iterator[Found]:
        self.missing = frozenset(c for c in self.columns if c not in batch.cols)
        # Fast path: every column empty on every row, or filled on every row.
        distincts = [set(_column(batch, n)) for n in self.columns]
        empties = [
            {v for v in d if not _valued(v, f)}
            for d, f in zip(distincts, self.fields, strict=False)
        ]
        if all(d <= e for d, e in zip(distincts, empties, strict=False)) or not any(
            empties
        ):
            return
        yield from super().run(batch)

    def problem(self, values: tuple[str, ...]) -> str | None:
        names = self.columns
        states = [_valued(v, f) for v, f in zip(values, self.fields, strict=False)]
        if not any(states) or all(states):
            return None
        filled = [n for n, s in zip(names, states, strict=False) if s]
        missing = [n for n in names if n in self.missing]
        empty = [
            n
            for n, s in zip(names, states, strict=False)
            if not s and n not in self.missing
        ]
        filled_text = ngettext(
            "{columns} is filled in", "{columns} are filled in", len(filled)
        ).format(columns=", ".join(filled))
        empty_text = ngettext(
            "{columns} is empty", "{columns} are empty", len(empty)
        ).format(columns=", ".join(empty))
        if missing:
            missing_text = ngettext(
                "{columns} is missing from the file",
                "{columns} are missing from the file",
                len(missing),
            ).format(columns=", ".join(missing))
            empty_text = (
                # TRANSLATORS: "{empty} are empty and {missing} are missing…"
                _("{empty} and {missing}").format(
                    empty=empty_text, missing=missing_text
                )
                if empty
                else missing_text
            )
        return self.say(
            # TRANSLATORS: "{filled} is filled in", "{empty} are empty"
            _("On this row, {filled} but {empty}.").format(
                filled=filled_text, empty=empty_text
            )
        )


_OPERATORS = {
    ">": (lambda a, b: a > b, N_("greater than")),
    ">=": (lambda a, b: a >= b, N_("greater than or equal to")),
    "==": (lambda a, b: a == b, N_("equal to")),
    "<=": (lambda a, b: a <= b, N_("less than or equal to")),
    "<": (lambda a, b: a < b, N_("less than")),
}


class CompareColumns(Check):
    name = "compare-columns-value"
    needs_all = True
    skip = "all"

    @property
    def columns(self) -> list[str]:
        return [self.params["column"], self.params["column2"]]

    def problem(self, pair: tuple[str, str]) -> str | None:
        (first, second), (a, b) = self.columns, pair
        compare, words = _OPERATORS.get(self.params.get("op", ">="), _OPERATORS[">="])
        f1, f2 = self.fields
        if f1 is None or f2 is None:  # a column the schema lacks
            return None
        x, y = f1.parse(a), f2.parse(b)
        if x is None or y is None:
            return None
        try:
            ok = compare(x, y)
        except TypeError:
            return None
        if ok:
            return None
        return self.say(
            _(
                "{first} is {a} and {second} is {b}: {first} should be {relation} "
                "{second}."
            ).format(
                first=first, a=quote(a), second=second, b=quote(b), relation=_(words)
            )
        )


class SumColumns(Check):
    name = "sum-columns-value"
    others = "columns"
    needs_all = True
    skip = "all"

    def problem(self, values: tuple[str, ...]) -> str | None:
        total_name, *parts = self.columns
        numbers = [
            f.parse(v) if f else None for f, v in zip(self.fields, values, strict=False)
        ]
        if any(n is None for n in numbers):
            return None
        total, *addends = cast(list[float], numbers)
        if sum(addends) == total:
            return None
        detail = " + ".join(
            f"{n} ({clip(v, QUOTE_LIMIT)})"
            for n, v in zip(parts, values[1:], strict=False)
        )
        return self.say(
            _("{detail} = {sum}, but {total} is {value}.").format(
                detail=detail,
                sum=clip(str(sum(addends)), QUOTE_LIMIT),
                total=total_name,
                value=clip(values[0], QUOTE_LIMIT),
            )
        )


class YearInterval(Check):
    name = "year-interval-value"

    def run(self, batch: Batch) -> Iterator[Found]:
        column = self.params["column"]
        yield from self.report(column, batch.cols[column], self.skipped(batch))

    def problem(self, value: str) -> str | None:
        if not _valued(value, self.fields[0]):
            return None
        allow_year = str(self.params.get("allow-year-only", "")).lower() in (
            "yes",
            "true",
        )
        problem = self._problem(value, allow_year)
        return self.say(problem) if problem else None

    @staticmethod
    def _problem(value: str, allow_year: bool) -> str | None:
        first, slash, second = value.partition("/")
        if not slash:
            if allow_year and len(value) == 4 and value.isdigit():
                return None
            return _("The value {value} is not a year or a YYYY/YYYY period.").format(
                value=quote(value)
            )
        if not (
            len(first) == len(second) == 4 and first.isdigit() and second.isdigit()
        ):
            return _("The value {value} is not a YYYY/YYYY period.").format(
                value=quote(value)
            )
        if first == second:
            return _("The period {value} repeats the same year.").format(
                value=quote(value)
            )
        if int(first) > int(second):
            return _(
                "In the period {value}, the second year comes before the first."
            ).format(value=quote(value))
        return None


# The level-1 themes of the ACTES nomenclature: French data, that files must
# follow whatever the language of the messages (not translated).
ACTES_LEVEL_1 = {
    "1": "commande publique",
    "2": "urbanisme",
    "3": "domaine et patrimoine",
    "4": "fonction publique",
    "5": "institutions et vie politique",
    "6": "libertés publiques et pouvoirs de police",
    "7": "finances locales",
    "8": "domaines de compétences par thèmes",
    "9": "autres domaines de compétences",
}
_ACTES_FOLDED = {fold(label): digit for digit, label in ACTES_LEVEL_1.items()}


def _slash_spaces_message() -> str:
    return _("In {name}, the slash must be neither preceded nor followed by a space.")


class NomenclatureActes(Check):
    """DELIB_MATIERE_NOM starts with an ACTES level-1 theme (case and accents
    ignored, as Validata does), then "/" without spaces around, then the
    level-2 subject; and the theme is the one of the first digit of the
    matière code (DELIB_MATIERE_CODE, or the ``code_column`` parameter)."""

    name = "nomenclature-actes-value"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code_column = self.params.get("code_column", "DELIB_MATIERE_CODE")
        self._cache: dict[tuple[str, str], str | None] = {}

    def run(self, batch: Batch) -> Iterator[Found]:
        column = self.params["column"]
        codes = _column(batch, self.code_column)
        bad_codes = batch.bad.get(self.code_column, ())
        if bad_codes:  # a code that failed its own check is not compared
            codes = tuple("" if i in bad_codes else c for i, c in enumerate(codes))
        keys = _Rows([batch.cols[column], codes])
        yield from self.report(column, keys, self.skipped(batch))

    def problem(self, key: tuple[str, str]) -> str | None:
        if not _valued(key[0], self.fields[0]):
            return None
        if key in self._cache:
            return self._cache[key]
        problem = self._problem(*key)
        if len(self._cache) < CACHE_SIZE:
            self._cache[key] = problem
        return problem

    def _problem(self, name: str, code: str) -> str | None:
        level_1, slash, level_2 = name.partition("/")
        if not slash:
            return self.say(
                _(
                    "In {name}, the slash “/” between the theme and the sub-theme is "
                    "missing."
                ).format(name=quote(name))
            )
        digit = _ACTES_FOLDED.get(fold(level_1))
        if digit is None:
            if _ACTES_FOLDED.get(fold(level_1.strip())) is None:
                themes = ", ".join(ACTES_LEVEL_1.values())
                return self.say(
                    _(
                        "The theme {theme} is not a level-1 theme of the ACTES "
                        "nomenclature (which are: {themes})."
                    ).format(theme=quote(level_1), themes=themes)
                )
            return self.say(_slash_spaces_message().format(name=quote(name)))
        if level_2 != level_2.lstrip():
            return self.say(_slash_spaces_message().format(name=quote(name)))
        if not level_2.strip():
            return self.say(
                _("In {name}, the sub-theme is missing after the slash.").format(
                    name=quote(name)
                )
            )
        if code and code[0] in ACTES_LEVEL_1 and code[0] != digit:
            return _(
                "The subject code {code} belongs to the theme {code_theme}, but the "
                "subject name {name} starts with the theme {name_theme} (codes "
                "{digit}.x): the subject code and name must designate the same "
                "subject."
            ).format(
                code=quote(code),
                code_theme=quote(ACTES_LEVEL_1[code[0]]),
                name=quote(name),
                name_theme=quote(ACTES_LEVEL_1[digit]),
                digit=digit,
            )
        return None


class DateNotInFuture(Check):
    name = "date-not-in-future-value"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = date.today()

    def run(self, batch: Batch) -> Iterator[Found]:
        column = self.params["column"]
        col = batch.cols[column]
        yield from self.report(column, col, self.skipped(batch), set(col))

    def problem(self, value: str) -> str | None:
        field = self.fields[0]
        if field is None:  # a column the schema lacks
            return None
        parsed = field.parse(value)
        if not (isinstance(parsed, date) and parsed > self.today):
            return None
        return self.say(
            _("The date {value} is later than today ({today}).").format(
                value=quote(value), today=self.today.isoformat()
            )
        )


class DecimalPoint(Check):
    name = "decimal-point-value"

    @property
    def columns(self) -> list[str]:
        return list(self.params.get("columns", []))

    def applicable(self, batch_columns: set[str]) -> bool:
        return any(c in batch_columns for c in self.columns)

    def run(self, batch: Batch) -> Iterator[Found]:
        for column in self.columns:
            col = batch.cols.get(column)
            if col is None:
                continue
            wrong = {v for v in set(col) if "," in v or " " in v or "\t" in v}
            yield from self.report(column, col, batch.bad.get(column, ()), wrong)

    def problem(self, value: str) -> str | None:
        if value == ABSENT:
            return None
        fixed = value.strip().replace(" ", "").replace(",", ".")
        return self.say(
            _(
                "The value {value} does not use the decimal point: write {fixed}."
            ).format(value=quote(value), fixed=clip(fixed, QUOTE_LIMIT))
        )


class SameValuePerGroup(Check):
    """Within a file, every row of a group (same values in ``group_by``) has
    the same value in ``column``. Memory grows with the number of groups, not
    of rows, and at most ``GROUP_LIMIT`` groups are followed."""

    name = "same-value-per-group"
    others = "group_by"
    needs_all = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: dict[tuple[str, ...], tuple[str, int]] = {}

    def run(self, batch: Batch) -> Iterator[Found]:
        column, *group_by = self.columns
        field = self.fields[0]
        values = batch.cols[column]
        keys = list(_rows(batch, group_by))
        bad = batch.bad.get(column, ())
        bad_values = {values[i] for i in bad}
        groups = self.groups
        # Work on the distinct (group, value) pairs of the batch.
        conflicts: set[tuple[tuple[str, ...], str]] = set()
        new: dict[tuple[str, ...], set[str]] = {}
        for key, value in set(zip(keys, values, strict=False)):
            if value in bad_values or not _valued(value, field):
                continue
            if not all(key) or ABSENT in key:
                continue
            seen = groups.get(key)
            if seen is None:
                new.setdefault(key, set()).add(value)
            elif seen[0] != value:
                conflicts.add((key, value))
        if new:
            first: dict[tuple[str, ...], tuple[str, int]] = {}
            for i, (key, value) in enumerate(zip(keys, values, strict=False)):
                if key in new and key not in first and value in new[key]:
                    first[key] = (value, batch.rows[i])
            for key, (value, row) in first.items():
                if len(groups) < GROUP_LIMIT:
                    groups[key] = (value, row)
                conflicts.update((key, other) for other in new[key] if other != value)
        if conflicts:
            pairs = _Rows([cast(Sequence[str], keys), values])
            yield from _emit(column, pairs, self.judge(conflicts), bad)

    def problem(self, pair: tuple[tuple[str, ...], str]) -> str | None:
        key, value = pair
        seen = self.groups.get(key)
        group = " / ".join(clip(k, QUOTE_LIMIT) for k in key)
        if seen:
            return self.say(
                _(
                    "The value {value} differs from that of the other rows of the "
                    "same group ({group}): {first}, line {row}."
                ).format(
                    value=quote(value), group=group, first=quote(seen[0]), row=seen[1]
                )
            )
        return self.say(
            _(
                "The value {value} differs from that of the other rows of the same "
                "group ({group})."
            ).format(value=quote(value), group=group)
        )

    def shown(self, pair: tuple[tuple[str, ...], str]) -> str:
        return pair[1]


class CadastreParcelCommune(Check):
    name = "cadastre-parcel-commune-value"
    others = "insee_columns"

    def applicable(self, batch_columns: set[str]) -> bool:
        return (
            self.columns[0] in batch_columns and self.columns[0] in self.schema.by_name
        )

    def run(self, batch: Batch) -> Iterator[Found]:
        column = self.columns[0]
        field = self.fields[0]
        absent = field.absent if field else frozenset({"", ABSENT})
        items = _rows(batch, self.columns)
        candidates = {item for item in set(items) if item[0] not in absent}
        yield from self.report(column, items, self.skipped(batch), candidates)

    def problem(self, item: tuple[str, ...]) -> str | None:
        """Says the first parcel of the cell outside the row's communes."""
        communes = {c.strip() for c in item[1:] if c and c != ABSENT}
        if not communes:
            return None
        for parcel in item[0].split("|"):
            if len(parcel) < 6 or (parcel[0:2] + parcel[3:6]) not in communes:
                return self.say(
                    _("The parcel {parcel} is not in the commune {communes}.").format(
                        parcel=quote(parcel),
                        # TRANSLATORS: joins the INSEE codes of the communes of a row
                        communes=_(" nor ").join(
                            clip(c, QUOTE_LIMIT) for c in sorted(communes)
                        ),
                    )
                )
        return None


class BalCleInterop(Check):
    name = "bal-cle-interop-value"

    @property
    def columns(self) -> list[str]:
        p = self.params
        return [
            p["column"],
            p.get("insee_column", "commune_insee"),
            p.get("number_column", "numero"),
        ]

    def run(self, batch: Batch) -> Iterator[Found]:
        names = [*self.columns, self.params.get("suffix_column", "suffixe")]
        yield from self.report(names[0], _rows(batch, names), self.skipped(batch))

    def problem(self, key: tuple[str, str, str, str]) -> str | None:
        cle, insee, number_text, suffix_text = key
        if not _valued(cle, self.fields[0]):
            return None
        parts = cle.lower().split("_")
        problems = []
        code = insee.strip().lower()
        if code and code != ABSENT and parts[0] != code:
            problems.append(
                _("it should start with the INSEE code {insee}").format(
                    insee=clip(insee, QUOTE_LIMIT)
                )
            )
        number_field = self.fields[2]
        number = number_field.parse(number_text) if number_field else None
        if number is not None and (len(parts) < 3 or parts[2] != f"{number:05d}"):
            problems.append(
                _("the number should be written {number} in it").format(
                    number=f"{number:05d}"
                )
            )
        suffix = suffix_text.strip().lower() if suffix_text != ABSENT else ""
        if suffix and (len(parts) < 4 or parts[3] != suffix):
            problems.append(
                _("it should end with _{suffix}").format(
                    suffix=clip(suffix, QUOTE_LIMIT)
                )
            )
        if not problems:
            return None
        return self.say(
            _("The key {key} does not match the row: {problems}.").format(
                # TRANSLATORS: separates the problems of an interoperability key
                key=quote(cle),
                problems=_("; ").join(problems),
            )
        )


class ConcatenatedColumns(Check):
    name = "concatenated-columns-value"
    others = "columns"
    needs_all = True

    def run(self, batch: Batch) -> Iterator[Found]:
        rows = _rows(batch, self.columns)
        # Only a row whose value is not the others joined can be wrong.
        candidates = {k for k in rows if k[0] != "".join(k[1:])}
        yield from self.report(self.columns[0], rows, self.skipped(batch), candidates)

    def problem(self, values: tuple[str, ...]) -> str | None:
        if not all(_valued(v, f) for v, f in zip(values, self.fields, strict=False)):
            return None
        expected = "".join(values[1:])
        if values[0] == expected:
            return None
        return self.say(
            _("The value {value} should be {expected}.").format(
                value=quote(values[0]), expected=quote(expected)
            )
        )


CHECKS: dict[str, type[Check]] = {
    cls.name: cls
    for cls in (
        FrenchSiret,
        OneOfRequired,
        CohesiveColumns,
        CompareColumns,
        SumColumns,
        YearInterval,
        NomenclatureActes,
        DateNotInFuture,
        DecimalPoint,
        SameValuePerGroup,
        CadastreParcelCommune,
        BalCleInterop,
        ConcatenatedColumns,
    )
}


# INSEE commune codes ---------------------------------------------------------

# Columns that hold the INSEE code of a commune, by standard: ``when``, a
# condition on another column of the row; ``prefix``, the code is the start
# of the value (an identifier built on it); ``delegated``, the code may also
# be that of a commune déléguée or associée; ``severity``: "warning" for a
# plausibility check the standard itself does not make (the file stays
# valid), "error" (default) for a code the standard asks to be a commune's.
COMMUNE_CODE_COLUMNS: dict[str, list[dict[str, Any]]] = {
    "prenoms": [{"column": "COLL_INSEE"}],
    "bal": [
        {"column": "commune_insee"},
        {"column": "commune_deleguee_insee", "delegated": True, "severity": "warning"},
    ],
    "decp-table": [
        {
            "column": "lieuExecution_code",
            "when": {"column": "lieuExecution_typeCode", "equals": "Code commune"},
        }
    ],
    "equipements": [{"column": "EQUIP_UID", "prefix": 5, "severity": "warning"}],
}


def _codes(name: str) -> frozenset[str]:
    """The INSEE codes of a list shipped with the engine (``communes.txt``,
    ``communes_deleguees.txt``): one line per two-character prefix, then the
    three-character ends."""
    text = (
        resources.files("ckanext.haute_garonne.validation")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    codes: set[str] = set()
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        prefix, _sep, ends = line.partition(" ")
        codes.update(prefix + end for end in ends.split())
    return frozenset(codes)


@cache
def commune_codes() -> frozenset[str]:
    """Current INSEE codes of the communes (and of the municipal
    arrondissements of Paris, Lyon and Marseille), from ``communes.txt``."""
    return _codes("communes.txt")


@cache
def delegated_commune_codes() -> frozenset[str]:
    """INSEE codes of the communes déléguées and associées, from
    ``communes_deleguees.txt`` (see ``dev/build_communes.py``)."""
    return _codes("communes_deleguees.txt")


class CommuneCode(ValueCheck):
    name = "commune-insee-value"
    message = N_(
        "The code must be the INSEE code of an existing commune (5 characters, "
        "for example 31555 for Toulouse), not to be confused with the postcode "
        "(31000). The list of codes is on insee.fr (official geographic code)."
    )

    def __init__(self, params: dict[str, Any], schema: CompiledSchema) -> None:
        super().__init__(
            params,
            _(self.message),
            schema,
            severity=params.get("severity", "error"),
        )
        self.prefix = int(params.get("prefix") or 0)
        self.delegated = bool(params.get("delegated"))

    def problem(self, value: str) -> str | None:
        code = value[: self.prefix] if self.prefix else value
        if code in commune_codes():
            return None
        if self.delegated:
            if code in delegated_commune_codes():
                return None
            return self.say(
                _(
                    "{value} is the INSEE code of no current commune, nor of any "
                    "commune déléguée or associée."
                ).format(value=quote(value))
            )
        if self.prefix:
            return self.say(
                _(
                    "The identifier {value} starts with {code}, which is the INSEE "
                    "code of no current commune."
                ).format(value=quote(value), code=quote(code))
            )
        return self.say(
            _("{value} is not the INSEE code of any current commune.").format(
                value=quote(value)
            )
        )


# Coordinates ------------------------------------------------------------------

# Columns of the coordinates in decimal degrees (WGS 84), by standard, and the
# column whose first 5 characters are the INSEE code of the place's commune.
COORDINATE_COLUMNS: dict[str, dict[str, str]] = {
    "bal": {"lat": "lat", "long": "long", "insee": "commune_insee"},
    "equipements": {"lat": "EQUIP_LAT", "long": "EQUIP_LONG", "insee": "EQUIP_UID"},
}
_DEGREES = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]+)?")


def _degrees(text: str) -> float | None:
    text = text.strip()
    return float(text) if _DEGREES.fullmatch(text) else None


class Coordinates(Check):
    """A plausibility check (a warning): the point lies in France, and in the
    département of its commune when it has a box of its own (Haute-Garonne,
    an overseas département); latitude and longitude swapped are recognised
    (see ``territory``). A cell that failed its own check, or that is not
    written in decimal degrees with a point, is left to the other checks."""

    name = "coordinates-value"
    needs_all = True
    skip = "all"

    def __init__(self, params: dict[str, Any], schema: CompiledSchema) -> None:
        super().__init__(params, "", schema, severity="warning")
        # The cell of the commune -> its only box (None: several boxes).
        self._boxes: dict[str, territory.Box | None] = {}

    @property
    def columns(self) -> list[str]:
        return [self.params["lat"], self.params["long"]]

    def _box(self, insee: str) -> territory.Box | None:
        try:
            return self._boxes[insee]
        except KeyError:
            pass
        boxes = territory.expected_boxes(insee[:5] if insee != ABSENT else "")
        box = boxes[0] if len(boxes) == 1 else None
        if len(self._boxes) < CACHE_SIZE:
            self._boxes[insee] = box
        return box

    def run(self, batch: Batch) -> Iterator[Found]:
        # Every row has its own point: a point in its commune's box is
        # accepted at once, any other is judged by ``problem``.
        lat_name, long_name = self.columns
        lats, longs = batch.cols[lat_name], batch.cols[long_name]
        communes = _column(batch, self.params.get("insee", ""))
        skipped = self.skipped(batch)
        for i, (lat_text, long_text, insee) in enumerate(
            zip(lats, longs, communes, strict=False)
        ):
            box = self._box(insee)
            if box is not None:
                try:
                    lat, lon = float(lat_text), float(long_text)
                except ValueError:
                    pass
                else:
                    if box.south <= lat <= box.north and box.west <= lon <= box.east:
                        continue
            if i in skipped:
                continue
            message = self.problem((lat_text, long_text, insee))
            if message:
                yield i, lat_name, lat_text, message

    def problem(self, key: tuple[str, str, str]) -> str | None:
        lat_text, long_text, insee = key
        lat, lon = _degrees(lat_text), _degrees(long_text)
        if lat is None or lon is None:
            return None
        code = insee[:5] if insee != ABSENT else ""
        found = territory.where(lat, lon, code)
        if found is None:
            return None
        kind, box = found
        lat_shown, long_shown = quote(lat_text), quote(long_text)
        if kind == "swapped" and box is not None:
            return _(
                "The latitude {lat} and the longitude {long} seem swapped: "
                "exchanged, they give a point {place}. Put the latitude in "
                "{lat_column} and the longitude in {long_column}."
            ).format(
                lat=lat_shown,
                long=long_shown,
                place=_(box.place),
                lat_column=self.columns[0],
                long_column=self.columns[1],
            )
        if kind == "outside" and box is not None:
            return _(
                "The point of latitude {lat} and longitude {long} is not {place}, "
                "where the commune {insee} is: check the coordinates (in decimal "
                "degrees, WGS 84)."
            ).format(
                lat=lat_shown, long=long_shown, place=_(box.place), insee=quote(code)
            )
        return _(
            "The point of latitude {lat} and longitude {long} is not in France "
            "(neither in metropolitan France nor in an overseas département): "
            "check the coordinates (in decimal degrees, WGS 84)."
        ).format(lat=lat_shown, long=long_shown)


def build_checks(
    schema: CompiledSchema, standard: str | None
) -> tuple[list[Check], list[str]]:
    """The checks of a schema, and the names of those not implemented."""
    checks: list[Check] = []
    unknown: list[str] = []
    for item in schema.custom_checks:
        cls = CHECKS.get(item.get("name", ""))
        if cls is None:
            unknown.append(item.get("name", ""))
            continue
        checks.append(
            cls(
                dict(item.get("params") or {}),
                item.get("message", ""),
                schema,
                severity=item.get("severity", "error"),
            )
        )
    for params in COMMUNE_CODE_COLUMNS.get(standard or "", []):
        if params["column"] in schema.by_name:
            checks.append(CommuneCode(params, schema))
    coordinates = COORDINATE_COLUMNS.get(standard or "")
    if coordinates and all(
        coordinates[k] in schema.by_name for k in ("lat", "long", "insee")
    ):
        checks.append(Coordinates(coordinates, schema))
    return checks, unknown
