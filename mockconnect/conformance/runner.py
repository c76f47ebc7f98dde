"""Run a conformance check: lifecycle suite, fuzzing, differential comparison, safety, cleanup."""

from __future__ import annotations

import atexit
import contextlib
import fnmatch
import json
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

import requests

from mockconnect.conformance import deviations as deviation_file
from mockconnect.conformance import lifecycle, seeding
from mockconnect.conformance import snapshot as snapshots
from mockconnect.conformance.convergence import Convergence
from mockconnect.conformance.fuzz import PHASES as FUZZ_PHASES
from mockconnect.conformance.normalise import Answer, differences, normalise
from mockconnect.conformance.operations import UNROUTED, operation_for
from mockconnect.conformance.policy import HARMLESS_CONNECTOR, Refused, SafetyPolicy, make_prefix, plugin_names
from mockconnect.conformance.preflight import WorkerIdentity, check_worker
from mockconnect.conformance.results import DEVIATION, DIVERGED, FAIL, Result, scores, totals
from mockconnect.conformance.targets import NO_BODY, Access, Target, origin_of
from mockconnect.conformance.transport import Guard, guard_process
from mockconnect.release import Release

ALL_PHASES = ("lifecycle", *FUZZ_PHASES)


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived; the run stops and cleans up."""


@dataclass
class Options:
    target: str
    compare_with: str | None = None
    compare_with_mock: bool = False
    phases: tuple[str, ...] = ALL_PHASES
    seed: int = 0
    max_examples: int = 10
    read_only: bool = False
    allow_cluster_changes: bool = False
    prefix: str | None = None
    connector_class: str = HARMLESS_CONNECTOR
    allow_classes: tuple[str, ...] = ()
    sink_file: str | None = None
    max_tasks: int = 2
    report_dir: Path | None = None
    deviations: Path | None = deviation_file.DEFAULT_DEVIATIONS
    request_timeout: float = 100.0
    min_status_agreement: float = 0.99
    stateful_max_steps: int | None = None
    settle_seconds: float = 3.0
    """How long a fuzzed read that differs is read again from both targets before it counts as a divergence."""
    progress: TextIO | None = None
    mock_factory: Any = None
    """Builds the in-process comparison mock (default: a fresh MockConnect); tests pass a broken one."""
    mock_kafka_version: str | None = None
    """The release the comparison mock emulates; None: the target's own (GET /), when the mock knows it."""
    access: Access = field(default_factory=Access)
    """Credentials and TLS settings for the real workers (--target and --compare-with, not the mock)."""

    @property
    def differential(self) -> bool:
        return self.compare_with is not None or self.compare_with_mock


