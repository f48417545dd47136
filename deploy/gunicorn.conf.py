"""Gunicorn settings of the portal, read by `dev/serve` and by the systemd
unit of docs/deploiement.md (`gunicorn --config .../gunicorn.conf.py`).

Each value can be changed by the environment variable named beside it, so
that one file serves the development layout and a production host. Why
each value, in short (docs/deploiement.md explains more):

- sync workers: one request at a time per process, the model CKAN's own
  deployment (uWSGI, one thread) assumes; nginx in front buffers slow
  uploads and downloads, so a slow client never holds a worker;
- ``timeout`` above the longest request we accept (a spreadsheet validated
  during its upload), and below nginx's ``proxy_read_timeout``;
- ``max_requests``: a worker is replaced after that many requests (with
  jitter, so that they are not all replaced at once), which bounds the
  growth of a long-lived Python process.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# Where nginx reaches the workers: a unix socket (default) or 127.0.0.1:PORT.
bind = [os.environ.get("HG_WSGI_BIND") or "unix:/run/ckan/gunicorn.sock"]
# HG_WEB_WORKERS: web processes; about one per core (CKAN is CPU-bound).
workers = _int("HG_WEB_WORKERS", 2)
worker_class = "sync"
# HG_WEB_TIMEOUT: seconds a worker may spend on one request before the
# master kills and replaces it.
timeout = _int("HG_WEB_TIMEOUT", 120)
graceful_timeout = 30
max_requests = _int("HG_WEB_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# Only nginx, on this host, may set X-Forwarded-* headers.
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "ckan-web"

# Logs: the access log names the worker (pid) and nginx's request id, so a
# line of nginx's log can be followed to the process that answered it.
accesslog = os.environ.get("HG_WEB_ACCESS_LOG") or "-"
errorlog = os.environ.get("HG_WEB_ERROR_LOG") or "-"
access_log_format = (
    '%({x-forwarded-for}i)s %({x-request-id}i)s %(p)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
)
