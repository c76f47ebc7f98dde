"""What a fault does: replace the answer (respond, timeout, drop, delay, ...) or change the cluster."""

from __future__ import annotations

import http
import math
import random
from dataclasses import dataclass
from typing import Any, ClassVar

from mockconnect.worker.clock import java_instant
from mockconnect.worker.models import Json


class Effect:
    """What a fault does. ``answers`` effects replace the answer; ``changes_state`` ones change the cluster."""

    kind: ClassVar[str]
    answers: ClassVar[bool] = False
    changes_state: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Respond(Effect):
    """Answer with this status and body instead of the worker's answer."""

    kind: ClassVar[str] = "respond"
    answers: ClassVar[bool] = True
    status: int = 500
    body: Json = None
    has_body: bool = True
    headers: tuple[tuple[str, str], ...] = ()
    applied: bool = False
    """The worker still carries the request out; only its answer is replaced."""


@dataclass(frozen=True, slots=True)
class Timeout(Effect):
    """Answer 500 "Request timed out..." as a 3.7 worker does when a herder request takes over 90 s."""

    kind: ClassVar[str] = "timeout"
    answers: ClassVar[bool] = True
    stage: str | None = None
    began: float = 0.0
    """Seconds before the request that the worker's current (or last) stage began."""
    completed: float | None = None
    """Seconds before the request that the stage completed; switches to the "last operation" text."""
    after: float = 0.0
    """Real seconds before the answer is sent (a real worker waits 90 s)."""
    applied: bool = False

    def message(self, now: float) -> str:
        if self.stage is None:
            return "Request timed out"
        began = java_instant(now - self.began)
        if self.completed is None:
            return f"Request timed out. The worker is currently {self.stage}, which began at {began}"
        done = java_instant(now - self.completed)
        return (
            f"Request timed out. The last operation the worker completed was {self.stage}, "
            f"which began at {began} and completed at {done}"
        )


@dataclass(frozen=True, slots=True)
class Drop(Effect):
    """No answer: the connection is reset (RST) or closed (FIN) without a byte."""

    kind: ClassVar[str] = "drop"
    answers: ClassVar[bool] = True
    reset: bool = True
    applied: bool = False


@dataclass(frozen=True, slots=True)
class Delay(Effect):
    """Hold the answer back this many real seconds: fixed, uniform or lognormal."""

    kind: ClassVar[str] = "delay"
    fixed: float | None = None
    uniform: tuple[float, float] | None = None
    median: float | None = None
    sigma: float = 0.0
    maximum: float | None = None

    def sample(self, rng: random.Random) -> float:
        if self.uniform is not None:
            return rng.uniform(*self.uniform)
        if self.median is not None:
            seconds = rng.lognormvariate(math.log(self.median), self.sigma)
            return seconds if self.maximum is None else min(seconds, self.maximum)
        return self.fixed or 0.0


@dataclass(frozen=True, slots=True)
class Malformed(Effect):
    """The status and headers are right; the body is not JSON (the first half of it, or ``body``)."""

    kind: ClassVar[str] = "malformed"
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Dribble(Effect):
    """The answer arrives in ``chunks`` pieces spread over ``duration`` real seconds."""

    kind: ClassVar[str] = "dribble"
    chunks: int = 4
    duration: float = 1.0


@dataclass(frozen=True, slots=True)
class FailConnector(Effect):
    kind: ClassVar[str] = "fail_connector"
    changes_state: ClassVar[bool] = True
    connector: str | None = None
    trace: str | None = None


@dataclass(frozen=True, slots=True)
class FailTask(Effect):
    kind: ClassVar[str] = "fail_task"
    changes_state: ClassVar[bool] = True
    connector: str | None = None
    task: int | None = None
    trace: str | None = None


@dataclass(frozen=True, slots=True)
class FailRestarts(Effect):
    """The next ``times`` starts of the connector (or one task) fail; the one after succeeds."""

    kind: ClassVar[str] = "fail_restarts"
    changes_state: ClassVar[bool] = True
    connector: str | None = None
    task: int | None = None
    times: int = 1
    trace: str | None = None


@dataclass(frozen=True, slots=True)
class Rebalance(Effect):
    kind: ClassVar[str] = "rebalance"
    changes_state: ClassVar[bool] = True
    duration: float = 10.0
    cause: str = "stale_config"


