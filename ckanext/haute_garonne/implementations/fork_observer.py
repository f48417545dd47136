"""Job workers (IForkObserver): CKAN calls ``before_fork`` in an RQ worker
before it forks the process of each job."""

from __future__ import annotations

import ckan.plugins as p

from ckanext.haute_garonne.uploads import runner


class ForkObserverMixin(p.SingletonPlugin):
    p.implements(p.IForkObserver)

    # IForkObserver

    def before_fork(self) -> None:
        runner.prepare_worker()
