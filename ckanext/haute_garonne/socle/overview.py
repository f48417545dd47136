"""The compliance overview of the socle commun: for every collectivité and
each of the six priority datasets, published or not, valid or not, up to date
or late against its declared frequency.

A handful of queries whatever the number of collectivités: the organisations
and their extras, the SCDL datasets from Solr (a few fields only), and from
PostgreSQL the latest validation of every file and the date of every
dataset's latest file.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func

import ckan.plugins.toolkit as tk
from ckan import model

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


def _datasets(
    include_private: bool, user: str, organization: str
) -> list[dict[str, Any]]:
    types = " OR ".join(t.name for t in registry.DATASET_TYPES)
    fq = f"+dataset_type:({types})"
    if organization:
        fq += f' +organization:"{organization}"'
    found: list[dict[str, Any]] = []
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {"user": user, "ignore_auth": include_private},
            {
                "fq": fq,
                "fl": "id,name,title,dataset_type,organization,extras_frequency,capacity",
                "rows": 1000,
                "start": start,
                "sort": "metadata_created asc",
                "include_private": include_private,
            },
        )
        found.extend(result["results"])
        start += 1000
        if start >= result["count"]:
            return found


def _statuses(package_ids: list[str]) -> dict[str, str]:
    """A dataset's files together: invalid, pending or valid (as the search
    facet says)."""
    if not package_ids:
        return {}
    rows = ResourceValidation.latest_of(
        package_ids, ResourceValidation.package_id, ResourceValidation.status
    )
    statuses: dict[str, set[str]] = {}
    for package_id, status in rows:
        statuses.setdefault(package_id, set()).add(status)
    return {
        package_id: status
        for package_id, found in statuses.items()
        if (status := dataset_status_of(found)) is not None
    }


def _updates(package_ids: list[str]) -> dict[str, datetime.datetime]:
    """The date of each dataset's latest file (added or replaced)."""
    if not package_ids:
        return {}
    date = func.max(func.coalesce(model.Resource.last_modified, model.Resource.created))
    rows = (
        model.Session.query(model.Resource.package_id, date)
        .filter(model.Resource.state == "active")
        .filter(model.Resource.package_id.in_(package_ids))
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
        # package_search gives "extras_frequency" back as "frequency".
        frequency = dataset.get("frequency") or dataset.get("extras_frequency")
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
    per SCDL dataset type, by name."""
    today = today or datetime.date.today()
    collectivites = directory.list_collectivites(with_counts=False, name=organization)
    if not collectivites:
        return []
    datasets = _datasets(include_private, user, organization)
    ids = [d["id"] for d in datasets]
    statuses, updates = _statuses(ids), _updates(ids)
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
