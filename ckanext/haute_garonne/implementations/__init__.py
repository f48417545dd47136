"""Thin CKAN hooks, one mixin per interface, inherited by ``plugin.py``:
each calls a room's service and holds no logic of its own."""
