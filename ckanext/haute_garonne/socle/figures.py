"""The portal's key figures, for its home page: how many collectivités and
public datasets, and for each of the six priority datasets the share of the
collectivités under the legal obligation that publish it valid and up to
date (the public overview's totals, ``overview.totals``).

The overview reads every SCDL dataset (about a second with the 603
collectivités of the département), too slow for each visit of the home page.
The figures are therefore kept per process together with a fingerprint of
what they are computed from (one cheap query: the datasets' count and latest
change, the validation reports', the organisations' digest, and the day,
since a dataset becomes late with time); any change gives another
fingerprint, so a stale value is never served.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass

from sqlalchemy import text

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.haute_garonne import compat
from ckanext.haute_garonne.socle import overview
from ckanext.haute_garonne.types import DatasetType

__all__ = ["Figures", "Share", "fingerprint", "home_figures"]


@dataclass(frozen=True)
class Share:
    """One priority dataset: how many of the collectivités under the
    obligation publish it valid and up to date."""

    dataset_type: DatasetType
    ok: int
    obliged: int

    @property
    def percent(self) -> int:
        return round(100 * self.ok / self.obliged) if self.obliged else 0


@dataclass(frozen=True)
class Figures:
    collectivites: int
    datasets: int  # public datasets of every type
    obliged: int  # collectivités under the open data obligation
    shares: tuple[Share, ...]  # in the order of registry.DATASET_TYPES


_FINGERPRINT = text(
    "SELECT (SELECT count(*) || ':' || count(*) FILTER (WHERE state = 'active') "
    "|| ':' || count(*) FILTER (WHERE private) || ':' "
    "|| coalesce(max(metadata_modified)::text, '') FROM package), "
    "(SELECT count(*) || ':' || coalesce(max(created)::text, '') || ':' "
    "|| coalesce(max(finished)::text, '') || ':' "
    "|| count(*) FILTER (WHERE status = 'valid') FROM haute_garonne_validation)"
)

_lock = threading.Lock()
_cached: tuple[str, Figures] | None = None


def fingerprint(today: datetime.date) -> str:
    """What the figures depend on, in a few characters (two queries)."""
    packages, validations = model.Session.execute(_FINGERPRINT).one()
    return "|".join(
        (today.isoformat(), packages, validations, compat.organizations_digest())
    )


def compute(today: datetime.date) -> Figures:
    """The figures, from the public overview and one search."""
    rows = overview.build(include_private=False, user="", today=today)
    datasets = tk.get_action("package_search")(
        {"user": ""}, {"rows": 0, "include_private": False}
    )["count"]
    totals = overview.totals(rows)
    return Figures(
        collectivites=len(rows),
        datasets=datasets,
        obliged=totals[0]["obliged"] if totals else 0,
        shares=tuple(
            Share(t["dataset_type"], t["ok_obliged"], t["obliged"]) for t in totals
        ),
    )


def home_figures(today: datetime.date | None = None) -> Figures:
    """The key figures of the portal, computed again only when what they
    depend on has changed."""
    global _cached
    today = today or datetime.date.today()
    key = fingerprint(today)
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:  # one computation at a time; the others then read it
        cached = _cached
        if cached is None or cached[0] != key:
            cached = _cached = (key, compute(today))
    return cached[1]
