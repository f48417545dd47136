"""Socle commun: the département's view.

Owns the compliance overview (``overview.py``), e-mail reminders
(``reminders.py``), department-wide consolidated files (``consolidation/``,
with the pure ``merge.py``) and their jobs (``jobs.py``). It reacts to
``uploads.signals.report_recorded`` and to CKAN's ``action_succeeded`` on
source datasets (``subscriptions.py``); uploads/ never calls it.

Imports: the kernel, ``standards/``, ``validation/``, ``uploads/`` and
``collectivites/``. Never ``helpers``, ``views``, ``logic`` or
``implementations``.
"""
