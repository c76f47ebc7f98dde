"""Domain errors, worded exactly as a Kafka Connect 3.7 worker words them.

The tree mirrors how Connect's ``ConnectExceptionMapper`` classifies exceptions; the HTTP
status for each class lives in one table in ``mockconnect.http.errors``, never here::

    ConnectError                      any other exception (a real worker answers 500)
    ├── NotFound                      NotFoundException
    ├── AlreadyExists                 AlreadyExistsException
    ├── BadRequest                    BadRequestException
    ├── Forbidden                     ConnectRestException(FORBIDDEN)
    ├── Conflict                      ConnectRestException(CONFLICT): leader or rebalance trouble
    ├── ServiceUnavailable            ConnectRestException(SERVICE_UNAVAILABLE)
    ├── ConfigProblem                 ConfigException (a 500 too)
    └── NullPointer                   NullPointerException (a 500 too)
"""

from __future__ import annotations


class ConnectError(Exception):
    """An error a real worker reports; ``message`` may be None (a Java exception without one)."""

    def __init__(self, message: str | None) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ConnectError):
    """The connector, task, plugin or logger does not exist."""


class AlreadyExists(ConnectError):
    """A connector of that name already exists."""


class BadRequest(ConnectError):
    """The request was understood but is invalid."""


class Forbidden(ConnectError):
    """The feature is switched off on this worker (topic tracking)."""


class Conflict(ConnectError):
    """The request cannot complete now: no leader, a conflicting operation or a stale config."""


class ServiceUnavailable(ConnectError):
    """The worker cannot serve the request yet."""


class ConfigProblem(ConnectError):
    """Kafka's ConfigException escaping validation, e.g. a client override its type cannot parse."""

    java_class = "org.apache.kafka.common.config.ConfigException"


class NullPointer(ConnectError):
    """A Kafka bug: Java's NullPointerException, whose helpful message names what was null."""

    java_class = "java.lang.NullPointerException"
