"""What a run shows: live progress, the summary table, and JUnit XML and JSON in ``--report-dir``."""

from __future__ import annotations

import json
import platform
import time
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any, TextIO

from mockconnect import __version__
from mockconnect.conformance import snapshot as snapshots
from mockconnect.conformance.results import DEVIATION, DIVERGED, FAIL, PASS, SKIPPED, Result

if TYPE_CHECKING:
    from mockconnect.conformance.runner import Runner, RunReport

_MARKS = {PASS: ".", FAIL: "F", DIVERGED: "D", DEVIATION: "d", SKIPPED: "s"}
_WIDTH = 60


class Progress:
    """Live progress on a stream (nothing when the stream is None)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.column = 0
        self.count = 0
        self.total: int | None = None
        self.fuzz_marks = 0
        self._pending = PASS

    def line(self, text: str = "") -> None:
        if self.stream is None:
            return
        if self.column:
            self.stream.write("\n")
            self.column = 0
        self.stream.write(text + "\n")
        self.stream.flush()

    def header(self, runner: Runner) -> None:
        options = runner.options
        self.line(f"mockconnect {__version__} conformance run, prefix {runner.prefix}")
        self.line(f"  target      {options.target}")
        if len(runner.targets) > 1:
            self.line(f"  comparison  {runner.targets[1].url}" + (" (in-process mock)" if runner.mock else ""))
        for identity in runner.report.identities:
            self.line(
                f"  worker      {identity.url}: Kafka Connect {identity.version} (commit {identity.commit}, "
                f"cluster {identity.kafka_cluster_id})"
            )
        mode = "read-only" if options.read_only else "read-write in the namespace"
        loggers = "loggers may change (restored after)" if options.allow_cluster_changes else "loggers untouched"
        self.line(f"  safety      {mode}; {loggers}; connectors created as {runner.policy.connector_class}")

    def phase(self, name: str, total: int | None) -> None:
        self.count = 0
        self.total = total
        self.line(f"{name}" + (f": {total} steps" if total else ""))

    def _mark(self, mark: str) -> None:
        if self.stream is None:
            return
        self.stream.write(mark)
        self.column += 1
        self.count += 1
        if self.column >= _WIDTH:
            suffix = f" {self.count}" + (f"/{self.total}" if self.total else "")
            self.stream.write(suffix + "\n")
            self.column = 0
        self.stream.flush()

    def result(self, result: Result) -> None:
        self._mark(_MARKS[result.verdict])

    def fuzzed(self, result: Result) -> None:
        # One mark per ten fuzzed requests, the worst verdict of the ten.
        self.fuzz_marks += 1
        if result.verdict != PASS and self._pending == PASS:
            self._pending = result.verdict
        if self.fuzz_marks % 10 == 0:
            self._mark(_MARKS[self._pending])
            self._pending = PASS

    def scenario(self, label: str, requests: int) -> None:
        pass

    def end_phase(self) -> None:
        if self.stream is not None and self.column:
            self.stream.write(f" {self.count}" + (f"/{self.total}" if self.total else "") + "\n")
            self.column = 0


def _pct(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.1%}" if denominator else "-"


def summary_lines(report: RunReport) -> list[str]:
    lines: list[str] = []
    table = report.operation_table()
    differential = report.options.differential
    header = f"{'operation':32} {'lifecycle':>11} {'fuzz status':>13} {'fuzz body':>11} {'fidelity':>9}"
    if not differential:
        header = f"{'operation':32} {'lifecycle ok':>12} {'fuzzed':>8}"
    lines += ["", header, "-" * len(header)]
    for row in table:
        name = row["operation"]
        if differential:
            lifecycle = f"{row['lifecycle_matched']}/{row['lifecycle_steps']}"
            status = f"{row['fuzz_status_matched']}/{row['fuzz_requests']}"
            body = f"{row['fuzz_matched']}/{row['fuzz_requests']}"
            fidelity = "-" if row["fidelity"] is None else f"{row['fidelity']:.1%}"
            lines.append(f"{name:32} {lifecycle:>11} {status:>13} {body:>11} {fidelity:>9}")
        else:
            lines.append(
                f"{name:32} {row['lifecycle_matched']:>5}/{row['lifecycle_steps']:<6} {row['fuzz_requests']:>8}"
            )
    life, fuzz = report.lifecycle_figures, report.fuzz_figures
    lines.append("")
    if differential:
        lines.append(
            f"lifecycle: {life['matched']}/{life['compared']} steps matched after normalisation "
            f"({_pct(life['matched'], life['compared'])}), {life['listed_deviations']} listed deviations, "
            f"{life['unlisted_divergences']} unlisted divergences; expectations met on the target "
            f"{life['expectations_met']}/{life['steps']}; {life['skipped']} skipped"
        )
        lines.append(
            f"fuzzing:   {fuzz['requests']} requests, same status {fuzz['status_matched']}/{fuzz['compared']} "
            f"({_pct(fuzz['status_matched'], fuzz['compared'])}), identical {fuzz['matched']}/{fuzz['compared']} "
            f"({_pct(fuzz['matched'], fuzz['compared'])}, {fuzz['settled_reads']} after reading again), "
            f"{fuzz['listed_deviations']} listed, {fuzz['unlisted_divergences']} unlisted"
        )
    else:
        lines.append(
            f"lifecycle: {life['expectations_met']}/{life['steps']} steps as expected, {life['skipped']} skipped"
        )
        lines.append(f"fuzzing:   {fuzz['requests']} requests")
    lines.append(
        f"checks:    {len(report.check_failures)} distinct schemathesis check failures"
        f" ({len(report.listed_check_failures)} more listed as deviations)"
    )
    for failure in report.check_failures[:10]:
        lines.append(f"  {failure['check']} on {failure['operation']} ({failure['phase']}): {failure['title']}")
    for result in [r for r in report.results if r.verdict in (FAIL, DIVERGED)][:15]:
        lines.append(f"  {result.verdict.upper()} {result.name} {result.method} {result.path[:80]}")
        for problem in (result.problems or result.comparison_problems or result.diff)[:3]:
            lines.append(f"      {problem[:220]}")
    lines += ["", "safety:"]
    ledger = report.ledger
    lines.append(
        f"  guard: {ledger.get('sent', 0)} requests, {ledger.get('writes', 0)} writes, "
        f"{ledger.get('rewritten', 0)} rewritten at the transport and {report.ledger_hook_rewrites} by the fuzzer's "
        f"hook, {ledger.get('refused', 0)} refused; "
        f"writes outside the namespace: {len(report.writes_outside)}"
    )
    for safety in report.safety:
        lines.append(f"  {safety.label} {safety.url}:")
        if safety.before is not None and report.policy is not None:
            foreign = snapshots.describe(safety.before, report.policy)
            lines.append(f"    before: {len(foreign)} connectors outside the namespace")
            after = {e["name"]: e for e in snapshots.describe(safety.after, report.policy)} if safety.after else {}
            for entry in foreign[:20]:
                now = after.get(entry["name"])
                state = (entry["status"] or {}).get("connector")
                same = now is not None and now["config_sha256"] == entry["config_sha256"]
                lines.append(
                    f"      {entry['name'][:40]:40} config {entry['config_sha256']} {state or '-':10} "
                    + ("unchanged" if same else "CHANGED" if now else "GONE")
                )
        if safety.diff is not None:
            diff_lines = safety.diff.lines()
            lines.append("    diff outside the namespace: " + ("none" if not diff_lines else ""))
            lines += [f"      {line}" for line in diff_lines]
        lines.append(
            f"    cleanup: deleted {len(safety.cleanup_deleted)} connectors of the run, {len(safety.cleanup_left)} left"
        )
        if safety.loggers_restored:
            lines.append(f"    loggers restored: {', '.join(sorted(set(safety.loggers_restored)))}")
    if report.stale_deviations:
        lines.append(f"stale deviations (no longer diverge): {report.stale_deviations}")
    if report.mock_kafka_version is not None:
        lines.append(f"comparison mock emulates Kafka {report.mock_kafka_version}")
    lines += [f"note: {note}" for note in report.notes]
    if report.starting_state:
        lines.append("starting state (differed before the run; divergences it explains are listed as starting-state):")
        lines += [f"  {line}" for line in report.starting_state[:20]]
    durations = ", ".join(f"{k} {v:.1f}s" for k, v in report.durations.items())
    lines += ["", f"durations: {durations}"]
    failures = report.failures()
    lines.append("RESULT: " + ("PASS" if not failures else "INTERRUPTED" if report.interrupted else "FAIL"))
    lines += [f"  - {reason[:300]}" for reason in failures]
    return lines


def as_json(report: RunReport) -> dict[str, Any]:
    options = report.options
    policy = report.policy
    return {
        "tool": f"mockconnect {__version__}",
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(report.started)),
        "python": platform.python_version(),
        "target": options.target,
        "comparison": report.comparison_url,
        "comparison_is_mock": options.compare_with_mock,
        "prefix": report.prefix,
        "workers": [identity.__dict__ for identity in report.identities],
        "convergence": report.convergence,
        "starting_state": report.starting_state,
        "mock_kafka_version": report.mock_kafka_version,
        "notes": report.notes,
        "options": {
            "phases": list(options.phases),
            "seed": options.seed,
            "max_examples": options.max_examples,
            "read_only": options.read_only,
            "allow_cluster_changes": options.allow_cluster_changes,
            "connector_class": policy.connector_class if policy else None,
            "allowed_classes": sorted(policy.allowed_classes) if policy else [],
            "sink_file": policy.file_path if policy else None,
            "max_tasks": policy.max_tasks if policy else None,
            "deviations": str(options.deviations) if options.deviations else None,
            "min_status_agreement": options.min_status_agreement,
        },
        "result": "pass" if not report.failures() else ("interrupted" if report.interrupted else "fail"),
        "exit_code": report.exit_code,
        "failures": report.failures(),
        "durations_seconds": report.durations,
        "lifecycle": report.lifecycle_figures,
        "fuzz": {
            **report.fuzz_figures,
            "per_phase": report.fuzz_per_phase,
            "checks": report.fuzz_checks,
            "errors": report.fuzz_errors,
        },
        "operations": report.operation_table(),
        "check_failures": report.check_failures,
        "listed_check_failures": report.listed_check_failures,
        "lifecycle_steps": [r.as_dict() for r in report.results if r.kind == "lifecycle"],
        "fuzz_divergences": [r.as_dict() for r in report.results if r.kind == "fuzz" and r.verdict != PASS],
        "stale_deviations": report.stale_deviations,
        "safety": {
            "ledger": {**report.ledger, "fuzz_cases_rewritten_by_hook": report.ledger_hook_rewrites},
            "writes_outside_namespace": report.writes_outside,
            "targets": [
                {
                    "label": s.label,
                    "url": s.url,
                    "before": snapshots.describe(s.before, policy) if s.before and policy else None,
                    "after": snapshots.describe(s.after, policy) if s.after and policy else None,
                    "loggers_before": s.before.loggers if s.before else None,
                    "loggers_after": s.after.loggers if s.after else None,
                    "diff": s.diff.lines() if s.diff else None,
                    "unchanged_outside_namespace": s.diff.clean if s.diff else None,
                    "cleanup_deleted": s.cleanup_deleted,
                    "cleanup_left": s.cleanup_left,
                    "loggers_restored": sorted(set(s.loggers_restored)),
                    "loggers_created": s.new_loggers,
                }
                for s in report.safety
            ],
        },
    }


def as_junit(report: RunReport) -> ET.Element:
    suites = ET.Element("testsuites", name="mockconnect conformance")

    def suite(name: str) -> ET.Element:
        return ET.SubElement(suites, "testsuite", name=name)

    life = suite("lifecycle")
    for result in (r for r in report.results if r.kind == "lifecycle"):
        case = ET.SubElement(
            life,
            "testcase",
            classname=f"lifecycle.{result.operation}",
            name=result.name,
            time=f"{result.seconds:.3f}",
        )
        _junit_outcome(case, result)
    fuzz = suite("fuzz")
    by_operation: dict[str, list[Result]] = {}
    for result in (r for r in report.results if r.kind == "fuzz"):
        by_operation.setdefault(result.operation, []).append(result)
    for operation, results in sorted(by_operation.items()):
        case = ET.SubElement(fuzz, "testcase", classname="fuzz", name=operation)
        bad = [r for r in results if r.verdict in (FAIL, DIVERGED)]
        checks = [f for f in report.check_failures if f["operation"] == operation]
        if bad or checks:
            text = [f"{r.name} {r.method} {r.path}: " + "; ".join(r.diff or r.comparison_problems) for r in bad]
            text += [f"{f['check']}: {f['title']}\n{f['message']}\n{f['curl']}" for f in checks]
            failure = ET.SubElement(
                case, "failure", message=f"{len(bad)} divergences, {len(checks)} check failures of {len(results)}"
            )
            failure.text = "\n".join(text)[:20000]
        ET.SubElement(case, "system-out").text = f"{len(results)} requests"
    safety = suite("safety")
    for target in report.safety:
        case = ET.SubElement(safety, "testcase", classname="safety", name=f"{target.label} unchanged outside namespace")
        if target.diff is not None and not target.diff.clean:
            ET.SubElement(case, "failure", message="changed outside the namespace").text = "\n".join(
                target.diff.lines()
            )
        case = ET.SubElement(safety, "testcase", classname="safety", name=f"{target.label} cleanup")
        if target.cleanup_left:
            ET.SubElement(case, "failure", message="connectors left").text = "\n".join(target.cleanup_left)
    case = ET.SubElement(safety, "testcase", classname="safety", name="no write outside the namespace")
    if report.writes_outside:
        ET.SubElement(case, "failure", message="writes outside").text = "\n".join(report.writes_outside)
    for element in suites.iter("testsuite"):
        cases = list(element.iter("testcase"))
        element.set("tests", str(len(cases)))
        element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
        element.set("errors", "0")
    return suites


def _junit_outcome(case: ET.Element, result: Result) -> None:
    verdict = result.verdict
    if verdict == SKIPPED:
        ET.SubElement(case, "skipped", message=result.skipped or "")
    elif verdict in (FAIL, DIVERGED):
        details = result.problems + result.comparison_problems + result.diff
        failure = ET.SubElement(case, "failure", message=f"{verdict}: {(details or [''])[0][:300]}")
        failure.text = json.dumps(result.as_dict(full=True), indent=1, ensure_ascii=False)
    elif verdict == DEVIATION:
        ET.SubElement(case, "system-out").text = f"listed deviation {result.deviation}: " + "; ".join(result.diff)


def finish(report: RunReport, progress: Progress) -> None:
    """Print the summary and write the report files."""
    for line in summary_lines(report):
        progress.line(line)
    directory = report.options.report_dir
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "conformance.json").write_text(
        json.dumps(as_json(report), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    tree = ET.ElementTree(as_junit(report))
    ET.indent(tree)
    tree.write(directory / "conformance-junit.xml", encoding="utf-8", xml_declaration=True)
    (directory / "summary.txt").write_text("\n".join(summary_lines(report)) + "\n", encoding="utf-8")
    progress.line(f"reports: {directory / 'conformance.json'}, {directory / 'conformance-junit.xml'}")
