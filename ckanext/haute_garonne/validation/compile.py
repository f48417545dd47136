"""Table Schema -> fast per-field checkers.

Pure module: no CKAN import. Each field of a Frictionless Table Schema is
compiled once into a function ``check(text) -> Problem | None`` for a cell that
is not a missing value, plus a parser ``parse(text) -> typed value | None``
used by the custom checks.

Semantics follow frictionless 5 (``frictionless.schema.field`` and
``frictionless.fields.*``), which remains the reference: the same Python
primitives are called (``int()``, ``Decimal()``, ``datetime.strptime``,
``validators.email``/``uuid``, ``rfc3986``), patterns are anchored the same way
(``re.compile("^" + pattern + "$").match``: an alternation such as ``a|b`` is
therefore only anchored on its outer ends, exactly as frictionless does), the
constraints are checked in the same order and only when the type is right.
Fast paths (an ISO date regex before ``strptime``, a canonical UUID regex
before ``uuid.UUID``) only ever accept values the reference accepts; any other
value goes to the reference primitive. Types and formats that are not
compiled natively (datetime, time, yearmonth, duration, geopoint, array…) use
frictionless' own cell reader.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any, cast

# (error type, constraint name or None)
Problem = tuple[str, str | None]
TYPE_ERROR: Problem = ("type-error", None)
# A value refused by the official rule but accepted by a documented deviation.
DEVIATION: Problem = ("deviation", None)

# Stands for a cell that is absent from a short CSV row (reported once as a
# missing cell, never as an empty required value).
ABSENT = "\x00absent\x00"

DEFAULT_TRUE_VALUES = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE_VALUES = ["false", "False", "FALSE", "0"]
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_CANONICAL_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_NOT_BARE = re.compile(r"((^[^-\d]*)|(\D*$))")

# Constraints checked by frictionless for each type, in its order.
_RANGE = (  # integer, number, date, year: the types with a range
    "required",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
)
_SUPPORTED = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "integer": _RANGE,
    "number": _RANGE,
    "boolean": ("required", "enum"),
    "date": _RANGE,
    "year": _RANGE,
}
_NATIVE_FORMATS = {
    "string": {"default", "email", "uri", "uuid"},
    "integer": {"default"},
    "number": {"default"},
    "boolean": {"default"},
    "year": {"default"},
}


@dataclass
class CompiledField:
    name: str
    position: int  # 0-based position in the schema
    type: str
    format: str
    descriptor: dict[str, Any]
    required: bool
    missing: frozenset[str]  # declared missing values
    absent: frozenset[str]  # missing values plus ABSENT (for the custom checks)
    unique: bool
    check: Callable[[str], Problem | None] | None  # None: any text is fine
    read: Callable[[Any], Any]  # typed value or None (invalid), no constraint
    deviation: dict[str, Any] | None = None
    # Whether the check is slow enough that its results are worth caching
    # across batches (e-mail, URI, types read by frictionless itself).
    costly: bool = False
    _parsed: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def constraints(self) -> dict[str, Any]:
        return self.descriptor.get("constraints") or {}

    def parse(self, text: str) -> Any:
        """The typed value of a cell, None when missing or of the wrong type
        (cached: custom checks call it on every row)."""
        try:
            return self._parsed[text]
        except KeyError:
            pass
        value = None if text in self.absent else self.read(text)
        if len(self._parsed) < 4096:
            self._parsed[text] = value
        return value


@dataclass
class CompiledSchema:
    descriptor: dict[str, Any]
    fields: list[CompiledField]
    by_name: dict[str, CompiledField]
    primary_key: list[str]
    unique_keys: list[list[str]]
    custom_checks: list[dict[str, Any]]
    missing_union: frozenset[str]

    @property
    def delimiter(self) -> str:
        return (self.descriptor.get("dialect") or {}).get("delimiter", ",")


# Value readers: text -> typed value, None for a type error ------------------


def _string_reader(fmt: str) -> Callable[[Any], Any]:
    if fmt == "email":
        import validators

        def read_email(cell: Any) -> Any:
            if not isinstance(cell, str):
                return None
            return cell if validators.email(cell) else None

        return read_email
    if fmt == "uri":
        import rfc3986
        from rfc3986 import exceptions as rfc_exceptions
        from rfc3986 import validators as rfc_validators

        def read_uri(cell: Any) -> Any:
            if not isinstance(cell, str):
                return None
            checker = rfc_validators.Validator()
            checker.require_presence_of("scheme")
            try:
                checker.validate(rfc3986.uri_reference(cell))
            except rfc_exceptions.ValidationError:
                return None
            return cell

        return read_uri
    if fmt == "uuid":
        import validators

        canonical = _CANONICAL_UUID.fullmatch

        def read_uuid(cell: Any) -> Any:
            if not isinstance(cell, str):
                return None
            if canonical(cell):
                return cell
            return cell if validators.uuid(cell) else None

        return read_uuid

    def read_string(cell: Any) -> Any:
        return cell if isinstance(cell, str) else None

    return read_string


def _integer_reader(descriptor: dict[str, Any]) -> Callable[[Any], Any]:
    bare = descriptor.get("bareNumber", True)

    def read_integer(cell: Any) -> Any:
        if isinstance(cell, str):
            cell = cell.strip()
            if not bare:
                cell = _NOT_BARE.sub("", cell)
            try:
                return int(cell)
            except Exception:
                return None
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        if isinstance(cell, Decimal) and cell % 1 == 0:
            return int(cell)
        return None

    return read_integer


def _number_reader(descriptor: dict[str, Any]) -> Callable[[Any], Any]:
    bare = descriptor.get("bareNumber", True)
    group_char = descriptor.get("groupChar", "")
    decimal_char = descriptor.get("decimalChar", ".")
    float_number = descriptor.get("floatNumber", False)
    primary: Any = float if float_number else Decimal
    secondary: Any = Decimal if float_number else float
    process = any(k in descriptor for k in ("groupChar", "decimalChar", "bareNumber"))

    def processor(cell: str) -> str | None:
        if not bare:
            cell = _NOT_BARE.sub("", cell)
        cell = cell.replace(group_char, "")
        if decimal_char != "." and "." in cell:
            return None
        return cell.replace(decimal_char, ".")

    def read_number(cell: Any) -> Any:
        if isinstance(cell, str):
            cell = cell.strip()
            if process:
                cell = processor(cell)
                if cell is None:
                    return None
            try:
                return primary(cell)
            except Exception:
                return None
        if isinstance(cell, primary) and not isinstance(cell, bool):
            return cell
        if cell is True or cell is False:
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, secondary):
            return primary(str(cell) if primary is Decimal else cell)
        return None

    return read_number


def _boolean_reader(descriptor: dict[str, Any]) -> Callable[[Any], Any]:
    mapping: dict[str, bool] = {}
    for value in descriptor.get("trueValues", DEFAULT_TRUE_VALUES):
        mapping[value] = True
    for value in descriptor.get("falseValues", DEFAULT_FALSE_VALUES):
        mapping[value] = False

    def read_boolean(cell: Any) -> Any:
        if cell is True or cell is False:
            return cell
        if isinstance(cell, str):
            return mapping.get(cell)
        return None

    return read_boolean


def _date_reader(fmt: str) -> Callable[[Any], Any] | None:
    if fmt == "any":
        return None  # dateutil: left to frictionless
    pattern = "%Y-%m-%d" if fmt == "default" else fmt
    iso = pattern == "%Y-%m-%d"
    fast = _ISO_DATE.fullmatch
    strptime = datetime.strptime

    def read_date(cell: Any) -> Any:
        if isinstance(cell, datetime):
            if (cell.hour, cell.minute, cell.second) == (0, 0, 0):
                return cell.date()
            return None
        if isinstance(cell, date):
            return cell
        if not isinstance(cell, str):
            return None
        if iso:
            match = fast(cell)
            if match:
                try:
                    return date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    return None
        try:
            return strptime(cell, pattern).date()
        except Exception:
            return None

    return read_date


def _year_reader() -> Callable[[Any], Any]:
    def read_year(cell: Any) -> Any:
        if not isinstance(cell, int):
            if not isinstance(cell, str):
                return None
            if len(cell) != 4:
                return None
            try:
                cell = int(cell)
            except Exception:
                return None
        if cell < 0 or cell > 9999:
            return None
        return cell

    return read_year


def _frictionless_reader(descriptor: dict[str, Any]) -> Callable[[Any], Any]:
    """The value reader of frictionless itself, for the rarer types."""
    from frictionless import Field

    plain = {
        k: v
        for k, v in descriptor.items()
        if k not in ("constraints", "title", "description", "example", "examples")
    }
    reader = Field.from_descriptor(plain).create_value_reader()

    def read_other(cell: Any) -> Any:
        try:
            return reader(cell)
        except Exception:
            return None

    return read_other


def value_reader(descriptor: dict[str, Any]) -> Callable[[Any], Any]:
    type_ = descriptor.get("type", "any") or "any"
    fmt = descriptor.get("format", "default") or "default"
    if fmt.startswith("fmt:"):
        fmt = fmt[4:]
    native: Callable[[Any], Any] | None = None
    if type_ == "string" and fmt in _NATIVE_FORMATS["string"]:
        native = _string_reader(fmt)
    elif type_ == "integer" and fmt == "default":
        native = _integer_reader(descriptor)
    elif type_ == "number" and fmt == "default":
        native = _number_reader(descriptor)
    elif type_ == "boolean":
        native = _boolean_reader(descriptor)
    elif type_ == "date":
        native = _date_reader(fmt)
    elif type_ == "year":
        native = _year_reader()
    return native or _frictionless_reader(descriptor)


# Constraints ---------------------------------------------------------------


def _longer_than(n: int, value: Any) -> bool:
    return len(value) >= n


def _shorter_than(n: int, value: Any) -> bool:
    return len(value) <= n


def _matches(match: Callable[[str], Any], value: Any) -> bool:
    return match(value) is not None


def _among(allowed: Any, value: Any) -> bool:
    return value in allowed


def _bound(compare: Callable[[Any, Any], bool], limit: Any) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if value != value:  # NaN
            return False
        try:
            return bool(compare(value, limit))
        except Exception:
            return False

    return check


def constraint_checks(
    descriptor: dict[str, Any], read: Callable[[Any], Any]
) -> list[tuple[str, Callable[[Any], bool]]]:
    """(name, predicate on the typed value) for each constraint but
    ``required``, in frictionless' order."""
    constraints = descriptor.get("constraints") or {}
    type_ = descriptor.get("type", "any")
    order = _SUPPORTED.get(type_, tuple(constraints))
    checks: list[tuple[str, Callable[[Any], bool]]] = []
    for name in order:
        limit = constraints.get(name)
        if limit is None or name in ("required", "unique"):
            continue
        if name == "minLength":
            checks.append((name, partial(_longer_than, limit)))
        elif name == "maxLength":
            checks.append((name, partial(_shorter_than, limit)))
        elif name == "pattern":
            match = re.compile(f"^{limit}$").match
            checks.append((name, partial(_matches, match)))
        elif name == "enum":
            allowed = [read(item) for item in limit]
            try:
                allowed_set: Any = frozenset(allowed)
            except TypeError:
                allowed_set = allowed
            checks.append((name, partial(_among, allowed_set)))
        elif name == "minimum":
            checks.append((name, _bound(lambda v, n: v >= n, read(limit))))
        elif name == "maximum":
            checks.append((name, _bound(lambda v, n: v <= n, read(limit))))
        elif name == "exclusiveMinimum":
            checks.append((name, _bound(lambda v, n: v > n, read(limit))))
        elif name == "exclusiveMaximum":
            checks.append((name, _bound(lambda v, n: v < n, read(limit))))
    return checks


