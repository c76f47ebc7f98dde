"""One exchange's bookkeeping, however it was served: the request's contract check, then the answer's
contract check and the journal entry."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from mockconnect.http import body as jackson
from mockconnect.mock.journal import NOTHING, Entry, Kept
from mockconnect.mock.state import MockState
from mockconnect.release.contract import HeaderNames, Operation, QueryArgs, kafka_contract
from mockconnect.worker.errors import ConnectError
from mockconnect.worker.models import Json

log = logging.getLogger("mockconnect")

JOURNAL_BODY_LIMIT = 64 * 1024
"""Bodies larger than this are journaled as a note of their size, so the journal stays bounded."""


def kafka_operation(extensions: Mapping[str, Any], operation_id: str) -> Operation | None:
    """The contract's view of one of Kafka's operations, or None when answers go unchecked."""
    if not extensions["mockconnect.validate"]:
        return None
    state: MockState = extensions["mockconnect"]
    contract = extensions["mockconnect.contract"] or kafka_contract(state.cluster.release.version)
    return contract.operations.get(operation_id)


def request_problems(
    operation: Operation | None,
    method: str,
    path_params: Mapping[str, Any],
    query: QueryArgs,
    mimetype: str | None,
    raw: bytes,
) -> list[str]:
    """What about the request breaks the contract (HEAD and OPTIONS are never checked)."""
    if operation is None or method in ("HEAD", "OPTIONS"):
        return []
    return operation.request_problems(path_params, query, mimetype, raw)


@dataclass(slots=True)
class Exchange:
    """One request and its answer, as the journal keeps them."""

    method: str
    path: str
    operation_id: str | None
    path_params: dict[str, Any]
    query: dict[str, list[str]]
    raw_body: bytes | None
    """None when it could not be read (too large)."""
    status: int
    body: Json
    has_body: bool
    started: float
    encoded: bytes | None = None
    """The body as sent (``dump(body)``), when it is at hand: what the journal keeps."""
    request_problems: list[str] = field(default_factory=list)
    error: str | None = None
    fault_ids: list[str] = field(default_factory=list)
    dropped: bool = False


def record(
    state: MockState,
    exchange: Exchange,
    operation: Operation | None,
    mimetype: str | None,
    headers: HeaderNames,
    content_length: int | None,
) -> None:
    """Check the answer against ``operation`` (None: unchecked) and write the journal entry."""
    response_problems: list[str] = []
    if operation is not None and exchange.method not in ("HEAD", "OPTIONS"):
        response_problems = operation.response_problems(
            exchange.status, mimetype, exchange.body, headers, exchange.has_body, exchange.encoded
        )
    if response_problems:
        log.error(
            "mockconnect broke its contract: %s %s -> %s: %s",
            exchange.method,
            exchange.path,
            exchange.status,
            "; ".join(response_problems),
        )
    journal = state.journal
    journal.record(
        Entry(
            seq=journal.next_seq(),
            operation_id=exchange.operation_id,
            method=exchange.method,
            path=exchange.path,
            path_params=exchange.path_params,
            query=exchange.query,
            request=_kept_request(exchange.raw_body),
            status=0 if exchange.dropped else exchange.status,
            response=_kept_response(exchange, content_length),
            time=state.cluster.clock(),
            duration_ms=(time.perf_counter() - exchange.started) * 1000,
            request_problems=exchange.request_problems,
            response_problems=response_problems,
            error=exchange.error,
            faults=exchange.fault_ids,
        )
    )


def _kept_request(raw: bytes | None) -> Kept:
    if not raw:
        return NOTHING
    if len(raw) > JOURNAL_BODY_LIMIT:
        return Kept(f"<{len(raw)} bytes, not kept>")
    return Kept(raw=bytes(raw), read=_read_request)


def _read_request(raw: bytes) -> Json:
    try:
        return jackson.parse(raw)
    except ConnectError:
        return raw.decode("utf-8", "replace")


def _kept_response(exchange: Exchange, size: int | None) -> Kept:
    if not exchange.has_body:
        return NOTHING
    if size is not None and size > JOURNAL_BODY_LIMIT:
        return Kept(f"<{size} bytes, not kept>")
    if exchange.encoded is None:
        return Kept(exchange.body)
    return Kept(raw=exchange.encoded, read=_read_answer)


def _read_answer(raw: bytes) -> Json:
    try:
        value: Json = orjson.loads(raw)
    except orjson.JSONDecodeError:  # integers beyond 64 bits, escaped lone surrogates
        value = json.loads(raw)
    return value
