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
