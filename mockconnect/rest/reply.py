"""Build responses the way Kafka writes them: compact UTF-8 JSON, or no body at all."""

from __future__ import annotations

import json

from flask import Response, g

from ..models import Json

_NO_BODY = object()
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
"""Built once: ``json.dumps`` with options builds a new encoder on every call."""


def dump(body: Json) -> bytes:
    """Jackson-like compact JSON; non-ASCII characters are written raw, lone surrogates escaped."""
    text = _COMPACT.encode(body)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


def reply(body: Json, status: int = 200, **headers: str) -> Response:
    """A JSON response; ``body=None`` with 202/204 means an empty body, as Kafka sends."""
    if body is None and status in (202, 204):
        g.mockconnect_body = _NO_BODY
        empty = Response(b"", status, headers=headers)
        del empty.headers["Content-Type"]
        return empty
    g.mockconnect_body = body
    return Response(dump(body), status, headers=headers, mimetype="application/json")


def replied_body() -> tuple[bool, Json]:
    """What the view answered: (has_body, body)."""
    body = g.get("mockconnect_body", _NO_BODY)
    return (body is not _NO_BODY, None if body is _NO_BODY else body)
