"""Fetch a running Go service's debug endpoints: heap profiles (``net/http/pprof``), the
goroutine dump and ``/debug/vars`` (``expvar``). The only code in goalloc that speaks HTTP.

Never hangs, never lies: every request has one deadline for the whole exchange (connect,
headers and body; a server that trickles bytes is cut off too), bodies are limited in size
before and while they are read (and a gzip body again while it is decompressed), redirects are
not followed, and every failure is one :class:`FetchError` line that names the URL without its
credentials. Request headers (``--header``) are never part of a message.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import ssl
import time
import urllib.parse
import zlib
from dataclasses import dataclass

from goalloc.errors import GoallocError
from goalloc.watch.model import MemStats

DEFAULT_TIMEOUT = 5.0  # seconds for a whole request
DEFAULT_MAX_BODY = 64 << 20  # bytes, for a body and again for the profile decompressed
_READ = 65536

PPROF_ALLOCS = "/debug/pprof/allocs"
PPROF_HEAP = "/debug/pprof/heap"
PPROF_HEAP_GC = "/debug/pprof/heap?gc=1"  # net/http/pprof runs a GC first: counts are current
PPROF_GOROUTINES = "/debug/pprof/goroutine?debug=2"
EXPVAR = "/debug/vars"


class FetchError(GoallocError):
    """A service that cannot be read: down, slow, not pprof, too large. One line."""


class NoEndpoint(FetchError):
    """The service answers but does not serve this endpoint (HTTP 404)."""


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = DEFAULT_TIMEOUT
    max_body: int = DEFAULT_MAX_BODY
    headers: tuple[tuple[str, str], ...] = ()  # sent with every request, never shown


@dataclass(frozen=True)
class Target:
    """A service to poll: ``http://host:port`` (plus a path prefix when it sits behind one)."""

    name: str  # what reports call it: NAME= of the argument, else host:port[/prefix]
    scheme: str
    host: str
    port: int
    prefix: str  # path before /debug/, without a trailing slash
    authorization: str | None = None  # from user:password@ in the URL; never shown

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.prefix}"


def parse_target(spec: str) -> Target:
    """A target from ``[NAME=]URL``. The URL may be ``host:port``, a base URL, or any URL under
    ``/debug/`` of the service (``http://h:6060/debug/pprof/heap``): polling starts from the
    part before ``/debug/``. Raises FetchError for anything else."""
    name, spec = split_name(spec)
    raw = spec.strip()
    if not raw:
        raise FetchError(f"{spec!r} is not a URL")
    if "://" not in raw:
        raw = "http://" + raw
    try:
        parts = urllib.parse.urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"{_redact(spec)} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{_redact(spec)}: only http and https URLs can be polled")
    if not parts.hostname:
        raise FetchError(f"{_redact(spec)} names no host")
    path = parts.path
    cut = path.find("/debug/")
    if cut < 0 and path.endswith("/debug"):
        cut = len(path) - len("/debug")
    prefix = (path[:cut] if cut >= 0 else path).rstrip("/")
    port = port or (443 if parts.scheme == "https" else 80)
    auth = None
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username)
        pair = f"{user}:{urllib.parse.unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(pair.encode()).decode()
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    return Target(name=name or f"{shown}:{port}{prefix}", scheme=parts.scheme, host=host,
                  port=port, prefix=prefix, authorization=auth)


def split_name(spec: str) -> tuple[str | None, str]:
    """``NAME=URL`` -> (NAME, URL); a plain URL -> (None, URL)."""
    head, sep, rest = spec.partition("=")
    if sep and head and "://" not in head and "/" not in head:
        return head, rest
    return None, spec


def shown(spec: str) -> str:
    """How a service given as ``spec`` is named when its URL cannot even be parsed."""
    name, url = split_name(spec)
    return name or _redact(url)


def _redact(spec: str) -> str:
    """A URL as it may be shown: without user:password@."""
    at = spec.find("@")
    scheme_end = spec.find("://")
    if at > 0:
        start = scheme_end + 3 if scheme_end >= 0 else 0
        if start <= at:
            return spec[:start] + spec[at + 1:]
    return spec


def check_headers(lines: list[str]) -> tuple[tuple[str, str], ...]:
    """``Name: value`` strings as header pairs. A bad one raises ValueError naming the header
    (never its value)."""
    out = []
    for line in lines:
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not name or any(c in name for c in " \t\r\n"):
            raise ValueError("a header is 'Name: value'")
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"header {name} has a line break in its value")
        out.append((name, value.strip()))
    return tuple(out)


# ---------------------------------------------------------------------------- requests

