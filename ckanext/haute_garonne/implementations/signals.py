"""Subscriptions to CKAN signals (ISignal): the rooms that react to what
another room announces."""

from __future__ import annotations

import ckan.plugins as p
from ckan.types import SignalMapping

from ckanext.haute_garonne.socle import subscriptions


class SignalsMixin(p.SingletonPlugin):
    p.implements(p.ISignal)

    # ISignal

    def get_signal_subscriptions(self) -> SignalMapping:
        return subscriptions.get_subscriptions()
