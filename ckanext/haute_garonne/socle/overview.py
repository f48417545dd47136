"""The compliance overview of the socle commun: for every collectivité and
each of the six priority datasets, published or not, valid or not, up to date
or late against its declared frequency.

A handful of PostgreSQL queries whatever the number of collectivités: the
organisations and their extras, the SCDL datasets (a few columns only, the
ones ``package_search`` would give: active, public unless private ones are
asked for), the latest validation of every file and the date of every
dataset's latest file. No search: the overview reads what was committed,
even before it is indexed, and does not depend on Solr.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ckan import model

from ckanext.haute_garonne import compat
from ckanext.haute_garonne.collectivites import directory
from ckanext.haute_garonne.collectivites.identity import EPCI_KINDS
from ckanext.haute_garonne.model import (
    INVALID,
    PENDING,
    VALID,
    ResourceValidation,
    dataset_status_of,
)
from ckanext.haute_garonne.standards import registry

if TYPE_CHECKING:
    from sqlalchemy import Select

__all__ = ["STATES", "Cell", "Row", "build", "late_after", "row_dict"]

FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# Days after which a dataset is late, by declared frequency (with a margin
# for the time it takes to publish). No deadline for the others.
DEADLINES = {
    "UPDATE_CONT": 7,
    "DAILY": 3,
    "WEEKLY": 14,
    "MONTHLY": 45,
    "QUARTERLY": 120,
    "BIANNUAL": 210,
    "ANNUAL": 400,
    "BIENNIAL": 760,
}

# What a cell can say, worst first.
MISSING, INVALID_STATE, LATE, PENDING_STATE, OK = (
    "missing",
    "invalid",
    "late",
    "pending",
    "ok",
)
STATES = (MISSING, INVALID_STATE, LATE, PENDING_STATE, OK)


def late_after(frequency: str | None) -> int | None:
    """Days without a new file after which a dataset of that frequency is late."""
    if not frequency or not frequency.startswith(FREQUENCY):
        return None
    return DEADLINES.get(frequency[len(FREQUENCY) :])


@dataclass
class Cell:
    """One collectivité and one dataset type: the state of its worst dataset
    of that type (``datasets`` holds each one's own cell, worst first)."""

    dataset_type: str
    state: str = MISSING
    dataset: dict[str, Any] | None = None  # id, name, title, private, frequency
    validation: str | None = None  # valid, invalid, pending, None (no file checked)
    updated: datetime.datetime | None = None
    due: datetime.datetime | None = None  # when it becomes late
    datasets: list[Cell] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.dataset is not None

    @property
    def counts(self) -> dict[str, int]:
        """How many of the datasets are in each state, worst first (a
        dataset without any file counts as "missing")."""
        found = Counter(d.state for d in self.datasets)
        return {state: found[state] for state in STATES if found[state]}

    def has(self, state: str) -> bool:
        """Whether one of the datasets is in ``state``; "missing": whether
        none has a file."""
        if state == MISSING:
            return self.state == MISSING
        return any(d.state == state for d in self.datasets)


@dataclass
class Row:
    collectivite: dict[str, Any]
    cells: list[Cell] = field(default_factory=list)

    @property
    def score(self) -> int:
        """Dataset types published, valid and up to date."""
        return sum(c.state == OK for c in self.cells)


def _matching(include_private: bool, organization: str) -> Select[Any]:
    """A query of the ids of the datasets the overview counts: of the six
    SCDL types, active (no draft, nothing deleted), owned by an
    organisation (``organization``, a name: that one only), public unless
    ``include_private``. What ``package_search`` gives for
    ``+dataset_type:(…)`` with or without ``include_private`` (and
    ``ignore_auth``, so every private dataset)."""
    query = (
        sa.select(model.Package.id)
        .join(model.Group, model.Group.id == model.Package.owner_org)
        .where(model.Package.state == "active")
        .where(model.Package.type.in_([t.name for t in registry.DATASET_TYPES]))
    )
    if not include_private:
        query = query.where(model.Package.private.isnot(True))
    if organization:
        query = query.where(model.Group.name == organization)
    return query


def _datasets(matching: Select[Any]) -> list[dict[str, Any]]:
    """These datasets, oldest first, as the overview reads them."""
    rows = (
        model.Session.query(
            model.Package.id,
            model.Package.name,
            model.Package.title,
            model.Package.type,
            model.Group.name,
            model.Package.private,
            compat.package_extra("frequency"),
        )
        .join(model.Group, model.Group.id == model.Package.owner_org)
        .filter(model.Package.id.in_(matching))
        .order_by(model.Package.metadata_created, model.Package.id)
    )
    return [
        {
            "id": id_,
            "name": name,
            "title": title,
            "dataset_type": dataset_type,
            "organization": organization,
            "capacity": "private" if private else "public",
            "frequency": frequency,
        }
        for id_, name, title, dataset_type, organization, private, frequency in rows
    ]


def _statuses(matching: Select[Any]) -> dict[str, str]:
    """A dataset's files together: invalid, pending or valid (as the search
    facet says)."""
    rows = ResourceValidation.latest_of(
        matching, ResourceValidation.package_id, ResourceValidation.status
    )
    statuses: dict[str, set[str]] = {}
    for package_id, status in rows:
        statuses.setdefault(package_id, set()).add(status)
    return {
        package_id: status
        for package_id, found in statuses.items()
        if (status := dataset_status_of(found)) is not None
    }


def _updates(matching: Select[Any]) -> dict[str, datetime.datetime]:
    """The date of each dataset's latest file (added or replaced)."""
    date = sa.func.max(
        sa.func.coalesce(model.Resource.last_modified, model.Resource.created)
    )
    rows = (
        model.Session.query(model.Resource.package_id, date)
        .filter(model.Resource.state == "active")
        .filter(model.Resource.package_id.in_(matching))
        .group_by(model.Resource.package_id)
    )
    return {package_id: when for package_id, when in rows if when}


def _cell(
    dataset_type: str,
    datasets: list[dict[str, Any]],
    statuses: dict[str, str],
    updates: dict[str, datetime.datetime],
    today: datetime.date,
) -> Cell:
    """The worst of a collectivité's datasets of one type, with each one's
    own cell."""
    cells = []
    for dataset in datasets:
        frequency = dataset["frequency"]
        cell = Cell(
            dataset_type,
            dataset={
                "id": dataset["id"],
                "name": dataset["name"],
                "title": dataset["title"],
                "private": dataset.get("capacity") == "private",
                "frequency": frequency,
            },
            validation=statuses.get(dataset["id"]),
            updated=updates.get(dataset["id"]),
        )
        days = late_after(frequency)
        if cell.updated and days is not None:
            cell.due = cell.updated + datetime.timedelta(days=days)
        if cell.updated is None or cell.validation == INVALID:
            cell.state = INVALID_STATE if cell.validation == INVALID else MISSING
        elif cell.due is not None and cell.due.date() < today:
            cell.state = LATE
        elif cell.validation in (PENDING, None):
            cell.state = PENDING_STATE
        else:
            cell.state = OK
        cells.append(cell)
    if not cells:
        return Cell(dataset_type)
    # The worst first; of two in the same state, the one updated longest ago.
    cells.sort(
        key=lambda c: (STATES.index(c.state), c.updated or datetime.datetime.max)
    )
    # A dataset without any file counts as published but empty ("missing"),
    # and shows only when none of the others has a file.
    with_file = [c for c in cells if c.updated is not None]
    shown = with_file[0] if with_file else cells[-1]
    return Cell(
        dataset_type,
        state=shown.state,
        dataset=shown.dataset,
        validation=shown.validation,
        updated=shown.updated,
        due=shown.due,
        datasets=cells,
    )


def build(
    include_private: bool = False,
    user: str = "",
    today: datetime.date | None = None,
    organization: str = "",
) -> list[Row]:
    """Every collectivité (or the one named ``organization``) with one cell
    per SCDL dataset type, by name. ``include_private``: every private
    dataset too, whoever ``user`` is (the callers check who may see them)."""
    today = today or datetime.date.today()
    collectivites = directory.list_collectivites(with_counts=False, name=organization)
    if not collectivites:
        return []
    matching = _matching(include_private, organization)
    datasets = _datasets(matching)
    statuses, updates = _statuses(matching), _updates(matching)
    by_org: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for dataset in datasets:
        key = (dataset.get("organization") or "", dataset["dataset_type"])  # its name
        by_org.setdefault(key, []).append(dataset)
    rows = []
    for collectivite in collectivites:
        cells = [
            _cell(
                t.name,
                by_org.get((collectivite["name"], t.name), []),
                statuses,
                updates,
                today,
            )
            for t in registry.DATASET_TYPES
        ]
        rows.append(Row(collectivite, cells))
    return rows


def row_dict(row: Row) -> dict[str, Any]:
    """A row as the API gives it."""
    c = row.collectivite
    return {
        "name": c["name"],
        "title": c["title"],
        "kind": c["kind"],
        "siren": c["siren"],
        "epci_siren": c.get("epci_siren"),
        "population": c["population"],
        "open_data_obligation": c["obligation"],
        "score": row.score,
        "datasets": {
            cell.dataset_type: {
                "state": cell.state,
                "dataset": cell.dataset["name"] if cell.dataset else None,
                "private": bool(cell.dataset and cell.dataset["private"]),
                "validation": cell.validation,
                "updated": cell.updated.isoformat() if cell.updated else None,
                "late_from": cell.due.date().isoformat() if cell.due else None,
                "counts": cell.counts,
            }
            for cell in row.cells
        },
    }


SORTS = ("title", "population", "score")


def select(
    rows: list[Row],
    epci: str = "",
    kind: str = "",
    obligation: str = "",
    state: str = "",
    sort: str = "title",
) -> list[Row]:
    """Rows matching the filters, sorted: ``epci`` a SIREN (the EPCI and its
    member communes), ``obligation`` yes/no, ``state`` a state that at least
    one of the row's datasets is in (as the search facets count them), or
    "missing": a dataset type not published."""
    found = []
    for row in rows:
        c = row.collectivite
        if epci and epci not in (c.get("siren"), c.get("epci_siren")):
            continue
        if kind and c.get("kind") != kind:
            continue
        if obligation == "yes" and c.get("obligation") is not True:
            continue
        if obligation == "no" and c.get("obligation") is True:
            continue
        if state and not any(cell.has(state) for cell in row.cells):
            continue
        found.append(row)
    if sort == "population":
        found.sort(
            key=lambda r: (
                -(r.collectivite["population"] or -1),
                r.collectivite["title"].lower(),
            )
        )
    elif sort == "score":
        found.sort(key=lambda r: (-r.score, r.collectivite["title"].lower()))
    else:
        found.sort(key=lambda r: r.collectivite["title"].lower())
    return found


def totals(rows: list[Row]) -> list[dict[str, Any]]:
    """Per dataset type: published, valid, up to date; and the share of the
    collectivités under the legal obligation publishing valid, up-to-date data."""
    result = []
    obliged = [r for r in rows if r.collectivite.get("obligation") is True]
    for i, dataset_type in enumerate(registry.DATASET_TYPES):
        cells = [r.cells[i] for r in rows]
        ok_obliged = sum(r.cells[i].state == OK for r in obliged)
        result.append(
            {
                "dataset_type": dataset_type,
                "published": sum(c.published for c in cells),
                "valid": sum(c.validation == VALID for c in cells),
                "ok": sum(c.state == OK for c in cells),
                "obliged": len(obliged),
                "ok_obliged": ok_obliged,
                "share": round(100 * ok_obliged / len(obliged)) if obliged else 0,
            }
        )
    return result


def epcis(rows: list[Row]) -> list[dict[str, Any]]:
    """The intercommunalités among the rows, for the EPCI filter."""
    return sorted(
        (
            r.collectivite
            for r in rows
            if r.collectivite.get("kind") in EPCI_KINDS and r.collectivite.get("siren")
        ),
        key=lambda c: c["title"].lower(),
    )