@dataclass(frozen=True, slots=True)
class LoseWorker(Effect):
    kind: ClassVar[str] = "lose_worker"
    changes_state: ClassVar[bool] = True
    worker: str = ""
    reassign_after: float = 300.0
    """``scheduled.rebalance.max.delay.ms``: 5 minutes by default."""


@dataclass(frozen=True, slots=True)
class AddWorker(Effect):
    kind: ClassVar[str] = "add_worker"
    changes_state: ClassVar[bool] = True
    worker: str = ""


@dataclass(frozen=True, slots=True)
class MissingPlugin(Effect):
    """From now the worker has no such plugin (a standing condition: removing the fault brings it back)."""

    kind: ClassVar[str] = "missing_plugin"
    changes_state: ClassVar[bool] = True
    plugins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventualConsistency(Effect):
    """From now the worker acts late (a standing condition: removing the fault makes it prompt again)."""

    kind: ClassVar[str] = "eventual_consistency"
    changes_state: ClassVar[bool] = True
    connector_start: float = 0.0
    task_start: float = 0.0


RESPONSE_EFFECTS = ("respond", "timeout", "reset", "empty", "delay", "malformed", "dribble")
STATE_EFFECTS = (
    "fail_connector",
    "fail_task",
    "fail_restarts",
    "rebalance",
    "lose_worker",
    "add_worker",
    "missing_plugin",
    "eventual_consistency",
)
EFFECT_KEYS = RESPONSE_EFFECTS + STATE_EFFECTS
"""Every effect a fault can have, as spelt in scenario files; a fault has exactly one."""


def _plain(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def compile_effect(key: str, value: Any) -> Effect:
    """The effect ``key`` of a checked fault spec."""
    args = _plain(value)
    if key == "respond":
        status = int(args["status"])
        if "message" in args:
            body: Json = {"error_code": status, "message": args["message"]}
            has_body = True
        elif "body" in args:
            body, has_body = args["body"], True
        elif status >= 400:  # JAX-RS's text for an error without a message of its own
            body, has_body = {"error_code": status, "message": f"HTTP {status} {_reason(status)}"}, True
        else:
            body, has_body = None, False
        headers = tuple((str(k), str(v)) for k, v in _plain(args.get("headers")).items())
        return Respond(status, body, has_body, headers, bool(args.get("applied", False)))
    if key == "timeout":
        completed = args.get("completed")
        return Timeout(
            args.get("stage"),
            float(args.get("began", 0.0)),
            None if completed is None else float(completed),
            float(args.get("after", 0.0)),
            bool(args.get("applied", False)),
        )
    if key in ("reset", "empty"):
        return Drop(reset=key == "reset", applied=bool(args.get("applied", False)))
    if key == "delay":
        if isinstance(value, (int, float)):
            return Delay(fixed=float(value))
        if "uniform" in args:
            low, high = args["uniform"]
            return Delay(uniform=(float(low), float(high)))
        if "lognormal" in args:
            spec = args["lognormal"]
            cap = spec.get("max")
            return Delay(
                median=float(spec["median"]),
                sigma=float(spec.get("sigma", 0.5)),
                maximum=None if cap is None else float(cap),
            )
        return Delay(fixed=float(args.get("fixed", 0.0)))
    if key == "malformed":
        return Malformed(args.get("body"))
    if key == "dribble":
        return Dribble(int(args.get("chunks", 4)), float(args.get("duration", 1.0)))
    if key == "fail_connector":
        return FailConnector(args.get("connector"), args.get("trace"))
    if key == "fail_task":
        return FailTask(args.get("connector"), args.get("task"), args.get("trace"))
    if key == "fail_restarts":
        return FailRestarts(args.get("connector"), args.get("task"), int(args.get("times", 1)), args.get("trace"))
    if key == "rebalance":
        return Rebalance(float(args["duration"]), args.get("cause", "stale_config"))
    if key == "lose_worker":
        return LoseWorker(args["worker"], float(args.get("reassign_after", 300.0)))
    if key == "add_worker":
        return AddWorker(args["worker"])
    if key == "missing_plugin":
        named = args["plugin"]
        return MissingPlugin(tuple([named] if isinstance(named, str) else named))
    if key == "eventual_consistency":
        return EventualConsistency(float(args.get("connector_start", 0.0)), float(args.get("task_start", 0.0)))
    raise ValueError(f"unknown effect {key!r}")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