def fetch(target: Target, path: str, settings: HttpSettings) -> bytes:
    """The body of ``GET path`` on the target, within the deadline and the size limit."""
    where = f"{target.url}{path}"
    deadline = time.monotonic() + settings.timeout
    headers = {"User-Agent": "goalloc-watch", "Accept-Encoding": "identity"}
    headers.update(dict(settings.headers))
    if target.authorization and not any(k.lower() == "authorization" for k in headers):
        headers["Authorization"] = target.authorization
    if target.scheme == "https":
        conn = http.client.HTTPSConnection(target.host, target.port, timeout=settings.timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=settings.timeout)
    try:
        conn.request("GET", target.prefix + path, headers=headers)
        _limit_time(conn, deadline)
        resp = conn.getresponse()
        if resp.status == 404:
            raise NoEndpoint(f"{where}: HTTP 404 (not served)")
        if resp.status != 200:
            extra = " (redirects are not followed)" if 300 <= resp.status < 400 else ""
            raise FetchError(f"{where}: HTTP {resp.status} {resp.reason}{extra}")
        length = resp.getheader("Content-Length")
        if length and length.isdigit() and int(length) > settings.max_body:
            raise FetchError(f"{where}: body of {int(length)} bytes is over the "
                             f"{settings.max_body}-byte limit (--max-body); not read")
        chunks, total = [], 0
        while True:
            _limit_time(conn, deadline)
            chunk = resp.read1(_READ)
            if not chunk:
                break
            total += len(chunk)
            if total > settings.max_body:
                raise FetchError(f"{where}: body is over the {settings.max_body}-byte limit "
                                 "(--max-body); stopped reading")
            chunks.append(chunk)
        return b"".join(chunks)
    except FetchError:
        raise
    except (socket.timeout, TimeoutError):
        raise FetchError(f"{where}: no complete answer within {settings.timeout:g}s "
                         "(--timeout)") from None
    except ConnectionRefusedError:
        raise FetchError(f"{where}: connection refused") from None
    except socket.gaierror:
        raise FetchError(f"{where}: cannot resolve host {target.host}") from None
    except ssl.SSLError as exc:
        raise FetchError(f"{where}: TLS error ({exc.reason or exc})") from None
    except (http.client.HTTPException, ConnectionError) as exc:
        detail = type(exc).__name__ if not str(exc) else str(exc).splitlines()[0][:80]
        raise FetchError(f"{where}: not a valid HTTP answer ({detail})") from None
    except ValueError:
        # http.client quotes the offending header value: say nothing of it.
        raise FetchError(f"{where}: the request could not be sent (a header that HTTP does "
                         "not allow)") from None
    except OSError as exc:
        raise FetchError(f"{where}: {exc.strerror or type(exc).__name__}") from None
    finally:
        conn.close()


def _limit_time(conn, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    if conn.sock is not None:
        conn.sock.settimeout(remaining)


@dataclass
class FetchedProfile:
    profile: object  # goalloc.profiles.model.Profile
    data: bytes  # the body as served (gzip-compressed profile.proto), for incident bundles
    received_at: float  # monotonic
    wall_time: float


def fetch_profile(target: Target, settings: HttpSettings, path: str = PPROF_ALLOCS,
                  decoder: str = "auto") -> FetchedProfile:
    """A heap profile of the service, decoded. A body that is not a pprof profile raises
    FetchError."""
    from goalloc.collect.pprof import parse_profile
    from goalloc.errors import InputError

    data = fetch(target, path, settings)
    received, wall = time.monotonic(), time.time()
    where = f"{target.url}{path}"
    raw = gunzip_bounded(data, settings.max_body, where) if data[:2] == b"\x1f\x8b" else data
    try:
        prof = parse_profile(raw, decoder=decoder, name=where)
    except InputError as exc:
        raise FetchError(str(exc)) from None
    return FetchedProfile(prof, data, received, wall)


def gunzip_bounded(data: bytes, limit: int, where: str) -> bytes:
    """Decompress a gzip body, refusing to produce more than ``limit`` bytes."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise FetchError(f"{where}: corrupt gzip body ({exc})") from None
    if len(out) > limit:
        raise FetchError(f"{where}: profile decompresses to over {limit} bytes (--max-body)")
    if not d.eof:
        raise FetchError(f"{where}: the gzip body is cut off")
    return out


def fetch_memstats(target: Target, settings: HttpSettings) -> MemStats:
    """The runtime's MemStats from ``/debug/vars``. NoEndpoint when expvar is not served."""
    where = f"{target.url}{EXPVAR}"
    body = fetch(target, EXPVAR, settings)
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FetchError(f"{where}: not JSON (is it expvar?)") from None
    mem = doc.get("memstats") if isinstance(doc, dict) else None
    if not isinstance(mem, dict):
        raise NoEndpoint(f"{where}: no memstats (the service does not import expvar)")
    try:
        num_gc = int(mem["NumGC"])
        ring = [int(t) for t in (mem.get("PauseEnd") or [])]
        ends = ring[:num_gc] if num_gc < len(ring) else ring
        return MemStats(
            heap_alloc=int(mem["HeapAlloc"]), heap_inuse=int(mem.get("HeapInuse", 0)),
            total_alloc=int(mem["TotalAlloc"]), mallocs=int(mem["Mallocs"]),
            num_gc=num_gc, gc_cpu_fraction=float(mem.get("GCCPUFraction", 0.0)),
            next_gc=int(mem.get("NextGC", 0)), pause_total_ns=int(mem.get("PauseTotalNs", 0)),
            gc_ends_ns=tuple(sorted(t for t in ends if t > 0)),
            num_forced_gc=int(mem.get("NumForcedGC", 0)))
    except (KeyError, TypeError, ValueError):
        raise FetchError(f"{where}: memstats lacks HeapAlloc, TotalAlloc, Mallocs or NumGC") \
            from None


def fetch_goroutines(target: Target, settings: HttpSettings) -> bytes:
    """Every goroutine's stack as text (``/debug/pprof/goroutine?debug=2``)."""
    return fetch(target, PPROF_GOROUTINES, settings)