@dataclass
class TargetSafety:
    label: str
    url: str
    before: snapshots.Snapshot | None = None
    after: snapshots.Snapshot | None = None
    diff: snapshots.SnapshotDiff | None = None
    cleanup_deleted: list[str] = field(default_factory=list)
    cleanup_left: list[str] = field(default_factory=list)
    loggers_restored: list[str] = field(default_factory=list)
    new_loggers: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    options: Options
    prefix: str
    policy: SafetyPolicy | None = None
    started: float = field(default_factory=time.time)
    durations: dict[str, float] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    check_failures: list[dict[str, Any]] = field(default_factory=list)
    """schemathesis check failures no deviation lists (each fails the run)."""
    listed_check_failures: list[dict[str, Any]] = field(default_factory=list)
    fuzz_errors: list[str] = field(default_factory=list)
    fuzz_checks: dict[str, int] = field(default_factory=dict)
    fuzz_per_phase: dict[str, int] = field(default_factory=dict)
    safety: list[TargetSafety] = field(default_factory=list)
    ledger: dict[str, Any] = field(default_factory=dict)
    ledger_hook_rewrites: int = 0
    """Fuzzed cases the schemathesis hook forced into the namespace before the transport saw them."""
    writes_outside: list[str] = field(default_factory=list)
    stale_deviations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False
    comparison_url: str | None = None
    identities: list[WorkerIdentity] = field(default_factory=list)
    """What GET / said about each real worker before the run."""
    convergence: list[str] = field(default_factory=list)
    """Waits the run gave up on, and why (each fails the run)."""
    starting_state: list[str] = field(default_factory=list)
    mock_kafka_version: str | None = None
    """The release the comparison mock emulated, when there was one."""
    notes: list[str] = field(default_factory=list)
    """How a real comparison's starting state differed from the target's (a seeded mock's does not)."""

    # -- figures -------------------------------------------------------------------------------

    def of_kind(self, kind: str) -> list[Result]:
        return [r for r in self.results if r.kind == kind and r.skipped is None]

    @property
    def lifecycle_figures(self) -> dict[str, Any]:
        steps = self.of_kind("lifecycle")
        compared = [r for r in steps if r.compared]
        return {
            "steps": len(steps),
            "skipped": sum(1 for r in self.results if r.kind == "lifecycle" and r.skipped is not None),
            "expectations_met": sum(1 for r in steps if not r.problems),
            "compared": len(compared),
            "matched": sum(1 for r in compared if r.match),
            "listed_deviations": sum(1 for r in compared if r.verdict == DEVIATION),
            "unlisted_divergences": sum(1 for r in compared if r.verdict == DIVERGED),
        }

    @property
    def fuzz_figures(self) -> dict[str, Any]:
        sent = self.of_kind("fuzz")
        compared = [r for r in sent if r.compared]
        status = sum(1 for r in compared if r.status_match)
        return {
            "requests": len(sent),
            "compared": len(compared),
            "status_matched": status,
            "status_agreement": round(status / len(compared), 4) if compared else None,
            "matched": sum(1 for r in compared if r.match),
            "listed_deviations": sum(1 for r in compared if r.verdict == DEVIATION),
            "unlisted_divergences": sum(1 for r in compared if r.verdict == DIVERGED),
            "settled_reads": sum(1 for r in compared if r.settled_after and r.match),
            "check_failures": len(self.check_failures),
        }

    def failures(self) -> list[str]:
        """Why the run fails; empty when it passes."""
        reasons = []
        if self.interrupted:
            reasons.append("interrupted")
        failed = [r.name for r in self.results if r.verdict == FAIL]
        if failed:
            reasons.append(f"{len(failed)} lifecycle steps did not meet their expectations: {', '.join(failed[:8])}")
        diverged = [r for r in self.results if r.verdict == DIVERGED]
        if diverged:
            names = ", ".join(r.name for r in diverged[:8])
            reasons.append(f"{len(diverged)} unlisted divergences from the comparison: {names}")
        if self.check_failures:
            reasons.append(f"{len(self.check_failures)} schemathesis check failures")
        agreement = self.fuzz_figures["status_agreement"]
        if agreement is not None and agreement < self.options.min_status_agreement:
            reasons.append(f"fuzzed status agreement {agreement:.2%} < {self.options.min_status_agreement:.0%}")
        for safety in self.safety:
            if safety.diff is not None and not safety.diff.clean:
                reasons.append(f"the {safety.label} changed outside the namespace: {safety.diff.lines()[:3]}")
            if safety.cleanup_left:
                reasons.append(f"cleanup left connectors on the {safety.label}: {safety.cleanup_left}")
        if self.writes_outside:
            reasons.append(f"writes outside the namespace were sent: {self.writes_outside[:5]}")
        reasons += self.convergence
        reasons += self.errors
        return reasons

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failures() else 0

    def operation_table(self) -> list[dict[str, Any]]:
        table = scores(self.results, self.options.differential)
        return [s.as_dict() for s in table] + [totals(table).as_dict()]


