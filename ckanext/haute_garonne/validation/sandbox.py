"""Running the validation in a child process, bounded in memory and time.

Pure module: no CKAN import. ``validate(...)`` takes the arguments of
``engine.validate`` and returns the same report, computed in a child process:

- whose address space may grow by ``memory`` bytes at most
  (``resource.setrlimit(RLIMIT_AS)``): beyond, an allocation fails and the
  report says the file is too large once decompressed; a child that dies all
  the same (killed by the system) gives the same report;
- that is killed after ``seconds`` of wall-clock time (and stops by itself
  after as many seconds of CPU time, should its parent be gone): the report
  then says the file takes too long to analyse.

Whatever the file, the calling process (a web request, a background job)
only waits for a report of bounded size: it neither grows nor waits longer
than ``seconds``. The readers' own limits (``limits.Limits``) still apply in
the child and refuse most hostile files long before these two.

Children are forked from a server process that ``multiprocessing`` starts
once per calling process (its "forkserver" start method) and that imports the
engine once: a call costs a fork and a few small pickles, not the start of an
interpreter (``bench/abuse.py`` measures it). A background job is itself a
process that RQ forks for that job alone: a fork server of its own would cost
every job the start of an interpreter. Its worker therefore calls
``prepare_forking_parent`` before each fork (CKAN's ``IForkObserver``): the
worker fills the engine's caches once, and the job, single-threaded, forks
its children directly (the "fork" start method) with those caches in them.
Such a child may also reuse, on top of ``memory``, what its job's process
has freed without returning it to the system (the limit bounds the growth of
the address space); a job reads little before its check, and ``memory`` is
1 GB by default.

A child also runs at a lower processor priority (``NICENESS``) than its
caller: on a busy server, a web process answering a visitor comes before the
check of a file.

``run(...)`` returns an ``Outcome``: the report, the limit that stopped the
child if one did ("memory" or "time"; a web request may then hand the file
over to a background job), the duration and the child's peak memory.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

# Imported here so that the fork server holds them for its children.
import openpyxl.styles.numbers
import openpyxl.utils.datetime  # noqa: F401

from ckanext.haute_garonne.validation import sheets  # noqa: F401
from ckanext.haute_garonne.validation.engine import (
    Fatal,
    Options,
    _describe,
    _version,
)
from ckanext.haute_garonne.validation.engine import validate as _validate
from ckanext.haute_garonne.validation.i18n import current_language
from ckanext.haute_garonne.validation.i18n import language as _language
from ckanext.haute_garonne.validation.limits import (
    MB,
    memory_limit,
    out_of_memory_message,
    too_large_message,
    too_slow_message,
)
from ckanext.haute_garonne.validation.report import Report

if TYPE_CHECKING:
    from typing_extensions import Unpack

log = logging.getLogger(__name__)

MEMORY = 1024 * MB  # what a child may add to its address space
SECONDS = 300.0  # wall-clock time of a child
NICENESS = 5  # added to the caller's niceness: checks yield to pages
MEMORY_LIMIT, TIME_LIMIT = "memory", "time"

# Set for the fork server: the path of the caller's main script, if any (see
# _prepare_server).
_SERVER_ENV = "HAUTE_GARONNE_SANDBOX_MAIN"

_lock = threading.Lock()
_context: Any = None
_forks_directly = False  # set by prepare_forking_parent, inherited by forks


@dataclass
class Outcome:
    report: Report
    limit: str | None = None  # MEMORY_LIMIT or TIME_LIMIT: what stopped the child
    seconds: float = 0.0  # of the whole call, the child's start included
    peak_rss: int = 0  # peak resident memory of the child, in bytes (0: unknown)


def validate(*args: Any, **kwargs: Any) -> Report:
    """``engine.validate`` in a child process of bounded memory and time:
    ``run``'s report (same arguments)."""
    return run(*args, **kwargs).report


def run(
    source: Any,
    standard: str,
    version: str | None = None,
    *,
    memory: int = MEMORY,
    seconds: float = SECONDS,
    **options: Unpack[Options],
) -> Outcome:
    """Validate in a child process; never raises for a bad file. ``options``
    are ``engine.validate``'s (``filename``, ``max_errors``, ``language``,
    ``limits``)."""
    code = options.get("language") or current_language()
    started = time.monotonic()
    options["filename"] = options.get("filename") or _stream_name(source)
    options["language"] = code
    with _as_argument(source) as argument:
        try:
            result = _call(memory, seconds, (argument, standard, version), options)
        except (OSError, RuntimeError, ValueError):
            # No child can be started (no process left, no fork server):
            # check in this process, bounded by the readers' limits only.
            log.exception("validation sandbox unavailable, checking in process")
            report = _validate(argument, standard, version, **options)
            return Outcome(report, None, time.monotonic() - started)
    elapsed = time.monotonic() - started
    if isinstance(result, tuple):
        found, limit, peak = result
        if found is not None:
            return Outcome(found, limit, elapsed, peak)
        limit = MEMORY_LIMIT
    else:
        limit = result
    with _language(code):
        message = (
            too_slow_message(seconds)
            if limit == TIME_LIMIT
            else too_large_message(memory_limit(memory))
        )
        return Outcome(_error_report(message, standard, version), limit, elapsed)


# The calling side ---------------------------------------------------------------


def _call(
    memory: int, seconds: float, args: tuple[Any, ...], kwargs: Options
) -> tuple[Report | None, str | None, int] | str:
    """The child's (report, limit, peak RSS), or the limit that stopped it."""
    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, memory, seconds, args, kwargs),
        name="haute-garonne-validation",
        daemon=True,
    )
    try:
        process.start()
    finally:
        sender.close()
    try:
        if not receiver.poll(seconds):
            process.kill()
            return TIME_LIMIT
        try:
            return receiver.recv()
        except (EOFError, OSError):  # the child died without answering
            return MEMORY_LIMIT
    finally:
        receiver.close()
        process.join(1)  # it has answered: it is about to exit
        if process.is_alive():
            process.kill()
            process.join()


