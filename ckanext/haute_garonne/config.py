"""Typed getters for our configuration options.

This is the only module that reads ``ckanext.haute_garonne.*`` keys; defaults
are declared once, in ``config_declaration.yaml``.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk


def department_name() -> str:
    return tk.config["ckanext.haute_garonne.department_name"]


def department_code() -> str:
    return tk.config["ckanext.haute_garonne.department_code"]
