"""Uploads: the CKAN side of validation.

Owns the outbound-fetch policy every server-side download goes through
(``fetch.py``), the one fetch of a resource's file (``files.py``: upload, storage,
URL), the run of the engine on it (``runner.py``), upload-time checks that
CKAN's hooks and our actions share (``service.py``), the report store
(``store.py``), which files are hidden from whom (``visibility.py``) and the
background validation jobs (``jobs.py``: queued once per file, run again
when their worker dies, swept for when lost). Storing a report sends
``signals.report_recorded``.

Imports: the kernel, ``standards/`` and ``validation/``. Never ``socle/``,
``helpers``, ``views``, ``logic`` or ``implementations``.
"""
