"""The one outbound-fetch policy: the portal downloads only from public
http(s) addresses, within a size and a time, and says why in French.

A local HTTP server stands for the internet; it is refused like any internal
address unless a test allow-lists it (``allow_local``), as a site admin
would list an intranet host.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import ALLOWED_HOSTS, LocalServer

from ckan.tests.helpers import call_action

from ckanext.haute_garonne.uploads import fetch
from ckanext.haute_garonne.uploads.fetch import FetchError, download

SMALL = {"max_bytes": 10_000, "timeout": 5}


def _refusal(url: str, **limits: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        download(url, io.BytesIO(), **{**SMALL, **limits})
    return caught.value


# Addresses on this machine: the local server's port, so that a request
# let through would show in ``local_server.requests``.
LOCAL = {
    "loopback": "http://127.0.0.1:{port}/",
    "loopback elsewhere in 127/8": "http://127.8.9.1:{port}/",
    "loopback IPv6": "http://[::1]:{port}/",
    "localhost": "http://localhost:{port}/",
    "unspecified (reaches the local host)": "http://0.0.0.0:{port}/",
    "decimal": "http://2130706433:{port}/",
    "hexadecimal": "http://0x7f000001:{port}/",
    "hexadecimal and short": "http://0x7f.1:{port}/",
    "octal": "http://017700000001:{port}/",
    "short dotted": "http://127.1:{port}/",
    "IPv4-mapped IPv6": "http://[::ffff:127.0.0.1]:{port}/",
    "IPv4-mapped IPv6, hexadecimal": "http://[::ffff:7f00:1]:{port}/",
    "trailing dot": "http://localhost.:{port}/",
}
# Addresses elsewhere: refused before any connection is tried.
ELSEWHERE = {
    "private 10/8": "http://10.1.2.3/",
    "private 172.16/12": "http://172.16.0.1/",
    "private 172.16/12, top": "http://172.31.255.254/",
    "private 192.168/16": "http://192.168.1.1/",
    "unique local IPv6": "http://[fd12:3456::1]/",
    "cloud metadata": "http://169.254.169.254/latest/meta-data/",
    "cloud metadata, decimal": "http://2852039166/latest/meta-data/",
    "cloud metadata IPv6": "http://[fd00:ec2::254]/latest/meta-data/",
    "link-local": "http://169.254.1.1/",
    "link-local IPv6": "http://[fe80::1]/",
    "shared address space (CGNAT)": "http://100.64.0.1/",
    "CGNAT cloud metadata": "http://100.100.100.200/latest/meta-data/",
    "multicast": "http://224.0.0.1/",
    "multicast IPv6": "http://[ff02::1]/",
    "reserved": "http://240.0.0.1/",
    "broadcast": "http://255.255.255.255/",
    "documentation": "http://192.0.2.1/",
    "benchmarking": "http://198.18.0.1/",
    "this network": "http://0.1.2.3/",
    "unspecified IPv6": "http://[::]/",
    "IPv4-mapped private": "http://[::ffff:10.0.0.1]/",
    "IPv4-mapped metadata": "http://[::ffff:a9fe:a9fe]/",
    "NAT64 of loopback": "http://[64:ff9b::7f00:1]/",
    "6to4 of private": "http://[2002:a00:1::1]/",
    "Teredo": "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
    "IPv4-compatible IPv6": "http://[::127.0.0.1]/",
    "https to private": "https://10.0.0.1/",
}


@pytest.mark.parametrize("template", LOCAL.values(), ids=LOCAL.keys())
def test_local_addresses_are_refused_whatever_their_spelling(
    template: str, local_server: LocalServer
) -> None:
    local_server.file("/", b"secret")
    refusal = _refusal(template.format(port=local_server.port))
    assert refusal.reason == "address"
    assert local_server.requests == []


@pytest.mark.parametrize("url", ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_private_link_local_and_reserved_addresses_are_refused(url: str) -> None:
    assert _refusal(url).reason == "address"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/data.csv",
        "gopher://127.0.0.1:6379/_INFO",
        "dict://127.0.0.1:6379/info",
        "data:text/csv,a,b",
        "javascript:alert(1)",
        "//example.org/data.csv",
        "data.csv",
    ],
)
def test_only_http_and_https_are_spoken(url: str) -> None:
    assert _refusal(url).reason == "scheme"


def test_a_user_name_or_password_in_the_address_is_refused(
    allow_local: LocalServer,
) -> None:
    allow_local.file("/data.csv", b"a,b\n")
    for url in (
        f"http://user:secret@{allow_local.host}/data.csv",
        f"http://user@{allow_local.host}/data.csv",
        f"http://example.org@{allow_local.host}/data.csv",
        f"http://{allow_local.host}@example.org/data.csv",
        f"http://example.org\\@{allow_local.host}/data.csv",
    ):
        assert _refusal(url).reason == "credentials", url
    assert allow_local.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.org/",
        "http://example.org\\.127.0.0.1/",
        "http://127.0.0.1:99999/",
        "http://:80/",
        "http:///data.csv",
        "http://[::1/",
    ],
)
def test_what_is_no_web_address_is_refused(url: str) -> None:
    assert _refusal(url).reason == "invalid"


def test_an_allow_listed_host_is_reached(allow_local: LocalServer) -> None:
    body = b"siret,montant\n21310458100013,2400\n"
    url = allow_local.file("/subventions.csv", body)
    target = io.BytesIO()
    got = download(url + "?annee=2024", target, **SMALL)
    assert target.getvalue() == body
    assert (got.size, got.sha256, got.truncated) == (
        len(body),
        hashlib.sha256(body).hexdigest(),
        False,
    )
    assert allow_local.requests == ["/subventions.csv?annee=2024"]


def test_the_allow_list_names_a_port_and_nothing_else(
    allow_local: LocalServer,
) -> None:
    with LocalServer() as other:
        other.file("/", b"secret")
        assert _refusal(other.url("/")).reason == "address"
        assert other.requests == []


@pytest.mark.ckan_config(ALLOWED_HOSTS, "127.0.0.1")
def test_a_host_allow_listed_without_port_is_reached_on_any_port(
    local_server: LocalServer,
) -> None:
    url = local_server.file("/a.csv", b"a\n")
    assert download(url, io.BytesIO(), **SMALL).size == 2
    # The allow-list names 127.0.0.1, not what resolves to it.
    assert _refusal(f"http://localhost:{local_server.port}/a.csv").reason == "address"


def test_each_redirection_is_checked_again(allow_local: LocalServer) -> None:
    with LocalServer() as inside:
        inside.file("/private.csv", b"secret")
        targets = {
            "/to-another-port": (inside.url("/private.csv"), "address"),
            "/to-metadata": ("http://169.254.169.254/latest/meta-data/", "address"),
            "/to-decimal": (f"http://2130706433:{inside.port}/x.csv", "address"),
            "/to-file": ("file:///etc/passwd", "scheme"),
            "/to-credentials": (f"http://u:pw@{allow_local.host}/a", "credentials"),
        }
        for path, (location, _) in targets.items():
            allow_local.redirect(path, location, status=307)
        for path, (_, reason) in targets.items():
            refusal = _refusal(allow_local.url(path))
            assert refusal.reason == reason, path
            # The message names the publisher's URL, not where it led.
            assert "169.254" not in str(refusal)
            assert str(inside.port) not in str(refusal)
        assert inside.requests == []


def test_redirections_within_the_allowed_host_are_followed_a_few_times(
    allow_local: LocalServer,
) -> None:
    allow_local.file("/final.csv", b"a,b\n")
    allow_local.redirect("/moved.csv", "/final.csv", status=301)
    allow_local.redirect("/old.csv", allow_local.url("/moved.csv"), status=303)
    assert download(allow_local.url("/old.csv"), io.BytesIO(), **SMALL).size == 4
    allow_local.redirect("/loop", "/loop")
    assert _refusal(allow_local.url("/loop")).reason == "redirects"
    assert allow_local.requests.count("/loop") == 6


def test_an_error_answer_is_a_failure(allow_local: LocalServer) -> None:
    assert _refusal(allow_local.url("/absent.csv")).reason == "status"


def test_an_unknown_host_is_a_failure() -> None:
    assert _refusal("https://nowhere.invalid/data.csv").reason == "not_found"


def test_tls_to_a_server_that_does_not_speak_it_fails(
    allow_local: LocalServer,
) -> None:
    url = allow_local.file("/a.csv", b"a\n").replace("http://", "https://")
    assert _refusal(url).reason == "tls"


def _without_length(body: bytes, **headers: str):
    """A route that sends ``body`` without Content-Length, ending it by
    closing the connection (HTTP/1.0)."""

    def answer(handler) -> None:
        handler.send_response(200)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def test_a_file_larger_than_the_bound_is_refused(allow_local: LocalServer) -> None:
    allow_local.file("/announced.csv", b"x" * 20_000)
    allow_local.routes["/unannounced.csv"] = _without_length(b"x" * 20_000)
    for path in ("/announced.csv", "/unannounced.csv"):
        refusal = _refusal(allow_local.url(path), max_bytes=10_000)
        assert refusal.reason == "too_large", path


def test_with_truncate_a_larger_file_stops_just_past_the_bound(
    allow_local: LocalServer,
) -> None:
    url = allow_local.file("/big.csv", b"x" * 500_000)
    target = io.BytesIO()
    got = download(url, target, max_bytes=100_000, timeout=5, truncate=True)
    assert got.truncated
    assert 100_000 < got.size < 500_000
    assert len(target.getvalue()) == got.size


def test_a_compressed_answer_is_decoded_and_its_decoded_size_counts(
    allow_local: LocalServer,
) -> None:
    body = b"siret,montant\n" + b"21310458100013,2400\n" * 100
    allow_local.file("/small.csv", gzip.compress(body), **{"Content-Encoding": "gzip"})
    target = io.BytesIO()
    download(allow_local.url("/small.csv"), target, **SMALL)
    assert target.getvalue() == body

    # 50 MB of zeros in 50 kB: a decompression bomb is cut at the bound.
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    allow_local.file("/bomb.csv", bomb, **{"Content-Encoding": "gzip"})
    assert _refusal(allow_local.url("/bomb.csv")).reason == "too_large"

    allow_local.file("/brotli.csv", b"\x0b\x02\x80", **{"Content-Encoding": "br"})
    assert _refusal(allow_local.url("/brotli.csv")).reason == "encoding"


def _dribble(sent: list[int], headers_too: bool = False):
    """A route that sends a byte every 50 ms for 10 s (of its headers, or of
    its body): each read gets a byte in time, only a deadline stops it."""

    def answer(handler) -> None:
        head = b"HTTP/1.0 200 OK\r\nContent-Type: text/csv\r\n"
        head += b"X-Padding: " + b"x" * 200 + b"\r\n\r\n"
        body = b"a" * 200
        stream = head + body if headers_too else body
        if not headers_too:
            handler.wfile.write(head)
        try:
            for byte in stream:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                sent.append(byte)
                time.sleep(0.05)
        except OSError:
            pass

    return answer


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_server_that_dribbles_is_cut_off_at_the_deadline(
    allow_local: LocalServer, headers_too: bool
) -> None:
    sent: list[int] = []
    allow_local.routes["/slow.csv"] = _dribble(sent, headers_too)
    refusal = _refusal(allow_local.url("/slow.csv"), timeout=0.5)
    assert refusal.reason == "timeout"
    assert len(sent) < 100  # of the 200 or more bytes it had to send


def test_proxy_settings_of_the_environment_are_ignored(
    allow_local: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = allow_local.file("/a.csv", b"a\n")
    with LocalServer() as proxy:
        for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.url(""))
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        assert download(url, io.BytesIO(), **SMALL).size == 2
        assert proxy.requests == []


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """A stub DNS (the only part of the network stubbed): host name ->
    addresses; every question asked is recorded under ``asked``."""
    answers: dict[str, list[str]] = {"asked": []}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        answers["asked"].append(host)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (ip, port),
            )
            for ip in answers[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_host_with_any_internal_address_is_refused(resolver) -> None:
    resolver["mixed.example.org"] = ["8.8.8.8", "10.0.0.1"]
    assert _refusal("http://mixed.example.org/").reason == "address"
    resolver["rebind.example.org"] = ["127.0.0.1"]
    assert _refusal("http://rebind.example.org/").reason == "address"


def test_the_checked_address_is_the_one_connected_to(
    resolver, local_server: LocalServer, ckan_config, monkeypatch
) -> None:
    """The name is resolved once, by the policy: nothing resolves it again
    between the check and the connection (DNS rebinding)."""
    seen: list[str] = []

    def answer(handler) -> None:
        seen.append(handler.headers["Host"])
        handler.send_response(200)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"a\n")

    local_server.routes["/a.csv"] = answer
    resolver["portail.example.org"] = ["127.0.0.1"]
    monkeypatch.setitem(ckan_config, ALLOWED_HOSTS, "portail.example.org")
    url = f"http://portail.example.org:{local_server.port}/a.csv"
    assert download(url, io.BytesIO(), **SMALL).size == 2
    assert resolver["asked"] == ["portail.example.org"]
    assert seen == [f"portail.example.org:{local_server.port}"]


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[LocalServer, Path]]:
    """A local https server whose throwaway certificate names
    portail.example.org, and that certificate (to trust it)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", cert, "-subj", "/CN=portail.example.org",
         "-addext", "subjectAltName=DNS:portail.example.org"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with LocalServer(tls=context) as server:
        yield server, cert


