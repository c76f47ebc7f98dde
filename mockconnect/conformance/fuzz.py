"""Contract fuzzing with schemathesis 4.x: examples, coverage, fuzzing and stateful phases.

schemathesis is imported here, lazily (only when a run fuzzes). The engine runs against the
target; every request it sends passes the run's guard (see :mod:`.transport`), and, in
differential mode, the runner's observer sends the same prepared request to the comparison target.

Checks (see ``docs/conformance.md`` for the reasoning):

* kept: ``status_code_conformance``, ``content_type_conformance``, ``response_headers_conformance``,
  ``response_schema_conformance``, ``negative_data_rejection``, ``missing_required_header``,
  ``use_after_free``, ``ensure_resource_availability``, ``allow_header_conformance``, ``ignored_auth``
  (a no-op: the API has no auth);
* ``not_a_server_error`` accepts a **500**: Kafka answers 500, with its error envelope, for
  malformed JSON, wrong types, empty bodies and unknown classes, and the contract documents it on
  every operation (other 5xx still fail, and ``response_schema_conformance`` checks the envelope);
* ``positive_data_acceptance`` also accepts **400**: a schema-valid config can still be semantically
  invalid (no ``connector.class``, validation errors), which Kafka answers with 400;
* ``unsupported_method`` is **off**: Kafka's 405 carries no ``Allow`` header (verified), so the
  check fails on every real worker and on a faithful mock.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mockconnect.conformance.operations import UNROUTED, contract_path, operation_for
from mockconnect.conformance.policy import SafetyPolicy

PHASES = ("examples", "coverage", "fuzzing", "stateful")

CHECK_NOTES = {
    "not_a_server_error": "500 accepted (Kafka's documented answer to malformed/mistyped bodies); other 5xx fail",
    "positive_data_acceptance": "400 accepted too (semantic validation after the schema)",
    "unsupported_method": "off: Kafka's 405 has no Allow header",
}


@dataclass
class CheckFailure:
    check: str
    operation: str
    phase: str
    title: str
    message: str
    curl: str


@dataclass
class FuzzSettings:
    target_url: str
    seed: int = 0
    max_examples: int = 10
    phases: tuple[str, ...] = PHASES
    read_only: bool = False
    allow_cluster_changes: bool = False
    request_timeout: float = 30.0
    stateful_max_steps: int | None = None
    access: dict[str, Any] = field(default_factory=dict)
    """Auth and TLS settings for the target, in schemathesis.toml terms (see ``targets.Access``)."""
    kafka_version: str | None = None
    """The release whose contract schemathesis fuzzes and checks (default: the mock's default release)."""


@dataclass
class FuzzOutcome:
    requests: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    """Check executions by ``name:status``."""
    failures: list[CheckFailure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False
    per_phase: Counter[str] = field(default_factory=Counter)
    cases_rewritten: int = 0
    """Generated cases the before_call hook forced into the namespace (or made harmless)."""


class CaseContext(threading.local):
    phase: str = "probing"
    operation: str = UNROUTED


def schemathesis_config(settings: FuzzSettings) -> dict[str, Any]:
    """The engine configuration, as schemathesis.toml would spell it."""
    no_pool = {"responses": False}  # never feed names seen in answers back as path parameters
    coverage: dict[str, Any] = {"enabled": "coverage" in settings.phases, "extra-data-sources": no_pool}
    if settings.read_only:
        coverage["unexpected-methods"] = []
    stateful: dict[str, Any] = {
        "enabled": "stateful" in settings.phases and not settings.read_only,
        # Only the documented links: the inferred ones include create -> status, which a real
        # worker answers 404 for a moment after the create.
        "inference": {"algorithms": []},
    }
    if settings.stateful_max_steps:
        stateful["max-steps"] = settings.stateful_max_steps
    return {
        **settings.access,
        "seed": settings.seed,
        "base-url": settings.target_url,
        "workers": 1,
        "continue-on-failure": True,
        "request-timeout": settings.request_timeout,
        "generation": {"max-examples": settings.max_examples, "database": "none"},
        "phases": {
            "examples": {"enabled": "examples" in settings.phases, "extra-data-sources": no_pool},
            "coverage": coverage,
            "fuzzing": {"enabled": "fuzzing" in settings.phases, "extra-data-sources": no_pool},
            "stateful": stateful,
        },
        "checks": {
            "not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "500"]},
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
            },
            "unsupported_method": {"enabled": False},
        },
    }


class Fuzzer:
    """One schemathesis run under the policy. ``context`` tells the observer which phase sent what."""

    def __init__(self, settings: FuzzSettings, policy: Callable[[], SafetyPolicy]) -> None:
        self.settings = settings
        self.policy = policy
        self.context = CaseContext()
        self.outcome = FuzzOutcome()
        self._stop = threading.Event()

    # -- the before_call hook ------------------------------------------------------------------

    def prepare(self, case: Any) -> None:
        """Force a generated case into the run's namespace before schemathesis serialises it."""
        policy = self.policy()
        meta = getattr(case, "meta", None)
        phase = getattr(getattr(getattr(meta, "phase", None), "name", None), "value", None)
        self.context.phase = str(phase or "unknown")
        operation = operation_for(case.method, case.path)
        self.context.operation = operation
        changed = False
        params = case.path_parameters
        if isinstance(params, dict):
            name = params.get("connector")
            if isinstance(name, str) and not policy.owns(name):
                params["connector"] = policy.prefix + name
                changed = True
            plugin = params.get("plugin")
            if isinstance(plugin, str) and operation == "getConnectorConfigDef":
                params["plugin"] = policy.safe_plugin_name(plugin)
                changed = changed or params["plugin"] != plugin
        body = case.body
        if isinstance(body, dict):
            notes: list[str] = []
            if operation == "createConnector":
                notes = policy.safe_create_body(body)
            elif operation == "putConnectorConfig":
                notes = policy.safe_config(body)
            elif operation == "validateConnectorConfig":
                notes = policy.safe_config(body, validation=True)
            changed = changed or bool(notes)
        if changed:
            self.outcome.cases_rewritten += 1

    # -- running -------------------------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run(self, progress: Callable[[str, int], None] | None = None) -> FuzzOutcome:
        import schemathesis
        from schemathesis.engine import events, from_schema
        from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

        config = schemathesis.Config.from_dict(schemathesis_config(self.settings))
        schema: Any = schemathesis.openapi.from_path(str(contract_path(self.settings.kafka_version)), config=config)
        if not self.settings.allow_cluster_changes:
            schema = schema.exclude(operation_id="setLevel")
        if self.settings.read_only:
            schema = schema.include(method="GET")

        def before_call(context: Any, case: Any, kwargs: Any) -> None:
            self.prepare(case)

        hook = schemathesis.hook("before_call")(before_call)
        outcome = self.outcome
        stream = None
        try:
            stream = from_schema(schema).execute()
            for event in stream:
                if self._stop.is_set():
                    stream.stop()
                if isinstance(event, events.ScenarioFinished):
                    self._scenario(event)
                    if progress is not None:
                        progress(str(event.recorder.label), len(event.recorder.interactions))
                elif isinstance(event, events.NonFatalError):
                    outcome.errors.append(f"{event.label}: {str(event.value)[:300]}")
                elif isinstance(event, events.FatalError):
                    outcome.errors.append(f"fatal: {str(event.exception)[:300]}")
                elif isinstance(event, events.Interrupted):
                    outcome.interrupted = True
        finally:
            if stream is not None:
                # Wind the engine's worker threads down (an interrupt may have left them running)
                # before anyone cleans up behind them.
                stream.stop()
                with contextlib.suppress(Exception):
                    stream.generator.close()
            GLOBAL_HOOK_DISPATCHER.unregister(hook)
        return outcome

    def _scenario(self, event: Any) -> None:
        recorder = event.recorder
        phase = getattr(event.phase, "value", str(event.phase))
        self.outcome.per_phase[phase] += len(recorder.interactions)
        self.outcome.requests += len(recorder.interactions)
        for case_id, nodes in recorder.checks.items():
            for node in nodes:
                status = getattr(node.status, "value", str(node.status))
                self.outcome.checks[f"{node.name}:{status}"] += 1
                info = node.failure_info
                if info is None:
                    continue
                case_node = recorder.cases.get(case_id)
                operation = UNROUTED
                if case_node is not None:
                    operation = operation_for(case_node.value.method, case_node.value.path)
                failure = info.failure
                self.outcome.failures.append(
                    CheckFailure(
                        check=node.name,
                        operation=operation,
                        phase=phase,
                        title=str(getattr(failure, "title", "")),
                        message=str(getattr(failure, "message", ""))[:600],
                        curl=str(info.code_sample)[:1200],
                    )
                )
