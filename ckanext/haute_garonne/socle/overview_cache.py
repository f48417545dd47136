"""The compliance overview, kept between requests until something it shows
changes.

Building the overview of 603 collectivités and 5,000 datasets takes a few
PostgreSQL queries and the Python that makes 3,618 cells of them (about a
tenth of a second); sysadmins open it every day. Each web process keeps the rows it built, for the public and for the
sysadmins' view (private datasets included; the same for every sysadmin),
together with the state of the portal they were built from:

- a generation number in CKAN's Redis, raised by ``forget`` whenever the
  portal changes what the overview shows: a validation report recorded
  (``uploads.signals.report_recorded``), a dataset or a file created,
  edited, made private or public, moved, deleted or purged, a collectivité
  created, edited or deleted (CKAN's ``action_succeeded``, sent once the
  action has committed). ``socle/subscriptions.py`` wires them. Every
  process sees the new number at its next request;
- the day (a dataset becomes late with time);
- counts and latest changes of the datasets, collectivités and
  validations (one cheap query), for the writes that send no signal (a
  candidate file's verdict, a script, a test's wiped database);
- and, as a safety net only, an age: rows older than ``SAFETY_NET``
  seconds are built again.

The generation is read before building, so a change made while rows are
being built gives them an old number: the next request builds again. When
Redis cannot be reached, nothing is kept.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError
from sqlalchemy import text

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis

from ckanext.haute_garonne.socle import overview

log = logging.getLogger(__name__)

__all__ = ["ACTIONS", "SAFETY_NET", "forget", "rows"]

# Seconds after which kept rows are built again even without any change.
SAFETY_NET = 600.0

# CKAN actions after which the overview may show something else (their
# nested calls too: package_patch, package_revise and the resource actions
# run package_update; organization_patch runs organization_update).
ACTIONS = (
    "package_create",
    "package_update",
    "package_delete",
    "dataset_purge",
    "package_owner_org_update",
    "bulk_update_private",
    "bulk_update_public",
    "bulk_update_delete",
    "resource_create",
    "resource_update",
    "resource_delete",
    "organization_create",
    "organization_update",
    "organization_delete",
    "organization_purge",
)

# Counts and latest changes of the datasets, the collectivités and the
# validations (one cheap query).
_DIGEST = text(
    "SELECT (SELECT count(*) || ':' || count(*) FILTER (WHERE private) || ':' "
    "|| coalesce(max(metadata_modified)::text, '') FROM package) || '|' "
    "|| (SELECT count(*) FROM \"group\" WHERE is_organization) || '|' "
    "|| (SELECT count(*) || ':' || coalesce(max(created)::text, '') || ':' "
    "|| coalesce(max(finished)::text, '') || ':' "
    "|| count(*) FILTER (WHERE status = 'valid') FROM haute_garonne_validation)"
)


@dataclass(frozen=True)
class _Kept:
    state: tuple[str, ...]
    at: float  # time.monotonic() when built
    rows: list[overview.Row]


_lock = threading.Lock()
_kept: dict[bool, _Kept] = {}


def _redis_key() -> str:
    return f"{tk.config.get('ckan.site_id')}:haute_garonne:overview:generation"


def forget(sender: Any = None, **kwargs: Any) -> None:
    """What the overview shows has changed: every process builds it again
    at its next request (a receiver of CKAN signals; never fails)."""
    _kept.clear()
    try:
        connect_to_redis().incr(_redis_key())
    except RedisError:
        log.warning("The overview's generation could not be raised in Redis")


def _state(today: datetime.date) -> tuple[str, ...] | None:
    """What kept rows must have been built from to be shown; None when
    Redis cannot be reached."""
    try:
        generation = connect_to_redis().get(_redis_key())
    except RedisError:
        log.warning("Redis unreachable: the overview is built for each request")
        return None
    digest = model.Session.execute(_DIGEST).scalar_one()
    if isinstance(generation, bytes):
        generation = generation.decode()
    return (str(generation or 0), today.isoformat(), digest)


def rows(
    include_private: bool, user: str, today: datetime.date | None = None
) -> list[overview.Row]:
    """``overview.build(include_private, user)`` for every collectivité, from
    the rows this process keeps when nothing has changed since. The rows
    are shared: read them, never change them."""
    today = today or datetime.date.today()
    state = _state(today)
    if state is None:
        return overview.build(include_private=include_private, user=user, today=today)
    kept = _kept.get(include_private)
    if kept is not None and _fresh(kept, state):
        return kept.rows
    with _lock:  # one build at a time; the others then read it
        kept = _kept.get(include_private)
        if kept is None or not _fresh(kept, state):
            started = time.monotonic()
            built = overview.build(
                include_private=include_private, user=user, today=today
            )
            kept = _kept[include_private] = _Kept(state, started, built)
    return kept.rows


def _fresh(kept: _Kept, state: tuple[str, ...]) -> bool:
    return kept.state == state and time.monotonic() - kept.at < SAFETY_NET
