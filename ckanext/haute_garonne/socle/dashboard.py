"""The "Ma collectivité" page, where a publisher lands after logging in.

For each of the six priority datasets: whether the collectivité must publish
it, where each of its datasets of that type stands (missing, draft, invalid,
late, being validated, up to date), and the one thing to do next: create it
from the template, finish the draft, fix the invalid file with its report,
add this year's file.

The states come from the overview (``overview.build`` for one collectivité,
private datasets included); this module adds what only the collectivité's
own people see: its drafts, and the report of each faulty file.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne.model import (
    FAILED_STATUSES,
    PENDING,
    RUNNING,
    ResourceValidation,
)
from ckanext.haute_garonne.socle import overview
from ckanext.haute_garonne.standards import registry
from ckanext.haute_garonne.standards.registry import N_
from ckanext.haute_garonne.types import DatasetType

__all__ = [
    "Dashboard",
    "Entry",
    "Item",
    "build",
    "collectivites_of",
    "requirement",
]

# What a dataset type can say on the page, worst first. "draft": a dataset
# not finished (CKAN's draft, or saved without any file).
MISSING, INVALID_STATE, LATE, DRAFT, PENDING_STATE, OK = (
    "missing",
    "invalid",
    "late",
    "draft",
    "pending",
    "ok",
)
STATES = (MISSING, INVALID_STATE, LATE, DRAFT, PENDING_STATE, OK)
STATE_LABELS = {
    MISSING: N_("Not published"),
    INVALID_STATE: N_("Not valid"),
    LATE: N_("Late"),
    DRAFT: N_("Unfinished: no file yet"),
    PENDING_STATE: N_("Being validated"),
    OK: N_("Valid and up to date"),
}

# Whether the collectivité must publish a dataset type.
REQUIRED, CONDITIONAL, RECOMMENDED, NOT_CONCERNED = (
    "required",
    "conditional",
    "recommended",
    "not_concerned",
)
REQUIREMENT_LABELS = {
    REQUIRED: N_("Required"),
    CONDITIONAL: N_("Required in some cases"),
    RECOMMENDED: N_("Recommended"),
    NOT_CONCERNED: N_("Not concerned"),
}

_OBLIGED = N_("Your local authority is subject to the open data obligation.")
_NOT_OBLIGED = N_(
    "Not required below 3,500 inhabitants or 50 agents, but welcome: it is "
    "one of the six priority datasets."
)
_GRANTS = N_(
    "Required as soon as you award a grant of more than 23,000 euros to a private body."
)
_CONTRACTS = N_("Required for every public contract of 40,000 euros or more.")
_ADDRESSES = N_("Every commune names its streets and publishes its addresses.")
_COMMUNES_ONLY = N_("A commune's dataset.")


def requirement(
    dataset_type: str, kind: str | None, obliged: bool | None
) -> tuple[str, str]:
    """Whether a collectivité of this kind (subject to the open data
    obligation or not) must publish a dataset type, and why (a msgid)."""
    commune = kind == "commune"
    if dataset_type == "adresses":
        return (REQUIRED, _ADDRESSES) if commune else (NOT_CONCERNED, _COMMUNES_ONLY)
    if dataset_type == "prenoms" and not commune:
        return NOT_CONCERNED, _COMMUNES_ONLY
    if obliged:
        return REQUIRED, _OBLIGED
    if dataset_type == "subventions":
        return CONDITIONAL, _GRANTS
    if dataset_type == "marches":
        return CONDITIONAL, _CONTRACTS
    return RECOMMENDED, _NOT_OBLIGED


@dataclass
class Action:
    label: str  # msgid
    url: str


@dataclass
class Entry:
    """One dataset of the collectivité, and what to do with it."""

    name: str
    title: str
    private: bool
    state: str
    url: str
    action: Action | None = None
    updated: datetime.datetime | None = None
    due: datetime.datetime | None = None
    error_count: int = 0


@dataclass
class Item:
    """One of the six dataset types."""

    dataset_type: DatasetType
    requirement: str
    reason: str  # msgid
    state: str = MISSING
    entries: list[Entry] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)  # when nothing exists yet

    @property
    def to_do(self) -> bool:
        return self.state not in (OK, PENDING_STATE) and (
            self.state != MISSING or self.requirement in (REQUIRED, CONDITIONAL)
        )


@dataclass
class Dashboard:
    collectivite: dict[str, Any]
    items: list[Item]

    @property
    def to_do(self) -> int:
        """Dataset types that need the publisher."""
        return sum(item.to_do for item in self.items)


def collectivites_of(user: str) -> list[dict[str, Any]]:
    """The collectivités whose datasets ``user`` may edit (every one for a
    sysadmin), by title."""
    if not user:
        return []
    found = tk.get_action("organization_list_for_user")(
        {"user": user}, {"id": user, "permission": "create_dataset"}
    )
    return sorted(found, key=lambda o: (o.get("title") or o["name"]).lower())


def _drafts(org_id: str) -> list[model.Package]:
    types = [t.name for t in registry.DATASET_TYPES]
    return (
        model.Session.query(model.Package)
        .filter(model.Package.owner_org == org_id)
        .filter(model.Package.state == "draft")
        .filter(model.Package.type.in_(types))
        .order_by(model.Package.metadata_created)
        .all()
    )


def _validations(package_ids: list[str]) -> dict[str, list[ResourceValidation]]:
    """The latest validation of each live file of these datasets."""
    if not package_ids:
        return {}
    rows = ResourceValidation.latest_of(package_ids)
    found: dict[str, list[ResourceValidation]] = {}
    for row in rows:
        found.setdefault(row.package_id, []).append(row)
    return found


_YEARLY = ("ANNUAL", "BIENNIAL")


def _first(
    validations: list[ResourceValidation], statuses: tuple[str, ...]
) -> ResourceValidation | None:
    return next((v for v in validations if v.status in statuses), None)


def _report_url(
    dataset_type: str, name: str, validation: ResourceValidation | None
) -> str | None:
    """The report page of a validation's file, if there is one."""
    if validation is None:
        return None
    return tk.h.url_for(
        "haute_garonne.validation_report",
        package_type=dataset_type,
        id=name,
        resource_id=validation.resource_id,
    )


