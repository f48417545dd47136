"""Saisie en ligne: SCDL tables kept in CKAN's Table Designer (DataStore).

Imports: the kernel, ``standards/``, ``validation/`` and ``uploads/``.
"""
