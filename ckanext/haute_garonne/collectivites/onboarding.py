"""Bulk onboarding of collectivités from a CSV file (``ckan haute-garonne
onboard FILE``).

Each line describes one collectivité, identified by its SIREN (or, for a
commune, by its INSEE code). A line whose collectivité does not exist yet is
created, one that differs from what the portal holds is updated (only the
columns the line fills: an empty cell changes nothing), and the others are
left unchanged. Every write goes through ``organization_create`` and
``organization_patch`` as the site user, so the organisation schema's
validators (SIREN check digit and uniqueness, INSEE codes, counts…) run as
they do for a form.

Lines are independent and each is atomic: a refused line creates nothing,
and a line that fails (line 40, say) does not undo the 39 before it nor stop
the ones after it. Since onboarding is idempotent, the admin fixes the
refused lines and runs the same file again: what was done is reported
unchanged. ``dry_run`` validates every line as the actions would, and writes
nothing.

Organisation names (URL slugs) come from the official name, given once at
creation and never changed afterwards: ``Roques`` -> ``roques``, ``CA du
Sicoval`` -> ``sicoval`` (an EPCI's legal form is left out). A name already
taken gets the commune's INSEE code (or the SIREN) appended.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import plugins as lib_plugins
from ckan.types import Context

from ckanext.haute_garonne import compat
from ckanext.haute_garonne.collectivites.communes import SHIPPED_FILE, shipped_communes
from ckanext.haute_garonne.collectivites.identity import EPCI_KINDS, KIND_LABELS
from ckanext.haute_garonne.safety import NUL, contains_nul, nul_byte_message
from ckanext.haute_garonne.types import (
    OnboardingLine,
    OnboardingReport,
    OnboardingStatus,
)
from ckanext.haute_garonne.validation import read

__all__ = ["COLUMNS", "SHIPPED_FILE", "OnboardingError", "onboard", "slug_for"]


# The columns a file may have, in the order of the shipped file. Those other
# than ``name`` are fields of the organisation schema (collectivite.yaml).
COLUMNS = (
    "siren",
    "insee",
    "title",
    "kind",
    "population",
    "epci_siren",
    "agents",
    "website",
    "email",
    "address",
    "name",
)
FIELDS = tuple(c for c in COLUMNS if c != "name")
KINDS = tuple(KIND_LABELS)
# What the DGCL and INSEE files write for the same kinds.
KIND_ALIASES = {
    "com": "commune",
    "cc": "communaute_communes",
    "ca": "communaute_agglomeration",
    "metro": "metropole",
    "dep": "departement",
}
# The legal form at the start of an EPCI's official name, left out of its URL.
_LEGAL_FORM = re.compile(
    r"^(?:cc|ca|cu|communaute (?:de communes|d ?agglomeration|urbaine))\s+"
    r"(?:(?:du|des|de la|de l|d)\s+)?"
)
NAME_MAX_LENGTH = 100


class OnboardingError(Exception):
    """The file as a whole cannot be onboarded; the message is for the admin."""


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in folded.lower()).split())


def slug_for(title: str, kind: str = "") -> str:
    """The URL name derived from an official name: lowercase ASCII words
    joined by hyphens; an EPCI's legal form ("CC des", "CA du") left out."""
    words = _ascii(title)
    if kind in EPCI_KINDS:
        words = _LEGAL_FORM.sub("", words) or words
    return words.replace(" ", "-")[:NAME_MAX_LENGTH].strip("-")


# Reading the file ------------------------------------------------------------


