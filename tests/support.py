"""What tests share besides fixtures: imported by name (``from support
import …``), since several folders have a ``conftest`` module of their own."""

from __future__ import annotations

import itertools
from typing import Any

from stdnum import luhn

__all__ = ["ALLOWED_HOSTS", "LocalServer", "call_action", "submit", "valid_siren"]

ALLOWED_HOSTS = "ckanext.haute_garonne.fetch.allowed_hosts"

_SIREN_BASES = itertools.count(10_000_000)


def call_action(action_name: str, context: dict[str, Any] | None = None, **kwargs: Any):
    """CKAN's ``call_action`` (as the site, authorisation skipped), on a fresh
    database session: what it reads is what is stored now.

    Tests that let another process write (the browser tests' ``ckan run``
    server) must read back this way. CKAN's own helper reuses the test's
    session, whose objects keep what they loaded the first time: on CKAN
    2.11, whose organisation extras are rows of their own (``group_extra``),
    an ``organization_show`` after the server saved a new colour still gave
    the colour of the earlier read."""
    from ckan import model
    from ckan.tests import helpers

    model.Session.remove()
    return helpers.call_action(action_name, context, **kwargs)


def submit(page: Any, target: Any, key: str | None = None) -> None:
    """Click ``target`` (a Playwright locator), or press ``key`` on it, and
    wait until the page it leads to has loaded and gone quiet. Waiting for
    "networkidle" alone after a click races the navigation: on a slow
    machine it returns before the form is even posted."""
    with page.expect_navigation(wait_until="load"):
        if key:
            target.press(key)
        else:
            target.click()
    page.wait_for_load_state("networkidle")


def valid_siren() -> str:
    """A SIREN with a valid check digit, new at each call."""
    base = str(next(_SIREN_BASES))
    return base + luhn.calc_check_digit(base)


class LocalServer:
    """A small HTTP server on 127.0.0.1 (ephemeral port), run in a thread,
    for what the portal downloads. ``routes`` maps a path to a response
    (status, headers, body) or to a function that answers the request
    itself; ``requests`` lists the paths it was asked for. With ``tls`` (an
    ``ssl.SSLContext``), it speaks https."""

    def __init__(self, tls: Any = None) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path.split("?", 1)[0])
                if callable(route):
                    route(self)
                    return
                status, headers, body = route or (404, {}, b"absent")
                self.send_response(status)
                for name, value in {"Content-Length": len(body), **headers}.items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.routes: dict[str, Any] = {}
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "http" if tls is None else "https"
        self.port = self._httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}{path}"

    def file(self, path: str, body: bytes, **headers: Any) -> str:
        """Serve ``body`` at ``path``; its URL."""
        self.routes[path] = (200, headers, body)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = (status, {"Location": location}, b"")
        return self.url(path)

    def __enter__(self) -> LocalServer:
        import threading

        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