def _field_check(
    descriptor: dict[str, Any],
) -> tuple[Callable[[Any], Any], Callable[[str], Problem | None] | None]:
    read = value_reader(descriptor)
    checks = constraint_checks(descriptor, read)
    type_ = descriptor.get("type", "any")
    fmt = descriptor.get("format", "default") or "default"
    if type_ in ("string", "any") and fmt == "default" and not checks:
        return read, None
    if not checks:

        def check_type(text: str) -> Problem | None:
            return TYPE_ERROR if read(text) is None else None

        return read, check_type
    if type_ == "string" and fmt == "default":
        # Any text is a string: only the constraints remain.
        if len(checks) == 1 and checks[0][0] == "pattern":
            match = re.compile(f"^{descriptor['constraints']['pattern']}$").match
            pattern_problem: Problem = ("constraint-error", "pattern")

            def check_pattern(text: str) -> Problem | None:
                return None if match(text) else pattern_problem

            return read, check_pattern
        string_problems = [(("constraint-error", name), test) for name, test in checks]

        def check_string(text: str) -> Problem | None:
            for problem, test in string_problems:
                if not test(text):
                    return problem
            return None

        return read, check_string
    if len(checks) == 1:
        name, predicate = checks[0]
        problem: Problem = ("constraint-error", name)

        def check_one(text: str) -> Problem | None:
            value = read(text)
            if value is None:
                return TYPE_ERROR
            return None if predicate(value) else problem

        return read, check_one
    problems = [(("constraint-error", name), predicate) for name, predicate in checks]

    def check_all(text: str) -> Problem | None:
        value = read(text)
        if value is None:
            return TYPE_ERROR
        for problem, predicate in problems:
            if not predicate(value):
                return problem
        return None

    return read, check_all