class Runner:
    """One conformance run. ``run()`` always cleans up, whatever happens."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.prefix = options.prefix or make_prefix(secrets.token_hex(4))
        sink_file = options.sink_file or f"/tmp/{self.prefix}sink.txt"
        origins = [origin_of(options.target)]
        if options.compare_with:
            origins.append(origin_of(options.compare_with))
        self.policy = SafetyPolicy(
            prefix=self.prefix,
            connector_class=options.connector_class,
            allowed_classes=frozenset(options.allow_classes),
            file_path=sink_file,
            max_tasks=options.max_tasks,
            read_only=options.read_only,
            allow_cluster_changes=options.allow_cluster_changes,
            origins=tuple(origins),
        )
        self.guard = Guard(self.policy)
        self.report = RunReport(options, self.prefix, self.policy)
        self.deviations = deviation_file.load(options.deviations)
        self.targets: list[Target] = []
        self.mock: Any = None
        self._cleaned = False
        self._cleaning = False
        self._cleanup_lock = threading.Lock()
        self._fuzz_lock = threading.Lock()
        self._fuzz_count = 0
        self.fuzzer: Any = None
        self.budgets: dict[str, Convergence] = {}
        self.settle_budget = Convergence("comparison")
        self.refused_while_rebalancing: dict[str, list[str]] = {"target": [], "comparison": []}
        """Per target label, the requests (lifecycle steps, fuzzed requests, cleanup deletes) sent again
        because the worker refused them while a rebalance was expected."""
        from mockconnect.conformance.report import Progress

        self.progress = Progress(options.progress)

    # -- set-up --------------------------------------------------------------------------------

    def _connect(self) -> None:
        options = self.options
        self.targets.append(
            Target.connect("target", options.target, self.guard, options.request_timeout, options.access)
        )
        if options.compare_with is not None:
            self.targets.append(
                Target.connect("comparison", options.compare_with, self.guard, options.request_timeout, options.access)
            )
            self.report.comparison_url = options.compare_with

    def _preflight(self) -> None:
        """Stop at once (NotAWorker) unless every real worker answers as a Kafka Connect worker does."""
        for target in self.targets:
            self.report.identities.append(check_worker(target, credentials=self.options.access.has_credentials))

    def _start_comparison(self) -> None:
        """The comparison starts where the target stands: a mock is built and seeded from it, a real
        comparison's different starting state is recorded (divergences it explains are attributed to it)."""
        options = self.options
        starting = seeding.read(self.targets[0])
        if options.compare_with_mock:
            self.report.mock_kafka_version = self._mock_version()
            self.deviations = self.deviations.for_release(self.report.mock_kafka_version)
            factory = options.mock_factory or seeding.mock_factory(starting, self.report.mock_kafka_version)
            self.mock = factory().start()
            comparison = str(self.mock.url)
            seeding.seed_loggers(comparison, starting)
            self.guard.replace_policy(replace(self.policy, origins=(*self.policy.origins, origin_of(comparison))))
            self.policy = self.guard.policy
            self.targets.append(Target.connect("comparison", comparison, self.guard, options.request_timeout))
            self.report.comparison_url = comparison
        elif len(self.targets) > 1:
            self.report.starting_state = seeding.differences(starting, seeding.read(self.targets[1]))

    def _target_release(self) -> Release | None:
        """The release whose answers the lifecycle expects: the comparison mock's, else the target's if known."""
        from mockconnect.release import get_release, known_releases

        if self.report.mock_kafka_version is not None:
            return get_release(self.report.mock_kafka_version)
        target = self.report.identities[0].version if self.report.identities else None
        return known_releases().get(str(target))

    def _mock_version(self) -> str:
        """The release to compare with: as asked, else the target's own, else the mock's default (said so)."""
        from mockconnect.release import DEFAULT_VERSION, get_release, known_releases

        if self.options.mock_kafka_version is not None:
            return get_release(self.options.mock_kafka_version).version
        target = self.report.identities[0].version if self.report.identities else None
        if target in known_releases():
            return str(target)
        self.report.notes.append(
            f"the target runs Kafka {target}, which the mock does not emulate; it is compared with a "
            f"{DEFAULT_VERSION} mock, so release differences show as divergences (choose with --mock-kafka-version)"
        )
        return DEFAULT_VERSION

    def _close(self) -> None:
        for target in self.targets:
            target.close()
        if self.mock is not None:
            self.mock.stop()

    def _learn_plugins(self) -> None:
        answer = self.targets[0].request("GET", "/connector-plugins", query="connectorsOnly=false")
        if answer.status != 200 or not isinstance(answer.json, list):
            self.report.errors.append(f"GET /connector-plugins answered {answer.status}: {answer.text[:200]}")
            return
        known, kafka = plugin_names(answer.json)
        self.policy = replace(self.policy, known_plugins=known, kafka_plugins=kafka)
        self.guard.replace_policy(self.policy)
        self.report.policy = self.policy

    @property
    def source_allowed(self) -> bool:
        return lifecycle.FILE_SOURCE in self.policy.creatable_classes

    # -- the run -------------------------------------------------------------------------------

    def run(self) -> RunReport:
        """Run everything and clean up; raises :class:`NotAWorker` (before touching anything) for a wrong URL."""
        began = time.monotonic()
        try:
            self._connect()
            self._preflight()
            if self.options.differential:
                self._start_comparison()
            self.budgets = {target.label: Convergence(target.label) for target in self.targets}
        except BaseException:
            self._cleaned = True
            self._close()
            raise
        with self._signals(), self._exit_cleanup():
            try:
                self.progress.header(self)
                self._learn_plugins()
                self._timed("snapshot-before", self._snapshot_before)
                if "lifecycle" in self.options.phases:
                    self._timed("lifecycle", self._lifecycle)
                    self._timed("cleanup-between", lambda: self._delete_owned(record=False))
                fuzz_phases = tuple(p for p in self.options.phases if p in FUZZ_PHASES)
                if fuzz_phases and any(budget.given_up for budget in self.budgets.values()):
                    self.progress.line("fuzzing skipped: a target did not converge in the lifecycle suite")
                elif fuzz_phases:
                    self._timed("fuzz", lambda: self._fuzz(fuzz_phases))
            except (KeyboardInterrupt, Interrupted):
                self.report.interrupted = True
                self.progress.line("interrupted: cleaning up")
            except Refused as refused:
                self.report.errors.append(f"the guard refused a request of the runner itself: {refused}")
            except requests.RequestException as exc:
                self.report.errors.append(f"a target stopped answering: {exc}")
            finally:
                self._finish()
        self.report.durations["total"] = round(time.monotonic() - began, 2)
        return self.report

    def _timed(self, label: str, action: Any) -> None:
        began = time.monotonic()
        try:
            action()
        finally:
            self.report.durations[label] = round(time.monotonic() - began, 2)

    def _snapshot_before(self) -> None:
        for target in self.targets:
            safety = snapshots.take(target)
            self.report.safety.append(TargetSafety(target.label, target.url, before=safety))

    # -- lifecycle -----------------------------------------------------------------------------

    def _lifecycle(self) -> None:
        steps = lifecycle.build_steps(self.policy, source_allowed=self.source_allowed, release=self._target_release())
        self.progress.phase("lifecycle", len(steps))
        for step in steps:
            reason = lifecycle.skip_reason(
                step,
                read_only=self.options.read_only,
                allow_cluster_changes=self.options.allow_cluster_changes,
                source_allowed=self.source_allowed,
            )
            result = Result(
                kind="lifecycle",
                name=step.name,
                operation=step.operation,
                method=step.method,
                path=step.path + (f"?{step.query}" if step.query else ""),
                request_body=_body_text(step),
            )
            if reason is not None:
                result.skipped = reason
            else:
                began = time.monotonic()
                sent = [lifecycle.send_step(target, step, self.budgets[target.label]) for target in self.targets]
                for target, answer in zip(self.targets, sent, strict=True):
                    if answer.refused_while_rebalancing:
                        self.refused_while_rebalancing[target.label].append(
                            f"{step.name} ({answer.refused_while_rebalancing}x)"
                        )
                result.seconds = time.monotonic() - began
                result.target = sent[0].answer
                result.problems = sent[0].problems
                if len(sent) > 1:
                    result.comparison = sent[1].answer
                    result.comparison_problems = sent[1].problems
                    self._compare(result)
            self.report.results.append(result)
            self.progress.result(result)
        self.progress.end_phase()

    def _compare(self, result: Result) -> None:
        assert result.target is not None
        assert result.comparison is not None
        left = normalise(result.target, result.operation, self.prefix)
        right = normalise(result.comparison, result.operation, self.prefix)
        result.diff = differences(left, right)
        if not result.diff:
            return
        if result.kind == "lifecycle":
            entry = self.deviations.for_step(result.name)
        else:
            entry = self.deviations.for_request(
                result.operation,
                f"{result.target.status}/{result.comparison.status}",
                result.path,
                (result.target.text, result.comparison.text),
                result.diff,
            )
        result.deviation = entry.id if entry is not None else None
        texts = (result.target.text, result.comparison.text)
        if entry is None and seeding.explains(self.report.starting_state, result.operation, texts):
            result.deviation = seeding.STARTING_STATE

    # -- fuzzing -------------------------------------------------------------------------------

    def _fuzz(self, phases: tuple[str, ...]) -> None:
        from mockconnect.conformance.fuzz import Fuzzer, FuzzSettings

        release = self._target_release()
        settings = FuzzSettings(
            target_url=self.targets[0].url,
            kafka_version=None if release is None else release.version,
            seed=self.options.seed,
            max_examples=self.options.max_examples,
            phases=phases,
            read_only=self.options.read_only,
            allow_cluster_changes=self.options.allow_cluster_changes,
            request_timeout=self.options.request_timeout,
            stateful_max_steps=self.options.stateful_max_steps,
            access=self.options.access.schemathesis(),
        )
        self.fuzzer = Fuzzer(settings, lambda: self.policy)
        self.progress.phase("fuzz (" + ", ".join(phases) + ")", None)
        with guard_process(self.guard, self._observe):
            outcome = self.fuzzer.run(self.progress.scenario)
        self.progress.end_phase()
        self.report.fuzz_checks = dict(outcome.checks)
        self.report.fuzz_per_phase = dict(outcome.per_phase)
        self.report.fuzz_errors = outcome.errors
        self.report.ledger_hook_rewrites = outcome.cases_rewritten
        seen: set[tuple[str, str, str]] = set()
        for failure in outcome.failures:
            key = (failure.check, failure.operation, failure.title)
            if key in seen:
                continue
            seen.add(key)
            entry = self.deviations.for_check(
                failure.check, failure.operation, failure.curl, f"{failure.title}\n{failure.message}"
            )
            record = dict(failure.__dict__)
            if entry is not None:
                record["deviation"] = entry.id
                self.report.listed_check_failures.append(record)
            else:
                self.report.check_failures.append(record)
        if outcome.interrupted:
            raise Interrupted("the fuzzer was interrupted")

    def _observe(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        """Every request the fuzzer sent: record it and, in differential mode, send it to the comparison."""
        url = request.url or ""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        with self._fuzz_lock:
            self._fuzz_count += 1
            number = self._fuzz_count
        context = self.fuzzer.context if self.fuzzer is not None else None
        result = Result(
            kind="fuzz",
            name=f"fuzz#{number}",
            operation=operation_for(request.method or "GET", parts.path),
            method=request.method or "GET",
            path=path,
            phase=getattr(context, "phase", "probing"),
            target=Answer.from_response(response),
            request_body=_text(request.body),
        )
        if len(self.targets) > 1:
            target, comparison = self.targets
            result.target = self._past_rebalance(target, request, path, Answer.from_response(response), result.name)
            try:
                result.comparison = self._past_rebalance(
                    comparison, request, path, self._send_again(comparison, request, path), result.name
                )
            except Refused as refused:
                result.comparison_problems.append(str(refused))
            except requests.RequestException as exc:
                result.comparison_problems.append(f"the comparison did not answer: {exc}")
            if result.comparison is not None:
                self._compare(result)
                if result.diff and result.method == "GET" and result.deviation is None:  # a listed one is known
                    self._settle(result, request, path)
        with self._fuzz_lock:
            self.report.results.append(result)
        self.progress.fuzzed(result)

    def _settle(self, result: Result, request: requests.PreparedRequest, path: str) -> None:
        """A read that differs may have caught a worker mid-way (a real worker acts after it answers,
        the mock at once): read again from both, for a bounded time, until they agree."""
        if not self.settle_budget.settle_may_run():
            return
        deadline = time.monotonic() + self.options.settle_seconds
        polls = 0
        while result.diff and time.monotonic() < deadline:
            time.sleep(0.1 if polls < 5 else 0.25)
            polls += 1
            try:
                answers = [self._send_again(target, request, path) for target in self.targets]
            except (Refused, requests.RequestException):
                return
            result.target, result.comparison = answers
            self._compare(result)
        self.settle_budget.settled(not result.diff)
        if polls:
            result.settled_after = polls

    @staticmethod
    def _send_again(target: Target, request: requests.PreparedRequest, path: str) -> Answer:
        """The fuzzer's request, sent to ``target`` (the comparison, or the target once more)."""
        again = request.copy()
        again.url = target.url + path
        again.headers.pop("Host", None)
        return Answer.from_response(target.send(again, f"{again.method} {path}"))

    def _past_rebalance(
        self, target: Target, request: requests.PreparedRequest, path: str, answer: Answer, name: str
    ) -> Answer:
        """A fuzzed request ``target`` refused because a rebalance was expected, sent again until it is not
        (the refusal came before the worker acted, and the mock never refuses so unasked)."""

        def again() -> Answer | None:
            try:
                return self._send_again(target, request, path)
            except (Refused, requests.RequestException):
                return None

        answer, times = lifecycle.past_rebalance(again, answer)
        if times:
            self.refused_while_rebalancing[target.label].append(f"{name} ({times}x)")
        return answer

    # -- the end -------------------------------------------------------------------------------

    def _finish(self) -> None:
        self._cleaning = True
        began = time.monotonic()
        try:
            self._cleanup()
        finally:
            self.report.durations["cleanup"] = round(time.monotonic() - began, 2)
            self.report.ledger = self.guard.ledger.as_dict()
            self.report.writes_outside = self.guard.writes_outside()
            compared = [r for r in self.report.results if r.kind == "lifecycle" and r.compared]
            if compared and not self.report.interrupted:
                ran = {r.name for r in compared}
                self.report.stale_deviations = [
                    entry
                    for entry in self.deviations.stale(r.name for r in compared if r.diff)
                    if any(fnmatch.fnmatchcase(name, entry.split(": ", 1)[1]) for name in ran)
                ]
            self.report.convergence = [
                note for budget in (*self.budgets.values(), self.settle_budget) for note in budget.messages()
            ]
            for target in self.targets:
                refused = self.refused_while_rebalancing[target.label]
                if refused:
                    self.report.notes.append(
                        f"the {target.label} refused {len(refused)} request(s) while a rebalance was expected; "
                        f"each was sent again until it was not: {', '.join(refused)}"
                    )
                if target.resent:
                    self.report.notes.append(
                        f"the {target.label} closed or reset a kept-alive connection without answering "
                        f"{len(target.resent)} time(s); each request was sent once more on a new connection: "
                        f"{', '.join(target.resent)}"
                    )
            self._close()

    def _cleanup(self) -> None:
        """Delete every connector of the run, restore logger levels, take the after-snapshots. Once."""
        with self._cleanup_lock:
            if self._cleaned:
                return
            self._cleaned = True
        if not self.targets:
            return
        self._delete_owned(record=True)
        if self.options.allow_cluster_changes:
            self._restore_loggers()
        for safety, target in zip(self.report.safety, self.targets, strict=False):
            try:
                safety.after = snapshots.take(target)
            except requests.RequestException as exc:
                self.report.errors.append(f"after-snapshot of the {target.label} failed: {exc}")
                continue
            if safety.before is not None:
                safety.diff = snapshots.compare(safety.before, safety.after, self.policy)

    def _owned(self, target: Target) -> list[str]:
        answer = target.request("GET", "/connectors")
        names = answer.json if answer.status == 200 and isinstance(answer.json, list) else []
        return [str(n) for n in names if self.policy.owns(str(n)) and str(n).strip()]

    def _delete_owned(self, record: bool) -> None:
        for index, target in enumerate(self.targets):
            try:
                owned = self._owned(target)
                for name in owned:
                    self._delete(target, name)
                deadline = time.monotonic() + 30
                left = self._owned(target)
                while left and time.monotonic() < deadline:
                    time.sleep(0.2)
                    left = self._owned(target)
            except requests.RequestException as exc:
                self.report.errors.append(f"cleanup of the {target.label} failed: {exc}")
                continue
            if record and index < len(self.report.safety):
                self.report.safety[index].cleanup_deleted = owned
                self.report.safety[index].cleanup_left = left

    def _delete(self, target: Target, name: str) -> None:
        """DELETE a connector of the run, again while the worker refuses because a rebalance is expected."""
        path = "/connectors/" + quote(name, safe="")
        with contextlib.suppress(Refused):
            _, times = lifecycle.past_rebalance(lambda: target.request("DELETE", path), target.request("DELETE", path))
            if times:
                self.refused_while_rebalancing[target.label].append(f"cleanup DELETE {path}")

    def _restore_loggers(self) -> None:
        changed = self.guard.ledger.logger_changes
        if not changed:
            return
        for safety, target in zip(self.report.safety, self.targets, strict=False):
            before = (safety.before.loggers if safety.before else None) or {}
            try:
                for namespace in sorted({name for name, scope in changed if scope == "cluster"}):
                    target.request(
                        "PUT",
                        "/admin/loggers/" + quote(namespace, safe=""),
                        query="scope=cluster",
                        body={"level": _inherited(before, namespace)},
                    )
                for _ in range(3):
                    now = target.request("GET", "/admin/loggers").json or {}
                    wrong = sorted(
                        name
                        for name, entry in now.items()
                        if isinstance(entry, dict) and entry.get("level") != _inherited(before, name)
                    )
                    if not wrong:
                        break
                    for name in sorted(wrong, key=len):
                        target.request(
                            "PUT", "/admin/loggers/" + quote(name, safe=""), body={"level": _inherited(before, name)}
                        )
                        safety.loggers_restored.append(name)
                safety.new_loggers = sorted(set(now) - set(before))
            except requests.RequestException as exc:
                self.report.errors.append(f"restoring logger levels on the {target.label} failed: {exc}")

    # -- signals -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def interrupted(signum: int, frame: FrameType | None) -> None:
            if self._cleaning:  # a second Ctrl-C must not cut the cleanup short
                self.progress.line("still cleaning up; the run ends when every connector of the run is deleted")
                return
            raise KeyboardInterrupt(signal.Signals(signum).name)

        previous = {sig: signal.signal(sig, interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            # Cleanup has run by now; later signals get their usual meaning back.
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    @contextlib.contextmanager
    def _exit_cleanup(self) -> Iterator[None]:
        """If the interpreter exits before the ``finally`` could clean up, atexit still does."""
        atexit.register(self._cleanup)
        try:
            yield
        finally:
            atexit.unregister(self._cleanup)


def _inherited(levels: dict[str, Any], name: str) -> str:
    """The level ``name`` had before the run: its own, or the nearest listed ancestor's, or root's."""
    probe = name
    while True:
        entry = levels.get(probe)
        if isinstance(entry, dict) and entry.get("level"):
            return str(entry["level"])
        if "." not in probe:
            root = levels.get("root")
            return str(root.get("level")) if isinstance(root, dict) and root.get("level") else "INFO"
        probe = probe.rsplit(".", 1)[0]


def _body_text(step: lifecycle.Step) -> str | None:
    if step.raw is not None:
        return step.raw.decode("utf-8", "replace")
    if step.body is NO_BODY:
        return None
    return json.dumps(step.body, ensure_ascii=False)


def _text(body: Any) -> str | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body[:4000].decode("utf-8", "replace")
    return str(body)[:4000]


def run(options: Options) -> RunReport:
    """Run the conformance check described by ``options`` and write its reports."""
    runner = Runner(options)
    report = runner.run()
    from mockconnect.conformance.report import finish

    finish(report, runner.progress)
    return report


__all__ = ["ALL_PHASES", "UNROUTED", "Options", "RunReport", "Runner", "run"]
