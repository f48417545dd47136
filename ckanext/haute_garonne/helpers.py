"""Template helpers, all named ``haute_garonne_*``."""

from __future__ import annotations

from ckanext.haute_garonne import config


def haute_garonne_department_name() -> str:
    """Name of the département that runs the portal."""
    return config.department_name()
