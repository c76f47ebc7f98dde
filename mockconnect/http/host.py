"""The Host header as Kafka's Jetty reads it: which requests it refuses, and the base of a Location.

Recorded on real 3.6.2, 3.7.0, 4.0.2 and 4.4.0 workers (docs/live-findings-releases.md, "The Host
header"): a create's Location repeats the host as sent (case, escapes), with the port as a number and
the scheme's default port dropped, and percent-encodes what a URI host cannot hold. Every release
refuses an HTTP/1.1 request without Host and a port that is no number from 0 to 65535 or an unclosed
``[``. Jetty 9 (3.x) takes the last of two Host headers, the connection's own address for a blank one,
and the authority of an absolute request target over Host. Jetty 12 (4.x) refuses two Hosts, a blank
one, a host with characters a URI host cannot hold, and an absolute target whose authority is not Host.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from mockconnect.release import Release

_DEFAULT_PORTS = {"http": 80, "https": 443}
_JOINED = ", "
"""How a WSGI server hands over a header sent twice."""
_REG_NAME = re.compile(r"[A-Za-z0-9\-._~%!$&'()*+,;=]*")
"""RFC 3986's reg-name (and its percent escapes): the hosts Jetty 12 takes."""


class _Refused(ValueError):
    """Jetty's reason for a 400."""


def _split(host: str) -> tuple[str, int | None]:
    """Jetty's HostPort: the host (an IPv6 address in brackets) and the port, if any."""
    if host.startswith("["):
        close = host.find("]")
        if close < 0:
            raise _Refused("Bad HostPort")
        name, rest = host[: close + 1], host[close + 1 :]
        if not rest:
            return name, None
        if not rest.startswith(":"):
            raise _Refused("Bad HostPort")
        return name, _port(rest[1:])
    if host.count(":") > 1:  # an IPv6 address without brackets, and no port
        return f"[{host}]", None
    name, colon, port = host.partition(":")
    return name, _port(port) if colon else None


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise _Refused("Bad HostPort")
    return int(text)


def _authority(environ: dict[str, Any]) -> str | None:
    """The authority of an absolute-form request target (``POST http://h:9/connectors``), if it is one."""
    target = environ.get("REQUEST_URI") or ""
    if "://" not in target.split("?", 1)[0]:
        return None
    return urlsplit(target).netloc


def _host(environ: dict[str, Any], release: Release) -> str | None:
    """The host and port the request names, as Jetty settles it; None for the connection's own address."""
    strict = release.has("ambiguous_uris_refused")  # Jetty 12 (Kafka 4.x)
    host = environ.get("HTTP_HOST")
    if host is None:
        if environ.get("SERVER_PROTOCOL") == "HTTP/1.1":
            raise _Refused("No Host")
    elif _JOINED in host:
        if strict:
            raise _Refused("Duplicate Host Header")
        host = host.rsplit(_JOINED, 1)[1]
    if host is not None and not host.strip():
        if strict:
            raise _Refused("Blank Host")
        host = None
    authority = _authority(environ)
    if authority is not None:
        if strict and authority != host:
            raise _Refused("Authority!=Host")
        host = authority
    if host is not None:
        name, _ = _split(host)
        if strict and not name.startswith("[") and not _REG_NAME.fullmatch(name):
            raise _Refused("Bad HostPort")
    return host


def host_problem(environ: dict[str, Any], release: Release) -> str | None:
    """Jetty's reason for refusing this request's Host header with 400, or None."""
    try:
        _host(environ, release)
    except _Refused as refused:
        return str(refused)
    return None


def base_url(environ: dict[str, Any], release: Release) -> str:
    """``scheme://host[:port]/`` as Jersey's base URI shows it, for a request :func:`host_problem` let through."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = _host(environ, release)  # both paths have refused the Hosts this raises for before any view ran
    if host is None:  # none (HTTP/1.0) or blank: the address the connection reached
        server = environ.get("SERVER_NAME", "localhost")
        server = f"[{server}]" if ":" in server else server
        host = f"{server}:{environ.get('SERVER_PORT', _DEFAULT_PORTS.get(scheme, 80))}"
    name, port = _split(host)
    netloc = quote(name, safe="!$&'()*+,;=:[]%-._~")
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return f"{scheme}://{netloc}/"