def _with_deviation(
    official: Callable[[str], Problem | None] | None,
    accepted: Callable[[str], Problem | None] | None,
) -> Callable[[str], Problem | None] | None:
    if official is None:
        return None

    def check(text: str) -> Problem | None:
        problem = official(text)
        if problem is None:
            return None
        if accepted is None or accepted(text) is None:
            return DEVIATION
        return problem

    return check


# Schemas -------------------------------------------------------------------


def _costly(descriptor: dict[str, Any]) -> bool:
    type_ = descriptor.get("type", "any")
    fmt = descriptor.get("format", "default") or "default"
    if type_ == "string":
        return fmt in ("email", "uri")
    return (type_ not in _NATIVE_FORMATS and type_ != "date") or (
        type_ == "date" and fmt not in ("default", "%Y-%m-%d")
    )


def compile_schema(
    descriptor: dict[str, Any], deviations: list[dict[str, Any]] | None = None
) -> CompiledSchema:
    """Compile a Table Schema; ``deviations`` are the rules of
    ``deviations.json`` that apply to this schema (same standard and version)."""
    schema_missing = descriptor.get("missingValues", [""])
    schema_missing = [m["value"] if isinstance(m, dict) else m for m in schema_missing]
    relaxed = {d["field"]: d for d in deviations or []}
    fields = []
    for position, raw in enumerate(descriptor.get("fields", [])):
        field_descriptor = copy.deepcopy(raw)
        field_descriptor.setdefault("type", "any")
        missing_values = field_descriptor.get("missingValues", schema_missing)
        missing_values = [
            m["value"] if isinstance(m, dict) else m for m in missing_values
        ]
        missing = frozenset(missing_values)
        read, check = _field_check(field_descriptor)
        deviation = relaxed.get(field_descriptor["name"])
        if deviation:
            accepted_descriptor = copy.deepcopy(field_descriptor)
            constraints = accepted_descriptor.setdefault("constraints", {})
            constraints.update(deviation.get("accepted", {}))
            _, accepted = _field_check(accepted_descriptor)
            check = _with_deviation(check, accepted)
        constraints = field_descriptor.get("constraints") or {}
        fields.append(
            CompiledField(
                name=field_descriptor["name"],
                position=position,
                type=field_descriptor["type"],
                format=field_descriptor.get("format", "default") or "default",
                descriptor=field_descriptor,
                required=bool(constraints.get("required", False)),
                missing=missing,
                absent=missing | {ABSENT},
                unique=bool(constraints.get("unique", False)),
                check=check,
                read=read,
                deviation=deviation,
                costly=_costly(field_descriptor),
            )
        )
    primary_key = descriptor.get("primaryKey") or []
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    unique_keys = []
    for key in descriptor.get("uniqueKeys") or []:
        unique_keys.append([key] if isinstance(key, str) else list(key))
    missing_union = (
        frozenset().union(*(f.missing for f in fields)) if fields else frozenset()
    )
    return CompiledSchema(
        descriptor=descriptor,
        fields=fields,
        by_name={f.name: f for f in fields},
        primary_key=list(primary_key),
        unique_keys=unique_keys,
        custom_checks=list(descriptor.get("custom_checks") or []),
        missing_union=missing_union,
    )


@cache
def compiled(path: str) -> CompiledSchema:
    """The compiled schema of a registry path (e.g. "table/bal/1.5/schema.json"),
    with the deviations that apply to it. Compiled once per process; the
    field caches it holds are bounded."""
    from ckanext.haute_garonne.standards.registry import SCHEMAS_DIR, load_descriptor

    descriptor = load_descriptor(path)
    parts = path.split("/")
    standard, version = parts[1], parts[2]
    deviations_path = SCHEMAS_DIR / "table" / "deviations.json"
    applicable: list[dict[str, Any]] = []
    if deviations_path.exists():
        applicable = [
            d
            for d in cast(
                list[dict[str, Any]], load_descriptor("table/deviations.json")
            )
            if d.get("standard") == standard and d.get("version") == version
        ]
    return compile_schema(descriptor, applicable)
