"""The language of work done outside web requests (jobs, commands)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import flask

from ckan.config import middleware

__all__ = ["in_default_language"]


@contextlib.contextmanager
def in_default_language() -> Iterator[None]:
    """Jobs and commands run outside any web request, where translated
    strings stay in English: run them in the request context CKAN itself
    uses outside requests (for url_for), whose language is the portal's
    default (ckan.locale_default)."""
    context = getattr(middleware, "_internal_test_request_context", None)
    if flask.has_request_context() or context is None:
        yield
        return
    with context:
        yield
