"""Subscriptions to CKAN signals (ISignal): the rooms that react to what
another room announces."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import SignalMapping

from ckanext.haute_garonne.entry import publish
from ckanext.haute_garonne.socle import subscriptions


class SignalsMixin(p.SingletonPlugin):
    p.implements(p.ISignal)

    # ISignal

    def get_signal_subscriptions(self) -> SignalMapping:
        found = dict(subscriptions.get_subscriptions())
        # An online table's file follows its rows (entry/publish.py): the
        # DataStore's actions, when its plugin is loaded.
        succeeded = tk.signals.action_succeeded
        found[succeeded] = [*found.get(succeeded, []), *publish.subscriptions()]
        return found
