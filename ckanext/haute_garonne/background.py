"""How our background jobs are queued, so that none is lost or doubled.

Every job of ours has a key: what it works on (a resource's file, a
standard version). Its RQ job id is made from the key, so that

- asking again while a job for the key waits in the queue queues nothing:
  the waiting job reads the latest state when it runs;
- asking again while it runs queues one follow-up (the running job may have
  read the state before the change), and no more;
- a job whose worker died is run again by RQ itself: jobs are queued with
  retries, and RQ's registry cleanup puts a started job back in the queue
  once its worker stopped sending heartbeats (about 90 s). Every worker runs
  that cleanup when it starts and then every 10 minutes; ``cleanup_abandoned``
  runs it at once (the ``ckan haute-garonne requeue`` command).

Our jobs are idempotent: running one twice does no harm, so a follow-up or a
retry is always safe. Redis itself keeps the queue across restarts when it
runs with persistence (README, "Services").
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from typing import Any

from redis.exceptions import LockError, ResponseError
from rq import Retry
from rq.job import Job

import ckan.plugins.toolkit as tk
from ckan.lib import jobs as ckan_jobs

log = logging.getLogger(__name__)

__all__ = [
    "RETRIES",
    "cleanup_abandoned",
    "enqueue_once",
    "job_id",
    "once_per",
    "state",
]

RETRIES = 3  # runs after the first, when a worker dies or the job raises
WAITING = ("queued", "deferred", "scheduled")
STARTED = "started"
_SLOTS = ("", "-again")  # the job for a key, and its one follow-up


def job_id(key: str, slot: str = "") -> str:
    """The RQ job id of a key (letters, digits, ``_`` and ``-``, as RQ
    accepts), prefixed with the site id like CKAN's queue names."""
    site_id = tk.config.get("ckan.site_id") or "default"
    return re.sub(r"[^\w-]", "_", f"{site_id}-haute_garonne-{key}{slot}")


def _state(job: Job | None) -> str | None:
    """The job's status, None when it is gone. A job said to be queued but
    missing from its queue (a queue emptied by hand, a Redis that lost its
    last second) counts as gone."""
    if job is None:
        return None
    found = job.get_status(refresh=False)
    if found is None:
        return None
    status = str(getattr(found, "value", found))
    if status == "queued":
        queue = ckan_jobs.get_queue()
        try:
            if queue.connection.lpos(queue.key, job.id) is None:
                return None
        except ResponseError:  # Redis before 6.0.6: trust the status
            pass
    return status


def _jobs(key: str) -> list[tuple[str, Job | None]]:
    queue = ckan_jobs.get_queue()
    return [(job_id(key, slot), queue.fetch_job(job_id(key, slot))) for slot in _SLOTS]


def state(key: str) -> str | None:
    """Where the key's jobs are: ``waiting`` (one is in the queue),
    ``running``, ``failed`` (the last one gave up, its retries used up) or
    None (no job, or it finished)."""
    states = [_state(job) for _, job in _jobs(key)]
    if any(s in WAITING for s in states):
        return "waiting"
    if STARTED in states:
        return "running"
    if "failed" in states:
        return "failed"
    return None


def once_per(name: str, seconds: int) -> bool:
    """True at most once per ``seconds`` across every process of the site,
    for chores that jobs run now and then."""
    queue = ckan_jobs.get_queue()
    return bool(queue.connection.set(job_id(name), "1", nx=True, ex=seconds))


def enqueue_once(
    fn: Callable[..., Any],
    args: list[Any],
    *,
    key: str,
    title: str,
    timeout: int = 3600,
) -> bool:
    """Queue ``fn(*args)`` for a key, unless a job for the key already waits
    in the queue. True if a job was queued."""
    queue = ckan_jobs.get_queue()
    lock = queue.connection.lock(job_id(key, "-lock"), timeout=30, blocking_timeout=10)
    try:
        locked = lock.acquire()
    except LockError:
        locked = False
    try:
        slots = _jobs(key)
        states = [_state(job) for _, job in slots]
        if any(state in WAITING for state in states):
            return False
        # A free slot: no job, or one that is over (finished, failed,
        # stopped); the other slot, if any, is running.
        free = next((i for i, state in enumerate(states) if state != STARTED), None)
        rq_kwargs: dict[str, Any] = {"timeout": timeout, "retry": Retry(max=RETRIES)}
        if free is None:
            # Both run (two workers): a job of its own, never lost.
            log.info("Jobs of %s are running: one more without key", key)
        else:
            rq_kwargs["job_id"], old = slots[free]
            if old is not None:
                old.delete()
        tk.enqueue_job(fn, args, title=title, rq_kwargs=rq_kwargs)
        return True
    finally:
        if locked:
            with contextlib.suppress(LockError):  # expired meanwhile
                lock.release()


def cleanup_abandoned() -> None:
    """Let RQ put back in the queue (or fail, once their retries are used
    up) the started jobs whose worker stopped sending heartbeats."""
    queue = ckan_jobs.get_queue()
    queue.started_job_registry.cleanup()