def _entry(
    dataset_type: str, cell: overview.Cell, validations: list[ResourceValidation]
) -> Entry:
    dataset = cell.dataset or {}
    name = dataset["name"]
    read = tk.h.url_for(f"{dataset_type}.read", id=name)
    add_file = tk.h.url_for(f"{dataset_type}_resource.new", id=name)
    entry = Entry(
        name=name,
        title=dataset["title"],
        private=bool(dataset.get("private")),
        state=cell.state,
        url=read,
        updated=cell.updated,
        due=cell.due,
    )
    if cell.state == overview.MISSING:  # saved without any file
        entry.state = DRAFT
        entry.action = Action(N_("Add a file"), add_file)
    elif cell.state == overview.INVALID_STATE:
        faulty = _first(validations, FAILED_STATUSES)
        entry.error_count = faulty.error_count if faulty else 0
        url = _report_url(dataset_type, name, faulty) or read
        entry.action = Action(N_("Fix the file with its report"), url)
    elif cell.state == overview.LATE:
        yearly = (dataset.get("frequency") or "").endswith(_YEARLY)
        label = N_("Add this year's file") if yearly else N_("Add the new file")
        entry.action = Action(label, add_file)
    elif cell.state == overview.PENDING_STATE:
        checking = _first(validations, (PENDING, RUNNING))
        url = _report_url(dataset_type, name, checking) or read
        entry.action = Action(N_("Follow the validation"), url)
    else:
        entry.action = Action(N_("See the dataset"), read)
    return entry


def _draft_entry(dataset_type: str, package: model.Package) -> Entry:
    return Entry(
        name=package.name,
        title=package.title or package.name,
        private=bool(package.private),
        state=DRAFT,
        url=tk.h.url_for(f"{dataset_type}.read", id=package.name),
        action=Action(
            N_("Add a file"),
            tk.h.url_for(f"{dataset_type}_resource.new", id=package.name),
        ),
    )


def _creation(dataset_type: DatasetType, org_id: str) -> list[Action]:
    """Create the dataset; download the template to fill in first."""
    actions = [
        Action(
            N_("Create it from the template"),
            tk.h.url_for(f"{dataset_type.name}.new", group=org_id),
        )
    ]
    latest = registry.standards()[dataset_type.standards[0]].latest
    if latest.kind == "table":
        template = tk.h.url_for(
            "haute_garonne.template_xlsx",
            name=latest.standard,
            version=latest.version,
        )
        actions.append(Action(N_("Download the spreadsheet template"), template))
    else:
        standard = tk.h.url_for(
            "haute_garonne.standard", name=latest.standard, version=latest.version
        )
        actions.append(Action(N_("Read the standard"), standard))
    return actions


def _state(entries: list[Entry]) -> str:
    """The worst state of the datasets that have a file; "draft" when none
    has one; "missing" without any dataset (the overview's rule)."""
    with_file = [e.state for e in entries if e.state != DRAFT]
    if with_file:
        return min(with_file, key=STATES.index)
    return DRAFT if entries else MISSING


def build(name: str, user: str, today: datetime.date | None = None) -> Dashboard | None:
    """The dashboard of the collectivité ``name`` (None if there is none),
    as one of its members sees it: private datasets and drafts included."""
    rows = overview.build(
        include_private=True, user=user, today=today, organization=name
    )
    if not rows:
        return None
    (row,) = rows
    org = row.collectivite
    drafts = _drafts(org["id"])
    ids = [d.dataset["id"] for c in row.cells for d in c.datasets if d.dataset]
    validations = _validations(ids)
    items = []
    for dataset_type, cell in zip(registry.DATASET_TYPES, row.cells, strict=True):
        level, reason = requirement(dataset_type.name, org["kind"], org["obligation"])
        entries = [
            _entry(dataset_type.name, d, validations.get(d.dataset["id"], []))
            for d in cell.datasets
            if d.dataset
        ]
        entries += [
            _draft_entry(dataset_type.name, p)
            for p in drafts
            if p.type == dataset_type.name
        ]
        entries.sort(key=lambda e: STATES.index(e.state))
        item = Item(dataset_type, level, reason, _state(entries), entries)
        if not entries:
            item.actions = _creation(dataset_type, org["id"])
        items.append(item)
    return Dashboard(org, items)
