"""Media types as Jetty reads a Content-Type header, and the Accept headers that plainly take JSON."""

from __future__ import annotations

ACCEPTS_JSON = frozenset({"application/json", "*/*", "application/*"})
"""Accept headers that certainly take JSON, so they need no parsing."""


def media_type(content_type: str) -> str | None:
    """The ``type/subtype`` of a Content-Type header, or None when Jetty could not parse it."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind if kind.count("/") == 1 and all(kind.split("/")) else None
