"""Translations of the engine's messages, with Python's gettext.

Pure module: no CKAN import. The messages are written in English (the
msgids) and read in the language chosen for the current validation, French
by default: the portal and the command line speak French. The catalogue is
ours, the one CKAN's ``DefaultTranslation`` loads for the templates
(``ckanext/haute_garonne/i18n/<lang>/LC_MESSAGES/ckanext-haute_garonne.mo``).

- ``_(msgid)`` and ``ngettext(singular, plural, n)`` translate at once, in
  the current language; call them when a message is built, never at import;
- ``N_(msgid)`` only marks a string of a module-level table for extraction:
  translate it with ``_`` where it is used;
- ``language(code)`` sets the language of a block (a context variable, so
  that threads and asynchronous tasks do not share it); ``validate(...,
  language="en")`` uses it. A language without catalogue (``en``) gives the
  English msgids.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

DOMAIN = "ckanext-haute_garonne"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "i18n"
DEFAULT_LANGUAGE = "fr"

_current: ContextVar[str] = ContextVar(
    "haute_garonne_validation_language", default=DEFAULT_LANGUAGE
)


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The catalogue of a language (loaded once); none for English."""
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[code], fallback=True)


def current_language() -> str:
    return _current.get()


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Messages built in the block are in ``code`` (None: unchanged)."""
    if not code:
        yield _current.get()
        return
    token = _current.set(code)
    try:
        yield code
    finally:
        _current.reset(token)


def _(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    return message