@contextmanager
def _as_argument(source: Any) -> Iterator[Any]:
    """What a child can receive: a path or bytes as they are; a stream is
    first copied to a temporary file."""
    if isinstance(source, (str, os.PathLike)):
        yield os.fspath(source)
        return
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield bytes(source)
        return
    if not hasattr(source, "read"):
        yield source  # the engine reports it
        return
    with tempfile.NamedTemporaryFile(prefix="hg-sandbox-") as copy:
        while chunk := source.read(1024 * 1024):
            copy.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        copy.flush()
        yield copy.name


def _stream_name(source: Any) -> str | None:
    name = getattr(source, "name", None)
    if isinstance(name, str) and hasattr(source, "read"):
        return os.path.basename(name)
    return None


def _error_report(message: str, standard: str, version: str | None) -> Report:
    """The report of a file whose child was stopped by a limit."""
    from ckanext.haute_garonne.standards.registry import get_standard

    report = Report(status="error", valid=False, fatal=message)
    found = get_standard(standard) if standard else None
    if found is not None:
        report.standard, report.schema = found.name, found.identifier
        try:
            chosen = _version(found, version)
        except Fatal:
            chosen = None
        if chosen is not None:
            _describe(report, chosen)
    return report


def prepare_forking_parent() -> None:
    """Called by a process about to fork single-threaded children that will
    check files (an RQ worker, before each job): fill the engine's caches
    here, once, so that those children and theirs inherit them, and let them
    fork their checks directly instead of starting a fork server each."""
    global _forks_directly
    with _lock:
        if _forks_directly or "fork" not in multiprocessing.get_all_start_methods():
            return
        _warm()
        _forks_directly = True


def _get_context() -> Any:
    global _context
    if _forks_directly and threading.active_count() == 1:
        # A job of a prepared worker: a fork of this single-threaded,
        # warmed process costs less than any server.
        return multiprocessing.get_context("fork")
    with _lock:
        if _context is None:
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload([__name__])
                os.environ[_SERVER_ENV] = _main_path() or ""
            python = _python()
            if python != sys.executable:
                context.set_executable(python)
            _context = context
        return _context


def _main_path() -> str | None:
    """The script a child would run again before its task (multiprocessing
    does so for the caller's main script, e.g. ``ckan``: 3 s of imports)."""
    from multiprocessing import spawn

    return spawn.get_preparation_data("haute-garonne").get("init_main_from_path")


def _python() -> str:
    """The Python interpreter to start the fork server with: under uWSGI,
    ``sys.executable`` is uWSGI itself."""
    executable = sys.executable or ""
    if os.path.basename(executable).startswith("python"):
        return executable
    for name in ("python3", "python"):
        candidate = os.path.join(sys.prefix, "bin", name)
        if os.path.exists(candidate):
            return candidate
    return executable


def _prepare_server() -> None:
    """In the fork server (started by ``python -c``, importing this module):

    - take the caller's main script for ours, so that the children do not run
      it again (multiprocessing runs it in each child unless
      ``__main__.__file__`` already names it);
    - fill the caches of the engine (compiled schemas, the communes, the
      catalogue of messages) once for all the children, by checking a header
      of each standard.
    """
    path = os.environ.get(_SERVER_ENV)
    main = sys.modules.get("__main__")
    if path is None or sys.argv[:1] != ["-c"] or main is None:
        return
    del os.environ[_SERVER_ENV]  # for the server only
    if path and getattr(main, "__file__", None) is None:
        main.__file__ = path
    _warm()


def _warm() -> None:
    """Fill the engine's caches (compiled schemas, the communes, the
    catalogue of messages) by checking a header of each standard."""
    from ckanext.haute_garonne.standards.registry import load_descriptor, standards

    for name, standard in standards().items():
        for version in standard.versions:
            if standard.kind == "json":
                data = b"{}"
            else:
                fields = load_descriptor(version.path).get("fields", [])
                data = ",".join(f["name"] for f in fields).encode("utf-8") + b"\n"
            _validate(data, name, version.version, max_errors=10)


_prepare_server()


# The child ----------------------------------------------------------------------


def _child(
    sender: Connection,
    memory: int,
    seconds: float,
    args: tuple[Any, ...],
    kwargs: Options,
) -> None:
    try:
        _limit(memory, seconds)
        report: Report | None = _validate(*args, **kwargs)
        limit = None
        with _language(kwargs.get("language")):
            if report is not None and report.fatal == out_of_memory_message():
                report.fatal = too_large_message(memory_limit(memory))
                limit = MEMORY_LIMIT
    except MemoryError:
        report, limit = None, MEMORY_LIMIT
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sender.send((report, limit, peak))
    sender.close()


def _limit(memory: int, seconds: float) -> None:
    """Bound the address space and CPU time of the current process, and
    lower its priority."""
    size = _address_space()
    if size and memory:
        _set(resource.RLIMIT_AS, size + memory)
    cpu = math.ceil(seconds) + 1
    _set(resource.RLIMIT_CPU, cpu)
    # Not allowed here (OSError): the child keeps its caller's priority.
    with contextlib.suppress(OSError):
        os.nice(NICENESS)


def _set(kind: int, value: int) -> None:
    try:
        _soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, hard))
    except (ValueError, OSError):  # not supported here: the wall clock still holds
        pass


def _address_space() -> int:
    """The current size of the address space, in bytes (0: unknown)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
