"""What the uploads room tells the rest of the portal, as CKAN signals.

Other rooms subscribe to these (see ``socle/subscriptions.py``, wired by
``implementations/signals.py``); uploads/ never calls them back.
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["report_recorded"]

report_recorded = tk.signals.ckanext.signal("haute_garonne_report_recorded")
"""Sent once a validation report (or a pending validation) is stored.

The sender is the resource's id; keyword arguments: ``resource`` (the
resource dict), ``record`` (the stored :class:`~ckanext.haute_garonne.types.RecordedReport`).
"""
