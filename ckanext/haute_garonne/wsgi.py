"""The WSGI entry of the portal, for a real WSGI server behind nginx.

CKAN installed from PyPI ships no ``wsgi.py``; this does what the one in
CKAN's source tree does (load the configuration and its logging sections,
``make_app``), as a factory so that importing the module builds nothing::

    gunicorn --config deploy/gunicorn.conf.py \\
        'ckanext.haute_garonne.wsgi:make_application()'

The configuration file is ``CKAN_INI`` (as for the ``ckan`` command), else
``ckan.ini`` in the current directory. Each worker process calls the
factory once, after the fork: the database and Redis connections it opens
are its own. ``CKAN_SQLALCHEMY_URL``, ``CKAN_SOLR_URL``, ``CKAN_REDIS_URL``
and ``CKAN_SITE_URL`` override the file, as for the ``ckan`` command.
"""

from __future__ import annotations

import logging
import os
from typing import Any

__all__ = ["make_application"]


def make_application(config_path: str | None = None) -> Any:
    """Build CKAN's WSGI application from an ini file."""
    # Imported here: the module stays importable without building CKAN.
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    path = os.path.abspath(config_path or os.environ.get("CKAN_INI") or "ckan.ini")
    if not os.path.isfile(path):
        raise RuntimeError(f"CKAN configuration file not found: {path}")
    app = make_app(load_config(path))
    # load_config applies the ini file's logging sections, and with them
    # disables every logger created before: the WSGI server's own (its access
    # log) must keep working.
    for name, logger in logging.root.manager.loggerDict.items():
        if name.startswith("gunicorn") and isinstance(logger, logging.Logger):
            logger.disabled = False
    return app
