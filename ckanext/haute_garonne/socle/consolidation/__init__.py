"""Department-wide consolidated files: one harmonised CSV per standard
version, merged from the valid public files of every collectivité
(``merge.py``, pure) and published by the Département (``portal.py``)."""
