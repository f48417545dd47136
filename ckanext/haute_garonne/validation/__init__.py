"""Validation engine for the files collectivités publish (SCDL Table Schemas,
BAL, DECP JSON).

Pure package: no CKAN import anywhere in it, so that the command line, the
background jobs and the tests use it without a CKAN instance::

    from ckanext.haute_garonne.validation import validate, Report

    report = validate("subventions.csv", "subventions")
    report.valid, report.error_counts, report.errors[0].message
"""

from __future__ import annotations

from ckanext.haute_garonne.validation.engine import validate
from ckanext.haute_garonne.validation.report import (
    WARNING_TYPES,
    Error,
    Report,
    is_warning,
)

__all__ = ["WARNING_TYPES", "Error", "Report", "is_warning", "validate"]
