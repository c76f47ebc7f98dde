"""The one table from domain errors to HTTP statuses, and the error envelope Kafka sends."""

from __future__ import annotations

import traceback

from werkzeug.exceptions import HTTPException

from mockconnect.http.reply import Answer
from mockconnect.worker.errors import (
    AlreadyExists,
    BadRequest,
    Conflict,
    ConnectError,
    Forbidden,
    NotFound,
    ServiceUnavailable,
)
from mockconnect.worker.models import Json

STATUS_BY_ERROR: dict[type[ConnectError], int] = {
    BadRequest: 400,
    Forbidden: 403,
    NotFound: 404,
    AlreadyExists: 409,
    Conflict: 409,
    ServiceUnavailable: 503,
    ConnectError: 500,
}


def status_for(error: ConnectError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def envelope(status: int, message: str | None) -> dict[str, Json]:
    """Kafka's ErrorMessage: ``error_code`` always equals the HTTP status."""
    return {"error_code": status, "message": message}


def http_envelope(error: HTTPException) -> tuple[int, dict[str, Json]]:
    """JAX-RS's text for routing-level errors: ``HTTP 404 Not Found``."""
    code = error.code or 500
    return code, envelope(code, f"HTTP {code} {error.name}")


def error_answer(error: ConnectError) -> Answer:
    status = status_for(error)
    return Answer(envelope(status, error.message), status)


def internal_error_answer(error: Exception, limit: int) -> tuple[Answer, str]:
    """The 500 for a bug of the mock's own, and the traceback the journal keeps (its last ``limit``
    characters: the end matters most). The client never sees the traceback."""
    text = "".join(traceback.format_exception(error))[-limit:]
    return Answer(envelope(500, f"mockconnect internal error: {error.__class__.__name__}"), 500), text
