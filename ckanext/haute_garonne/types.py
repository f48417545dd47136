"""Structures shared across the extension's modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

SchemaKind = Literal["table", "json"]


@dataclass(frozen=True)
class SchemaVersion:
    """One version of a standard, and the schema file we wrote for it."""

    standard: str
    version: str
    kind: SchemaKind
    path: str  # relative to ckanext/haute_garonne/schemas/
    identifier: str  # e.g. "scdl/deliberations", read from the schema file
    url: str  # the versioned URL data.gouv.fr recognises, read from the file
    title: str
    description: str


@dataclass(frozen=True)
class Standard:
    """A published standard (SCDL or national) and the versions we accept."""

    name: str  # our stable key, e.g. "deliberations", "bal", "decp"
    kind: SchemaKind
    file_format: str  # what publishers upload: "CSV" or "JSON"
    versions: tuple[SchemaVersion, ...]  # newest first

    @property
    def latest(self) -> SchemaVersion:
        return self.versions[0]

    @property
    def identifier(self) -> str:
        return self.latest.identifier

    @property
    def title(self) -> str:
        return self.latest.title

    def version(self, version: str) -> SchemaVersion | None:
        return next((v for v in self.versions if v.version == version), None)


@dataclass(frozen=True)
class DatasetType:
    """A scheming dataset type whose files follow one or more standards."""

    name: str  # the scheming dataset type, also its URL prefix
    label: str  # English msgid, translated at render time
    summary: str  # one sentence on what the data is (msgid)
    legal_basis: str  # why a collectivité publishes it (msgid)
    standards: tuple[str, ...]  # Standard.name, the first is the default


FieldDoc = dict[str, Any]


# Onboarding of collectivités (onboarding.py) ---------------------------------

OnboardingStatus = Literal["created", "updated", "unchanged", "refused"]


@dataclass
class OnboardingLine:
    """What onboarding did (or, in a dry run, would do) with one CSV line."""

    line: int  # as a spreadsheet numbers it: header = 1
    status: OnboardingStatus
    siren: str = ""
    name: str = ""  # the organisation's URL name
    title: str = ""
    changed: tuple[str, ...] = ()  # fields an update changes
    reasons: tuple[str, ...] = ()  # why a line is refused (translated)


@dataclass
class OnboardingReport:
    dry_run: bool
    lines: list[OnboardingLine]

    def count(self, status: OnboardingStatus) -> int:
        return sum(1 for line in self.lines if line.status == status)
