"""The one way the server downloads a URL: the outbound-fetch policy.

Every file the portal fetches from an address someone gave it (a resource's
link when it is saved, its revalidation in a job, anything later) goes
through :func:`download`, which:

- speaks only http and https, and refuses an address carrying a user name
  or a password;
- resolves the host name itself and refuses it when any of its addresses is
  not public: loopback, private, shared (CGNAT), link-local (cloud metadata
  services), multicast, reserved or unspecified, in IPv4 and IPv6, IPv4
  addresses embedded in IPv6 ones included. It then connects to the very
  addresses it checked, so a second DNS answer (rebinding) cannot send it
  elsewhere; the host name still goes in the Host header, and over TLS in
  SNI and the certificate check;
- follows redirections itself, a few at most, each checked the same way;
- stops at a size (counted after decompression, so a compressed answer
  cannot expand past it) and at a deadline for the whole download, DNS,
  connection, redirections and transfer together: a server that answers a
  byte a second is cut off when the time is up;
- ignores the proxy settings of the environment.

Host names that the site admins list in
``ckanext.haute_garonne.fetch.allowed_hosts`` skip the address check only
(an intranet mirror, the local server of the tests); scheme, size and time
limits still apply to them.

A refusal or a failure is a :class:`FetchError` whose translated message
names the address the publisher gave, and never anything a server answered.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPException
from typing import IO, Any
from urllib.parse import quote, urljoin, urlsplit

from urllib3 import BaseHTTPResponse, Timeout, connection, connectionpool
from urllib3 import exceptions as urllib3_errors

import ckan.plugins.toolkit as tk

from ckanext.haute_garonne import config

MAX_REDIRECTS = 5
# Seconds to open a connection, within the download's deadline.
CONNECT_TIMEOUT = 10.0
CHUNK = 64 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HEADERS = {
    "User-Agent": "ckanext-haute_garonne (validation des fichiers SCDL)",
    "Accept": "*/*",
    # Asked plain; a server that compresses anyway is decoded with a bound.
    "Accept-Encoding": "identity",
}

# Ranges never downloaded from, on top of what ``ipaddress`` does not call
# global (its lists change with Python versions): an explicit floor.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network", 0.0.0.0 reaching the local host
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (CGNAT; some cloud metadata)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, 169.254.169.254 cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relays
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255
        "::/8",  # unspecified, loopback, IPv4-compatible, mapped
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo
        "2001:db8::/32",
        "3fff::/20",
        "fc00::/7",  # unique local, fd00:ec2::254 cloud metadata
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A URL refused by the policy, or whose download failed.

    ``str(e)`` is the message for the publisher, translated; ``reason`` names
    the case: scheme, credentials, invalid, address (refusals), not_found,
    unreachable, tls, status, redirects, timeout, too_large, encoding,
    unreadable (failures).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Downloaded:
    """What :func:`download` wrote: its size in bytes and SHA-256. When
    ``truncated``, the file is larger than the bound and only its beginning
    was written (``size`` then exceeds it)."""

    size: int
    sha256: str
    truncated: bool = False


def download(
    url: str,
    target: IO[bytes],
    *,
    max_bytes: int,
    timeout: float,
    truncate: bool = False,
) -> Downloaded:
    """Download ``url`` into ``target`` under the portal's outbound policy.

    Raises :class:`FetchError` when the address is refused or the download
    fails, takes more than ``timeout`` seconds in all, or the file exceeds
    ``max_bytes`` (decoded). With ``truncate``, a larger file is not an
    error: the download stops just past the bound and says so.
    """
    deadline = _Deadline(timeout)
    try:
        return _follow(url, target, max_bytes, truncate, deadline)
    except _Stop as stop:
        raise FetchError(
            stop.reason, _message(stop.reason, url, **stop.params)
        ) from None
    except (
        urllib3_errors.HTTPError,
        HTTPException,
        OSError,
        zlib.error,
        ValueError,
    ) as e:
        reason = "timeout" if deadline.expired else _reason_of(e)
        params = {"seconds": timeout} if reason == "timeout" else {}
        raise FetchError(reason, _message(reason, url, **params)) from e
    finally:
        deadline.close()


def is_public(address: str) -> bool:
    """Whether the portal may download from this IP address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4-mapped and NAT64 (DNS64 on an IPv6-only host) addresses
        # reach their IPv4 address: they are judged by it.
        if ip.ipv4_mapped is not None:
            return is_public(str(ip.ipv4_mapped))
        if ip in _NAT64:
            return is_public(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        embedded = [ip.sixtofour, *(ip.teredo or ())]
        if not all(is_public(str(v4)) for v4 in embedded if v4 is not None):
            return False
    if any(ip in network for network in _NOT_PUBLIC):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def allowed_host(host: str, port: int) -> bool:
    """Whether the site admins allow-listed this host (and port)."""
    for entry in config.fetch_allowed_hosts():
        listed = _host_and_port(entry)
        if listed is not None and listed[0] == host and listed[1] in (None, port):
            return True
    return False


# Messages ---------------------------------------------------------------------


class _Stop(Exception):
    """Internal: why a download stops, turned into a FetchError about the
    publisher's own URL (a redirection's target is never shown)."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def _message(reason: str, url: str, **params: Any) -> str:
    shown = url if len(url) <= 200 else url[:200] + "…"
    refusals = {
        "scheme": tk._(
            "The address {url} cannot be used: only web addresses starting "
            "with http:// or https:// are accepted."
        ),
        "credentials": tk._(
            "The address {url} cannot be used: it contains a user name or a password."
        ),
        "invalid": tk._("The address {url} is not a valid web address."),
        "address": tk._(
            "The address {url} cannot be used: it leads, directly or through "
            "a redirection, to a private or internal network, which the "
            "portal never downloads from. Give the address of a file "
            "published on the internet."
        ),
    }
    if reason in refusals:
        return refusals[reason].format(url=shown)
    failures = {
        "not_found": tk._("server not found"),
        "unreachable": tk._("server unreachable"),
        "tls": tk._("the secure connection failed"),
        "status": tk._("the server answered with error {status}"),
        "redirects": tk._("too many redirections"),
        "timeout": tk._("not complete after {seconds} seconds"),
        "too_large": tk._("the file is larger than {size} MB"),
        "encoding": tk._("unsupported compression"),
        "unreadable": tk._("the server's answer could not be read"),
    }
    if "seconds" in params:
        params["seconds"] = f"{params['seconds']:g}"
    if "max_bytes" in params:
        megabytes = -(-params.pop("max_bytes") * 100 // (1024 * 1024)) / 100
        params["size"] = f"{megabytes:g}"
    return tk._("The file at {url} could not be downloaded ({reason}).").format(
        url=shown, reason=failures[reason].format(**params)
    )


def _reason_of(error: BaseException) -> str:
    if isinstance(
        error,
        urllib3_errors.NewConnectionError | urllib3_errors.ConnectTimeoutError,
    ):
        return "unreachable"
    if isinstance(error, urllib3_errors.ReadTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(error, urllib3_errors.SSLError | connection.BaseSSLError):
        return "tls"
    return "unreadable"


# Addresses --------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII host name or IP address, without brackets
    port: int
    path: str  # the request line's target: path and query, %-encoded


_SAFE = "/:@!$&'()*+,;=%-._~"


def _parse(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise _Stop("invalid") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _Stop("scheme")
    if "@" in parts.netloc:
        raise _Stop("credentials")
    host = _ascii_host(parts.hostname or "")
    if host is None or port == 0:
        raise _Stop("invalid")
    path = quote(parts.path or "/", safe=_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_SAFE + "?")
    return _Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _ascii_host(host: str) -> str | None:
    """The host as it goes on the wire (IDNA), or None if it is no host."""
    host = host.rstrip(".").lower()
    if ":" in host:  # an IPv6 literal
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-._")
    return ascii_host if ascii_host and set(ascii_host) <= allowed else None


def _host_and_port(entry: str) -> tuple[str, int | None] | None:
    """An allow-list entry, ``host``, ``host:port``, ``[v6]`` or ``[v6]:port``."""
    entry = entry.strip()
    host, port = entry, ""
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    ascii_host = _ascii_host(host)
    if ascii_host is None or (port and not port.isdigit()):
        return None
    return ascii_host, int(port) if port else None


SockAddr = tuple[Any, ...]


@dataclass
class _Route:
    """Where one request goes: the checked addresses of its host."""

    target: _Target
    addresses: list[tuple[socket.AddressFamily, SockAddr]]
    deadline: _Deadline

    def connect(self, owner: connection.HTTPConnection) -> socket.socket:
        error: OSError | None = None
        for family, sockaddr in self.addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                self.deadline.watch(sock)
                sock.settimeout(max(0.001, min(CONNECT_TIMEOUT, self.deadline.left())))
                sock.connect(sockaddr)
            except OSError as e:
                sock.close()
                error = e
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        if isinstance(error, TimeoutError):
            raise urllib3_errors.ConnectTimeoutError(owner, "connection timed out")
        raise urllib3_errors.NewConnectionError(owner, f"connection failed: {error}")


def _route(url: str, deadline: _Deadline) -> _Route:
    target = _parse(url)
    addresses = _resolve(target.host, target.port, deadline)
    if not allowed_host(target.host, target.port) and not all(
        is_public(sockaddr[0]) for _, sockaddr in addresses
    ):
        raise _Stop("address")
    return _Route(target, addresses, deadline)


def _resolve(
    host: str, port: int, deadline: _Deadline
) -> list[tuple[socket.AddressFamily, SockAddr]]:
    """The host's addresses, resolved within the deadline (in a thread:
    the system resolver has no timeout of its own)."""
    answer: list[Any] = []

    def resolve() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as e:
            answer.append(e)

    worker = threading.Thread(target=resolve, name="haute_garonne-dns", daemon=True)
    worker.start()
    worker.join(deadline.left())
    if not answer:
        raise _Stop("timeout", seconds=deadline.seconds)
    if isinstance(answer[0], Exception):
        raise _Stop("not_found")
    addresses: list[tuple[socket.AddressFamily, SockAddr]] = []
    for family, _, _, _, sockaddr in answer[0]:
        known = (family, sockaddr) in addresses
        if family in (socket.AF_INET, socket.AF_INET6) and not known:
            addresses.append((family, sockaddr))
    if not addresses:
        raise _Stop("not_found")
    return addresses


# Connections ------------------------------------------------------------------


class _Deadline:
    """The end of a download. When it comes, every connection the download
    opened is shut down, which ends a read however slowly a server answers
    (a per-read timeout alone would let a byte a second go on for ever)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return max(0.0, self._end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down at the deadline. A duplicate of it is kept, so
        that wrapping it in TLS (which detaches the original) changes nothing."""
        with self._lock:
            if self.expired:
                raise TimeoutError("deadline passed")
            self._watched.append(sock.dup())

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._watched:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()


class _PinnedHTTPConnection(connection.HTTPConnection):
    """A connection to the addresses the policy checked, whatever the host
    name resolves to by now."""

    def __init__(self, *args: Any, route: _Route, **kwargs: Any) -> None:
        self._route = route
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        return self._route.connect(self)


class _PinnedHTTPSConnection(_PinnedHTTPConnection, connection.HTTPSConnection):
    """The same over TLS (the pinning is inherited, the TLS layer comes
    next in the method order); the certificate is checked against the host
    name."""


class _HTTPPool(connectionpool.HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _HTTPSPool(connectionpool.HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


def _pool(route: _Route) -> connectionpool.HTTPConnectionPool:
    left = route.deadline.left()
    kwargs: dict[str, Any] = {
        "host": route.target.host,
        "port": route.target.port,
        "timeout": Timeout(
            connect=max(0.001, min(CONNECT_TIMEOUT, left)), read=max(0.001, left)
        ),
        "maxsize": 1,
        "retries": False,
        "route": route,
    }
    if route.target.scheme == "https":
        return _HTTPSPool(**kwargs, cert_reqs="CERT_REQUIRED", ca_certs=_ca_bundle())
    return _HTTPPool(**kwargs)


def _ca_bundle() -> str | None:
    try:
        import certifi
    except ImportError:  # the system's certificates
        return None
    return certifi.where()


# Transfer ---------------------------------------------------------------------


def _follow(
    url: str, target: IO[bytes], max_bytes: int, truncate: bool, deadline: _Deadline
) -> Downloaded:
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        route = _route(current, deadline)
        pool = _pool(route)
        try:
            response = pool.urlopen(
                "GET",
                route.target.path,
                headers=HEADERS,
                redirect=False,
                retries=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=False,
            )
            try:
                location = response.headers.get("Location")
                if response.status in REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                if not 200 <= response.status < 300:
                    raise _Stop("status", status=response.status)
                return _transfer(response, target, max_bytes, truncate, deadline)
            finally:
                response.close()
        finally:
            pool.close()
    raise _Stop("redirects")


def _transfer(
    response: BaseHTTPResponse,
    target: IO[bytes],
    max_bytes: int,
    truncate: bool,
    deadline: _Deadline,
) -> Downloaded:
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
        raise _Stop("encoding")
    length = response.headers.get("Content-Length") or ""
    if (
        not truncate
        and encoding == "identity"
        and length.isdigit()
        and int(length) > max_bytes
    ):
        raise _Stop("too_large", max_bytes=max_bytes)
    digest, size, truncated = hashlib.sha256(), 0, False
    for chunk in _decoded(_raw(response), encoding):
        size += len(chunk)
        if size > max_bytes and not truncate:
            raise _Stop("too_large", max_bytes=max_bytes)
        digest.update(chunk)
        target.write(chunk)
        if size > max_bytes:
            truncated = True
            break
    if deadline.expired:  # the connection was cut: what came is not the file
        raise _Stop("timeout", seconds=deadline.seconds)
    return Downloaded(size, digest.hexdigest(), truncated)


def _raw(response: BaseHTTPResponse) -> Iterator[bytes]:
    while data := response.read(CHUNK, decode_content=False):
        yield data


def _decoded(chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """The body without its Content-Encoding, a chunk at a time: inflating
    never produces more than CHUNK bytes at once, so a small compressed
    answer cannot fill the memory before the size bound is checked."""
    if encoding == "identity":
        yield from chunks
        return
    inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header
    for chunk in chunks:
        data = chunk
        while data and not inflater.eof:
            out = inflater.decompress(data, CHUNK)
            if out:
                yield out
            data = inflater.unconsumed_tail
        if inflater.eof:
            return
    rest = inflater.flush()
    if rest:
        yield rest
    if not inflater.eof:
        raise _Stop("unreadable")
