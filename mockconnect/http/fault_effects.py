"""Faults at the HTTP layer: fire them before a Kafka view runs, and shape or replace its answer."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from flask import Request, Response, current_app
from werkzeug.exceptions import HTTPException

from mockconnect.http.reply import forget, reply
from mockconnect.http.transport import WIRE, Wire
from mockconnect.mock.effects import Drop, Respond, Timeout
from mockconnect.mock.faults import Decision
from mockconnect.mock.state import MockState
from mockconnect.worker.errors import ConnectError


@dataclass(slots=True)
class Fired:
    """What the journal needs to know about the faults that fired on a request."""

    ids: list[str] = field(default_factory=list)
    checked: bool = True
    """False when the answer is exempt from the contract check (``off_spec``, or no answer at all)."""
    dropped: bool = False
    """The connection was dropped before the worker saw the request."""


def intercept(state: MockState, req: Request, ctx: Any, operation_id: str) -> Response | None:
    """Fire the faults this request triggers; an answer that replaces the view's, or None to run it."""
    decision = state.faults.on_request(operation_id, req.view_args or {})
    if decision is None:
        return None
    answer = decision.answer
    ctx.mockconnect_fired = Fired(decision.fired, checked=not decision.off_spec)
    wire = _wire(decision)
    if wire.active:
        req.environ[WIRE] = wire
    if answer is None:
        return None
    if answer.applied:
        _run_view(req)
    if isinstance(answer, Timeout):
        raise ConnectError(decision.error)
    if isinstance(answer, Drop):
        ctx.mockconnect_fired.checked = False
        ctx.mockconnect_fired.dropped = not answer.applied
        forget()
        return Response(b"", 204)  # never sent: the transport layer drops the connection
    return _respond(answer, ctx)


def _wire(decision: Decision) -> Wire:
    wire = Wire(delay=decision.delay)
    if isinstance(decision.answer, Drop):
        wire.drop = decision.answered_by
        wire.reset = decision.answer.reset
    if decision.malformed is not None:
        wire.malformed = (decision.malformed.body or "").encode("utf-8")
    if decision.dribble is not None:
        wire.chunks, wire.duration = decision.dribble.chunks, decision.dribble.duration
    return wire


def _run_view(req: Request) -> None:
    """Carry the request out as the worker would, and forget its answer."""
    view = current_app.view_functions[req.endpoint or ""]
    with contextlib.suppress(ConnectError, HTTPException):  # a failure the client never learns of
        view(**(req.view_args or {}))


def _respond(answer: Respond, ctx: Any) -> Response:
    headers = dict(answer.headers)
    if answer.has_body:
        return reply(answer.body, answer.status, headers)
    forget()
    empty = Response(b"", answer.status, headers=headers)
    del empty.headers["Content-Type"]
    return empty
