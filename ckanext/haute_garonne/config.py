"""Typed getters for our configuration options.

This is the only module that reads ``ckanext.haute_garonne.*`` keys; defaults
are declared once, in ``config_declaration.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import ckan.plugins.toolkit as tk

# CKAN's own default for ckan.site_logo, and the portal's, which replaces it
# unless the site sets another logo.
CKAN_DEFAULT_LOGO = "/base/images/ckan-logo.png"
PORTAL_LOGO = "/haute_garonne/logo-portail.svg"


def department_name() -> str:
    return tk.config["ckanext.haute_garonne.department_name"]


def department_code() -> str:
    return tk.config["ckanext.haute_garonne.department_code"]


def licenses_file_url() -> str:
    """The licence list shipped with the extension, as a file:// URL."""
    return (Path(__file__).parent / "licenses.json").resolve().as_uri()


def validation_sync_max_bytes() -> int:
    return tk.config["ckanext.haute_garonne.validation.sync_max_size"] * 1024 * 1024


def validation_url_timeout() -> int:
    return tk.config["ckanext.haute_garonne.validation.url_timeout"]


def fetch_max_bytes() -> int:
    return tk.config["ckanext.haute_garonne.fetch.max_size"] * 1024 * 1024


def fetch_allowed_hosts() -> list[str]:
    """Hosts exempt from the outbound address check; a string when a test
    sets the option (the ``ckan_config`` mark does not parse it)."""
    return tk.aslist(tk.config["ckanext.haute_garonne.fetch.allowed_hosts"])


def validation_max_errors() -> int:
    return tk.config["ckanext.haute_garonne.validation.max_errors"]


def validation_memory_bytes() -> int:
    return tk.config["ckanext.haute_garonne.validation.memory_mb"] * 1024 * 1024


def validation_request_seconds() -> float:
    return float(tk.config["ckanext.haute_garonne.validation.request_seconds"])


def validation_job_seconds() -> float:
    return float(tk.config["ckanext.haute_garonne.validation.job_seconds"])


def validation_hide_invalid() -> bool:
    return tk.config["ckanext.haute_garonne.validation.hide_invalid"]


def dcat_datasets_per_page() -> int:
    """Datasets per page of a DCAT catalogue: ckanext-dcat's own option."""
    return tk.config["ckanext.dcat.datasets_per_page"]


def reminders_enabled() -> bool:
    return tk.config["ckanext.haute_garonne.reminders.enabled"]


def reminders_digest() -> bool:
    return tk.config["ckanext.haute_garonne.reminders.digest"]


def reminders_digest_to() -> list[str]:
    return list(tk.config["ckanext.haute_garonne.reminders.digest_to"] or [])


def consolidation_auto() -> bool:
    return tk.config["ckanext.haute_garonne.consolidation.auto"]