def _open_text(path: Path) -> tuple[io.TextIOBase, str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise OnboardingError(tk._("No such file: {path}").format(path=path)) from None
    except OSError as e:
        raise OnboardingError(
            tk._("The file {path} cannot be read: {reason}").format(
                path=path, reason=e.strerror
            )
        ) from None
    encoding = read.detect(data[: read.HEAD_SIZE], len(data) <= read.HEAD_SIZE)
    try:
        text = data[encoding.skip :].decode(encoding.codec, errors=encoding.errors)
    except UnicodeDecodeError:
        raise OnboardingError(
            tk._("The file {path} is not a text file (CSV).").format(path=path)
        ) from None
    delimiter = read.detect_delimiter(text[: read.HEAD_SIZE], COLUMNS, ",")
    return io.StringIO(text, newline=""), delimiter


def read_lines(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's lines as (line number, {column: stripped value}); the
    header is line 1. Blank lines are skipped."""
    stream, delimiter = _open_text(path)
    records = csv.reader(stream, delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(records, [])]
    except csv.Error as e:
        raise OnboardingError(str(e)) from None
    if not any(header):
        raise OnboardingError(tk._("The file is empty."))
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise OnboardingError(
            tk._("Unknown column(s): {unknown}. The columns are: {columns}.").format(
                unknown=", ".join(unknown), columns=", ".join(COLUMNS)
            )
        )
    if "siren" not in header and "insee" not in header:
        raise OnboardingError(
            tk._("The file needs a siren or an insee column to identify each line.")
        )
    number = 1
    try:
        for record in records:
            number += 1
            if not any(cell.strip() for cell in record):
                continue
            cells = [c.strip() for c in record] + [""] * (len(header) - len(record))
            yield number, dict(zip(header, cells, strict=False))
    except csv.Error as e:
        raise OnboardingError(
            tk._("Line {line} cannot be read: {reason}").format(line=number, reason=e)
        ) from None


# What the portal holds -------------------------------------------------------


@dataclass
class _Organisation:
    id: str
    name: str
    title: str
    extras: dict[str, Any]


@dataclass
class _Portal:
    """The collectivités of the portal, loaded once, kept up to date as lines
    are applied."""

    by_siren: dict[str, _Organisation] = field(default_factory=dict)
    by_insee: dict[str, _Organisation] = field(default_factory=dict)  # communes
    names: set[str] = field(default_factory=set)  # every group's, even deleted

    @classmethod
    def load(cls) -> _Portal:
        portal = cls()
        rows = model.Session.query(
            model.Group.id,
            model.Group.name,
            model.Group.title,
            model.Group.state,
            model.Group.is_organization,
        ).all()
        portal.names = {row.name for row in rows}
        organisations = [r for r in rows if r.is_organization and r.state != "deleted"]
        extras = compat.organization_extras(r.id for r in organisations)
        for row in organisations:
            portal.add(_Organisation(row.id, row.name, row.title, extras[row.id]))
        return portal

    def add(self, organisation: _Organisation) -> None:
        self.names.add(organisation.name)
        siren = str(organisation.extras.get("siren") or "")
        if siren:
            self.by_siren[siren] = organisation
        insee = str(organisation.extras.get("insee") or "").split()
        if organisation.extras.get("kind") == "commune" and len(insee) == 1:
            self.by_insee[insee[0]] = organisation

    def free_name(self, base: str, suffix: str) -> str:
        if base and base not in self.names:
            return base
        return f"{base[: NAME_MAX_LENGTH - len(suffix) - 1]}-{suffix}".strip("-")


# One line --------------------------------------------------------------------


def _siren(value: str) -> str | None:
    try:
        return siren.validate(value)
    except StdnumError:
        return None


def _codes(value: str) -> list[str]:
    return [c.upper() for c in re.split(r"[\s,;]+", value) if c]


def _same(column: str, wanted: str, current: Any) -> bool:
    """Whether a cell says what the portal already holds."""
    if current is None or current == "":
        return False
    if column == "insee":
        return set(_codes(wanted)) == set(_codes(str(current)))
    if column in ("population", "agents"):
        digits = re.sub(r"\s", "", wanted)
        return digits.isdigit() and str(int(digits)) == str(current)
    if column == "title":
        return " ".join(wanted.split()) == current
    return wanted == str(current)


def _reasons(errors: dict[str, Any]) -> tuple[str, ...]:
    """A ValidationError's messages, one per field, as "column: message"."""
    found: list[str] = []
    for key, messages in errors.items():
        if isinstance(messages, dict):
            found.extend(_reasons(messages))
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            found.append(f"{key}: {message}")
    return tuple(found)


@dataclass
class _Plan:
    """What to do with a line that passed the first checks."""

    line: OnboardingLine
    existing: _Organisation | None
    data: dict[str, Any]  # fields to create, or to change
    keys: list[str]  # what identifies the collectivité within the file


def _plan(
    number: int, cells: dict[str, str], portal: _Portal, seen: dict[str, int]
) -> _Plan | OnboardingLine:
    def refuse(*reasons: str) -> OnboardingLine:
        return OnboardingLine(
            number,
            "refused",
            siren=values.get("siren", ""),
            title=values.get("title", ""),
            reasons=reasons,
        )

    values = {k: v for k, v in cells.items() if v}
    if not values:
        return refuse(tk._("The line is empty."))
    nul = [column for column, value in values.items() if contains_nul(value)]
    if nul:
        values = {k: v.replace(NUL, "") for k, v in values.items()}
        return refuse(*(f"{column}: {nul_byte_message()}" for column in nul))
    if "siren" in values:
        siren = _siren(values["siren"])
        if siren is None:
            return refuse(
                tk._(
                    "Not a valid SIREN number (9 digits, e.g. 213104581): {value}"
                ).format(value=values["siren"])
            )
        values["siren"] = siren
    if "kind" in values:
        kind = values["kind"].strip().lower()
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in KINDS:
            return refuse(
                tk._("Unknown kind {kind}: use one of {kinds}.").format(
                    kind=values["kind"], kinds=", ".join(KINDS)
                )
            )
        values["kind"] = kind

    # Which collectivité the line is about.
    codes = _codes(values.get("insee", ""))
    commune_code = (
        codes[0]
        if len(codes) == 1 and values.get("kind", "commune") == "commune"
        else None
    )
    existing = portal.by_siren.get(values["siren"]) if "siren" in values else None
    if existing is None and "siren" not in values:
        if commune_code is None:
            return refuse(tk._("The line gives neither a SIREN nor a commune's code."))
        existing = portal.by_insee.get(commune_code)
        # A line that gives only a commune's INSEE code is completed with
        # the SIREN and name of the shipped list.
        known = shipped_communes().get(commune_code)
        if existing is not None:
            values["siren"] = str(existing.extras.get("siren") or "")
        elif known is not None:
            values["siren"] = known["siren"]
            values.setdefault("title", known["title"])
            values.setdefault("kind", "commune")
        else:
            return refuse(
                tk._(
                    "No collectivité has the INSEE code {code}, and no SIREN is "
                    "known for it: fill in the siren column."
                ).format(code=commune_code)
            )

    # The same collectivité twice in the file: the first line wins.
    keys = [f"siren:{values['siren']}"]
    if commune_code and values.get("kind", "commune") == "commune":
        keys.append(f"insee:{commune_code}")
    for key in keys:
        if key in seen:
            return refuse(
                tk._("Same collectivité as line {line}: this line is ignored.").format(
                    line=seen[key]
                )
            )

    if existing is not None:
        changes = {
            column: values[column]
            for column in FIELDS
            if column in values
            and not _same(column, values[column], _current(existing, column))
        }
        status: OnboardingStatus = "updated" if changes else "unchanged"
        line = OnboardingLine(
            number,
            status,
            siren=values["siren"],
            name=existing.name,
            title=existing.title,
            changed=tuple(changes),
        )
        return _Plan(line, existing, changes, keys)

    missing = []
    if "title" not in values:
        missing.append(tk._("A new collectivité needs a title (its official name)."))
    if "kind" not in values:
        missing.append(tk._("A new collectivité needs a kind."))
    if missing:
        return refuse(*missing)
    twin = portal.by_insee.get(commune_code or "")
    if twin is not None and values["kind"] == "commune":
        return refuse(
            tk._(
                "The commune {code} is already on the portal as {title}, with "
                "the SIREN {siren}: check the SIREN."
            ).format(
                code=commune_code, title=twin.title, siren=twin.extras.get("siren")
            )
        )
    if "name" in values:
        name = values["name"]
        if name in portal.names:
            return refuse(
                tk._("The URL name {name} is already taken.").format(name=name)
            )
    else:
        suffix = commune_code or values["siren"]
        name = portal.free_name(slug_for(values["title"], values["kind"]), suffix)
    data = {column: values[column] for column in FIELDS if column in values}
    data["name"] = name
    line = OnboardingLine(
        number, "created", siren=values["siren"], name=name, title=values["title"]
    )
    return _Plan(line, None, data, keys)


def _current(organisation: _Organisation, column: str) -> Any:
    if column == "title":
        return organisation.title
    return organisation.extras.get(column)


# Applying a line -------------------------------------------------------------


def _context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _check(plan: _Plan) -> None:
    """Validate a line as its action would, without writing (dry run)."""
    plugin = lib_plugins.lookup_group_plugin("organization")
    # What get_action puts in an action's context, for the validators.
    context = {**_context(), "model": model, "session": model.Session}
    if plan.existing is None:
        data = {**plan.data, "type": "organization"}
        schema = plugin.create_group_schema()
        action = "organization_create"
    else:
        current = tk.get_action("organization_show")(
            {**context, "for_update": True}, {"id": plan.existing.id}
        )
        current.pop("display_name", None)
        data = {**current, **plan.data}
        context["group"] = model.Group.get(plan.existing.id)
        schema = plugin.update_group_schema()
        action = "organization_update"
    _, errors = lib_plugins.plugin_validate(plugin, context, data, schema, action)
    if errors:
        raise tk.ValidationError(errors)


def _apply(plan: _Plan) -> _Organisation:
    """Create or patch the organisation; all or nothing."""
    context = _context()
    context["defer_commit"] = True
    try:
        if plan.existing is None:
            result = tk.get_action("organization_create")(
                context, {**plan.data, "type": "organization"}
            )
        else:
            result = tk.get_action("organization_patch")(
                context, {**plan.data, "id": plan.existing.id}
            )
        model.repo.commit()
    except Exception:
        model.Session.rollback()
        raise
    extras = {
        k: v
        for k, v in result.items()
        if k in FIELDS and k != "title" and v not in (None, "")
    }
    return _Organisation(result["id"], result["name"], result["title"], extras)


def onboard(path: Path | str, dry_run: bool = False) -> OnboardingReport:
    """Create or update the collectivités of a CSV file; see the module's
    docstring. Raises ``OnboardingError`` when the file cannot be read."""
    report = OnboardingReport(dry_run=dry_run, lines=[])
    portal = _Portal.load()
    seen: dict[str, int] = {}
    for number, cells in read_lines(Path(path)):
        planned = _plan(number, cells, portal, seen)
        if isinstance(planned, OnboardingLine):
            report.lines.append(planned)
            continue
        line = planned.line
        if line.status != "unchanged":
            try:
                if dry_run:
                    _check(planned)
                else:
                    portal.add(_apply(planned))
            except tk.ValidationError as e:
                line.status = "refused"
                line.reasons = _reasons(e.error_dict)
            else:
                if dry_run and planned.existing is None:
                    portal.names.add(line.name)
        if line.status != "refused":
            seen.update(dict.fromkeys(planned.keys, number))
        report.lines.append(line)
    return report
