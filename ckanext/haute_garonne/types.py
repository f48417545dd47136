"""Structures shared across the extension's modules."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Collectivite:
    """The identity of a collectivité, read from its organisation."""

    id: str
    name: str
    title: str
    kind: str = ""  # commune, communaute_communes, …, departement, syndicat, autre
    siren: str = ""  # 9 digits
    insee: tuple[str, ...] = ()  # INSEE codes of its territory
    epci_siren: str = ""
    website: str = ""
    email: str = ""


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


# Department-wide consolidation (consolidation/) ------------------------------


@dataclass(frozen=True)
class ConsolidationSource:
    """A file to merge, and where its rows come from (the provenance columns)."""

    path: str  # a local copy of the file
    filename: str  # its name, to tell formats apart
    label: str  # "collectivité — dataset — file", for the report
    collectivite: str
    siren: str
    dataset_url: str
    resource_url: str
    date: str  # of the file's last change, ISO 8601


@dataclass(frozen=True)
class LeftOut:
    """A file of the standard kept out of the consolidated file, and why."""

    label: str
    reason: str  # invalid, unreadable, pending, not-validated, version, private, error
    detail: str = ""  # e.g. the other version, or why the file could not be read
    public: bool = True  # whether the file may be named in public


@dataclass
class ConsolidationReport:
    standard: str
    version: str
    files: int = 0  # files merged
    rows: int = 0
    neutralised: int = 0  # cells prefixed so that no spreadsheet runs them
    left_out: list[LeftOut] = field(default_factory=list)
    dataset: str | None = None  # the Département's dataset, once published
    problem: str | None = None  # why nothing was published (translated)
    unchanged: bool = False  # what was last published still holds: not redone


@dataclass(frozen=True)
class HeldFile:
    """A new file held back from a resource whose published file it would
    replace, until a background job finds it valid (``uploads/candidates.py``):
    staged in CKAN's storage under ``key`` (an upload, named ``filename``),
    or given by ``url``; with the format given for it and who sent it."""

    key: str
    filename: str = ""
    url: str = ""
    format: str = ""
    user: str = ""


@dataclass(frozen=True)
class Checked:
    """What upload-time validation decided about the new file of a resource,
    to be stored once the resource is saved: a report (``status`` valid) or
    a validation left to a background job (``status`` pending), of the
    resource's file or, with ``held``, of a candidate that waits aside."""

    version: SchemaVersion
    status: str
    sha256: str = ""
    report: dict[str, Any] | None = None
    held: HeldFile | None = None


@dataclass(frozen=True)
class RecordedReport:
    """A validation report (or pending validation) as stored, sent with the
    ``report_recorded`` signal."""

    resource_id: str
    package_id: str
    standard: str
    version: str
    status: str
    previous_status: str | None
