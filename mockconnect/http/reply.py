"""Build responses the way Kafka writes them: compact UTF-8 JSON, or no body at all."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import orjson
from flask import Response, g

from mockconnect.worker.models import Json

_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
"""Built once: ``json.dumps`` with options builds a new encoder on every call."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large answer is built.

    Building an expanded listing allocates a few dicts per connector; with 10,000 connectors that
    sets off full collections that walk every connector in the store, so the listing's cost grew
    faster than the store (measured: 1.5x the time at 10,000). The answer is acyclic and freed by
    reference counting; collection resumes afterwards unless someone else had switched it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_FAST_OPTIONS = orjson.OPT_PASSTHROUGH_SUBCLASS
"""Numbers that keep their source text (JsonInt, JsonFloat) and ints beyond 64 bits go the slow way."""


def dump(body: Json, *, plain: bool = False) -> bytes:
    """Jackson-like compact JSON; non-ASCII characters are written raw, lone surrogates escaped.

    ``plain`` promises a body of strings, ints, booleans and nulls only (no floats, whose exponents
    orjson writes differently), for which orjson writes the same bytes as the standard encoder,
    ten times faster; anything it refuses (a lone surrogate, a subclass) falls back.
    """
    if plain:
        try:
            return orjson.dumps(body, option=_FAST_OPTIONS)
        except TypeError:
            pass
    text = _COMPACT.encode(body)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


@dataclass(frozen=True, slots=True)
class Answer:
    """What a view answers: a JSON body (``None`` with 202/204: no body at all, as Kafka sends), its
    status and extra headers. ``plain``: the body has no floats (see :func:`dump`), as every
    connector, task, config, status and logger answer."""

    body: Json
    status: int = 200
    headers: Mapping[str, str] | None = None
    plain: bool = False

    @property
    def empty(self) -> bool:
        return is_empty(self.body, self.status)


def is_empty(body: Json, status: int) -> bool:
    return body is None and status in (202, 204)


def answer_response(answer: Answer) -> Response:
    return reply(answer.body, answer.status, answer.headers, plain=answer.plain)


def reply(body: Json, status: int = 200, headers: Mapping[str, str] | None = None, *, plain: bool = False) -> Response:
    """A JSON response; ``body=None`` with 202/204 means an empty body (see :class:`Answer`)."""
    if is_empty(body, status):
        forget()
        empty = Response(b"", status, headers=headers)
        del empty.headers["Content-Type"]
        return empty
    data = dump(body, plain=plain)
    remember(body, data)
    return Response(data, status, headers=headers, mimetype="application/json")


def remember(body: Json, encoded: bytes | None = None) -> None:
    """Note the answer's body for the journal, with its bytes when they are ``dump(body)``."""
    g.mockconnect_body = (body, encoded)


def forget() -> None:
    """The answer has no body (or none the journal should keep)."""
    g.pop("mockconnect_body", None)


def replied_body() -> tuple[bool, Json, bytes | None]:
    """What the view answered: (has_body, body, its bytes as dump() wrote them or None)."""
    kept: tuple[Json, bytes | None] | None = g.get("mockconnect_body")
    if kept is None:
        return False, None, None
    return True, kept[0], kept[1]