def test_https_checks_the_certificate_against_the_host_name(
    tls_server, resolver, ckan_config, monkeypatch
) -> None:
    """The connection goes to the checked address, yet TLS still names and
    verifies the host the URL gave."""
    server, cert = tls_server
    server.file("/a.csv", b"a\n")
    resolver["portail.example.org"] = ["127.0.0.1"]
    resolver["autre.example.org"] = ["127.0.0.1"]
    allowed = "portail.example.org autre.example.org 127.0.0.1"
    monkeypatch.setitem(ckan_config, ALLOWED_HOSTS, allowed)
    url = f"https://portail.example.org:{server.port}/a.csv"
    # Not trusted until its certificate is.
    assert _refusal(url).reason == "tls"
    monkeypatch.setattr(fetch, "_ca_bundle", lambda: str(cert))
    assert download(url, io.BytesIO(), **SMALL).size == 2
    for host in ("autre.example.org", "127.0.0.1"):
        refusal = _refusal(f"https://{host}:{server.port}/a.csv")
        assert refusal.reason == "tls", host
    assert server.requests == ["/a.csv"]


# Through the portal -------------------------------------------------------------

VALID = (
    Path(__file__).resolve().parents[1] / "data/subventions/2.1.1/valid.csv"
).read_bytes()
SECRET = "Projet confidentiel de Balma"
# A valid file whose identifier is a private title: the report would echo it
# as an invalid value.
LEAKY = VALID.replace(b"21310458100011", SECRET.encode())


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_link_to_the_portal_s_own_network_is_refused_in_french(
    app, editor, subventions, local_server: LocalServer
) -> None:
    """An editor links a resource to a service of the portal's machine: the
    API refuses it with a French message, fetches nothing and echoes
    nothing."""
    url = local_server.file("/solr/select.csv", LEAKY)
    for link in (url, f"http://2130706433:{local_server.port}/solr/select.csv"):
        response = app.post(
            "/api/3/action/resource_create",
            json={"package_id": subventions["id"], "url": link},
            headers=editor["headers"],
        )
        assert response.status_code == 409
        error = response.json["error"]
        assert "ne peut pas être utilisée" in error["url"][0]
        assert "réseau privé ou interne" in error["url"][0]
        assert "validation" not in error
        assert SECRET not in response.get_data(as_text=True)
    assert local_server.requests == []
    assert call_action("package_show", id=subventions["id"])["resources"] == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_form_shows_the_refusal_and_saves_nothing(
    app, editor, subventions, local_server: LocalServer
) -> None:
    url = local_server.file("/data.csv", LEAKY)
    response = app.post(
        "/subventions/subventions-roques/resource/new",
        data={"id": "", "name": "Subventions", "url": url, "save": "go-metadata"},
        headers=editor["headers"],
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "réseau privé ou interne" in page
    assert SECRET not in page
    assert local_server.requests == []
    assert call_action("package_show", id=subventions["id"])["resources"] == []


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_revalidation_goes_through_the_same_policy(
    app, editor, subventions, allow_local: LocalServer, ckan_config, monkeypatch
) -> None:
    """What an allow-listed host serves is fetched and validated (its values
    then show in the report: the list is the admins' call). Once the host is
    off the list, the revalidation job fetches nothing from it."""
    from ckanext.haute_garonne.uploads import jobs

    leaky = allow_local.file("/leaky.csv", LEAKY)
    reported = app.post(
        "/api/3/action/resource_create",
        json={"package_id": subventions["id"], "url": leaky},
        headers=editor["headers"],
    )
    assert reported.status_code == 409
    assert SECRET in reported.get_data(as_text=True)

    url = allow_local.file("/subventions.csv", VALID)
    created = app.post(
        "/api/3/action/resource_create",
        json={"package_id": subventions["id"], "url": url},
        headers=editor["headers"],
    )
    assert created.status_code == 200, created.json
    resource_id = created.json["result"]["id"]
    assert allow_local.requests == ["/leaky.csv", "/subventions.csv"]

    monkeypatch.setitem(ckan_config, ALLOWED_HOSTS, "")
    allow_local.file("/subventions.csv", LEAKY)
    assert jobs.validate_resource(resource_id) == "error"
    shown = call_action("haute_garonne_validation_show", resource_id=resource_id)
    assert shown["status"] == "error"
    assert SECRET not in str(shown)
    assert allow_local.requests == ["/leaky.csv", "/subventions.csv"]


@pytest.mark.usefixtures("with_request_context")
def test_a_failure_is_explained_in_french(allow_local: LocalServer) -> None:
    url = allow_local.file("/big.csv", b"x" * 20_000)
    message = str(_refusal(url, max_bytes=10_000))
    assert message == (
        f"Le fichier à l'adresse {url} n'a pas pu être téléchargé "
        "(le fichier dépasse 0.01 Mo)."
    )
