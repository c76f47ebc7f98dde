"""The Host header as Kafka's Jetty reads it: which requests it refuses, and the base of a Location.

Recorded on real 3.7.0 and 4.4.0 workers (docs/live-findings-releases.md, "Host header"): a create's
Location repeats the Host header as sent (case, escapes), drops the scheme's default port, and
percent-encodes what a URI host cannot hold. An HTTP/1.1 request without Host and a Host whose port is
not a number are refused with 400 by every release. Jetty 9 (3.x) takes the last of two Host headers
and the connection's own address for a blank one; Jetty 12 (4.x) refuses both, and a host with a space.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from mockconnect.release import Release

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_HOST_PORT = re.compile(r"(?P<name>\[[^\]]*\]|[^:]*)(?::(?P<port>.*))?")
_JOINED = ", "
"""How a WSGI server hands over a header sent twice."""


def host_problem(environ: dict[str, Any], release: Release) -> str | None:
    """Jetty's reason for refusing this request's Host header with 400, or None."""
    host = environ.get("HTTP_HOST")
    strict = release.has("ambiguous_uris_refused")  # Jetty 12 (Kafka 4.x)
    if host is None:
        return "No Host" if environ.get("SERVER_PROTOCOL") == "HTTP/1.1" else None
    if _JOINED in host:
        if strict:
            return "Duplicate Host Header"
        host = host.rsplit(_JOINED, 1)[1]
    if not host.strip():
        return "Blank Host" if strict else None
    found = _HOST_PORT.fullmatch(host)
    port = None if found is None else found.group("port")
    if found is None or (port is not None and not port.isdigit()):
        return "Bad HostPort"
    if strict and " " in host:
        return "Bad HostPort"
    return None


def base_url(environ: dict[str, Any]) -> str:
    """``scheme://host[:port]/`` as Jersey's base URI shows it, for a request :func:`host_problem` let through."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = (environ.get("HTTP_HOST") or "").rsplit(_JOINED, 1)[-1]
    if not host.strip():  # none (HTTP/1.0) or blank: the address the connection reached
        server = environ.get("SERVER_NAME", "localhost")
        server = f"[{server}]" if ":" in server else server
        host = f"{server}:{environ.get('SERVER_PORT', _DEFAULT_PORTS.get(scheme, '80'))}"
    found = _HOST_PORT.fullmatch(host)
    name, port = (host, None) if found is None else (found.group("name"), found.group("port"))
    netloc = quote(name, safe="!$&'()*+,;=:[]%-._~")
    if port and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return f"{scheme}://{netloc}/"
