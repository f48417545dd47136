"""The API surface: actions (``action.py``), one auth function per action
(``auth.py``), their schemas (``schema.py``) and form validators
(``validators.py``). Actions call the rooms; never ``implementations``."""
