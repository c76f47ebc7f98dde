"""Route on the request's raw path, as Jersey does: literal segments must match as sent and path
parameters are percent-decoded afterwards, so ``a%2Fb`` is one connector name, ``a/b`` is not."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from werkzeug.routing import BaseConverter

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
BAD_URI = "mockconnect.bad_uri"
"""Set in the environ when Jetty would refuse the URI with its own 400 page."""
AMBIGUOUS_URI = "mockconnect.ambiguous_uri"
"""Why Jetty 12 (Kafka 4.x) would refuse the path as ambiguous, when it would (see :func:`ambiguity`)."""
_SUSPICIOUS = re.compile(r"%(?:[01][0-9A-Fa-f]|7[Ff]|5[Cc])")
"""Encoded control characters, DEL and backslash: Jetty 12's suspicious path characters."""


def ambiguity(path: str) -> str | None:
    """Jetty 12's reason for refusing a raw path its servlets cannot represent unambiguously, or None.

    An empty segment (``//``), an encoded ``/`` (``%2F``), an encoded dot segment (``%2E%2E``), an
    encoded ``%`` (``%25``), encoded control characters and backslashes are refused before Kafka sees
    them.
    Jetty 9 (Kafka 3.x) let them all through.
    """
    if "//" in path:
        return "Ambiguous URI empty segment"
    if "%" not in path:
        return None
    lowered = path.lower()
    if "%2f" in lowered:
        return "Ambiguous URI path separator"
    if "%25" in lowered:
        return "Ambiguous URI path encoding"
    if any("%" in segment and unquote(segment) in (".", "..") for segment in path.split("/")):
        return "Ambiguous URI path segment"
    if _SUSPICIOUS.search(path):
        return "Bad Request"
    return None


def raw_path(environ: dict[str, Any]) -> str:
    raw: str = environ.get("REQUEST_URI") or environ.get("RAW_URI") or ""
    if not raw:
        return quote(environ.get("PATH_INFO", ""), safe="/!$&'()*+,;=:@-._~")
    if "://" in raw.split("?", 1)[0]:
        raw = urlsplit(raw).path
    path = raw.split("?", 1)[0]
    script: str = environ.get("SCRIPT_NAME", "")
    return path[len(script) :] if script and path.startswith(script) else path


class RawPathRouting:
    """WSGI middleware: hand Flask the still-encoded path, and flag URIs Jetty rejects."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = raw_path(environ)
        segments = path.split("/")
        depth = 0
        for segment in segments[1:]:
            depth += -1 if segment == ".." else 0 if segment in ("", ".") else 1
            if depth < 0:  # a dot-segment above the root: Jetty's "Bad Message 400"
                environ[BAD_URI] = True
        if _BAD_ESCAPE.search(path):
            environ[BAD_URI] = True
        elif "//" in path or "%" in path:
            environ[AMBIGUOUS_URI] = ambiguity(path)
        environ["PATH_INFO"] = path
        return self.app(environ, start_response)


def decode_segment(value: str) -> str:
    """Percent-decode one path segment as UTF-8 (what JAX-RS hands a @PathParam)."""
    try:
        text = value.encode("latin-1").decode("utf-8", "replace")  # WSGI carries raw bytes as latin-1
    except UnicodeEncodeError:
        text = value
    return unquote(text)


class SegmentConverter(BaseConverter):
    """One raw path segment, decoded: connector, plugin and logger names."""

    regex = "[^/]+"
    part_isolating = True  # werkzeug would guess False from the "/" in the regex

    def to_python(self, value: str) -> str:
        return decode_segment(value)

    def to_url(self, value: object) -> str:
        return quote(str(value), safe="")


class JavaIntConverter(BaseConverter):
    """A task id: a Java Integer (``+1`` and ``01`` included), or None when JAX-RS cannot convert it.

    The route still matches then: Jersey fails the parameter conversion inside the resource, so
    the 404 it answers carries a Content-Type, unlike a routing 404.
    """

    regex = "[^/]+"
    part_isolating = True

    def to_python(self, value: str) -> int | None:
        text = decode_segment(value)
        if not re.fullmatch(r"[+-]?\d+", text) or not -(2**31) <= int(text) < 2**31:
            return None
        return int(text)

    def to_url(self, value: object) -> str:
        return str(value)
