"""The ``mockconnect conformance`` command line (argparse only: nothing heavy is imported here)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from mockconnect.conformance.policy import HARMLESS_CONNECTOR, check_prefix

if TYPE_CHECKING:
    from mockconnect.conformance.targets import Access

PHASE_NAMES = ("lifecycle", "examples", "coverage", "fuzzing", "stateful")
DESCRIPTION = """\
Check a Kafka Connect worker against the contract (openapi/kafka-connect.yaml) with a scripted
lifecycle suite and schemathesis, and, with --compare-with or --compare-with-mock, compare its
answers with a second worker request by request.

Safe on shared clusters: the run only creates, changes, restarts, stops and deletes connectors whose
names start with a run-unique prefix (mcconf-<run id>-), enforced on every request before it leaves
the process; connectors are created as a harmless FileStreamSink on a topic of the run; logger
levels change only with --allow-cluster-changes (and are restored); --read-only sends GETs only.
Every connector of the run is deleted at the end, also after a failure or Ctrl-C. Exit code 0 when
everything passed, 1 on any failure, unlisted divergence or safety finding, 2 for bad options or a URL
that is no Kafka Connect worker (checked first, in seconds), 130 when interrupted."""

PASSWORD_ENV = "MOCKCONNECT_CONFORMANCE_PASSWORD"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "conformance",
        help="check a Kafka Connect worker (and the mock) against the contract",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--target", required=True, metavar="URL", help="base URL of the worker under test")
    compare = parser.add_mutually_exclusive_group()
    compare.add_argument("--compare-with", metavar="URL", help="send every request to this worker too and compare")
    compare.add_argument("--compare-with-mock", action="store_true", help="compare with an in-process mockconnect mock")
    parser.add_argument(
        "--mock-kafka-version",
        metavar="V",
        help="the Kafka release the comparison mock emulates (default: the target's, from GET /)",
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASE_NAMES),
        metavar="LIST",
        help=f"comma-separated phases to run (default: all of {','.join(PHASE_NAMES)})",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fuzzer (default 0: runs are reproducible)")
    parser.add_argument(
        "--max-examples", type=int, default=10, metavar="N", help="examples per operation and phase (default 10)"
    )
    parser.add_argument(
        "--generation-database",
        choices=["none"],
        default="none",
        help="Hypothesis example database; always none, so that a seed replays exactly",
    )
    parser.add_argument("--stateful-max-steps", type=int, default=None, metavar="N", help="steps per stateful run")
    parser.add_argument("--read-only", action="store_true", help="send GET requests only")
    parser.add_argument(
        "--allow-cluster-changes",
        action="store_true",
        help="allow logger level changes (cluster-wide state); levels are restored at the end",
    )
    parser.add_argument("--prefix", help="connector name prefix of the run (default mcconf-<random>-)")
    parser.add_argument(
        "--connector-class",
        default=HARMLESS_CONNECTOR,
        metavar="CLASS",
        help=f"class every created connector gets (default {HARMLESS_CONNECTOR})",
    )
    parser.add_argument(
        "--allow-class",
        action="append",
        default=[],
        metavar="CLASS",
        help="a further connector class the run may create (repeatable), e.g. FileStreamSource on a private worker",
    )
    parser.add_argument(
        "--sink-file",
        metavar="PATH",
        help="the value every 'file' config is pinned to, on the worker's host (default /tmp/<prefix>sink.txt)",
    )
    parser.add_argument("--max-tasks", type=int, default=2, help="tasks.max is capped at this (default 2)")
    parser.add_argument("--report-dir", type=Path, metavar="DIR", help="write conformance.json and JUnit XML here")
    parser.add_argument(
        "--deviations",
        metavar="FILE",
        help="known divergences with reasons (default: the deviations shipped with mockconnect; 'none' for none)",
    )
    parser.add_argument(
        "--min-status-agreement",
        type=float,
        default=0.99,
        metavar="RATIO",
        help="fail when fewer fuzzed requests than this get the same status from both targets (default 0.99)",
    )
    parser.add_argument(
        "--settle-seconds",
        type=float,
        default=3.0,
        metavar="S",
        help="read a fuzzed GET that differs again from both targets for up to S seconds, "
        "as an asynchronous worker may not have acted yet (default 3)",
    )
    parser.add_argument("--request-timeout", type=float, default=100.0, metavar="S", help="per request (default 100)")
    add_access_options(
        parser,
        "credentials and TLS for --target and --compare-with (the in-process mock needs none)",
        PASSWORD_ENV,
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    return parser


def add_access_options(parser: argparse.ArgumentParser, description: str, password_env: str) -> None:
    """--user, --password, --cacert, --insecure, --cert, --key: how a command reaches a secured worker."""
    secured = parser.add_argument_group("secured workers", description)
    secured.add_argument("--user", metavar="USER", help="HTTP basic-auth user (Kafka's BasicAuthSecurityRestExtension)")
    secured.add_argument(
        "--password",
        metavar="PASSWORD",
        help=f"the user's password (better: the {password_env} environment variable, kept out of the shell history)",
    )
    secured.add_argument("--cacert", metavar="PATH", help="CA certificates (PEM) to verify an https worker with")
    secured.add_argument("--insecure", action="store_true", help="do not verify the worker's TLS certificate")
    secured.add_argument("--cert", metavar="PATH", help="client certificate (PEM) for workers that ask for one")
    secured.add_argument("--key", metavar="PATH", help="the client certificate's private key, if not in --cert")


def _error(message: str) -> None:
    sys.stderr.write(message + "\n")


def run(args: argparse.Namespace) -> int:
    try:
        import requests  # noqa: F401
        import schemathesis  # noqa: F401
    except ImportError as exc:
        _error(f"mockconnect conformance needs {exc.name}: pip install 'mockconnect[conformance]'")
        return 2
    from mockconnect.conformance import deviations
    from mockconnect.conformance.preflight import NotAWorker
    from mockconnect.conformance.runner import Options, run

    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = sorted(set(phases) - set(PHASE_NAMES))
    if unknown or not phases:
        _error(f"mockconnect conformance: unknown phases {unknown}; use {','.join(PHASE_NAMES)}")
        return 2
    if args.prefix is not None:
        try:
            check_prefix(args.prefix)
        except ValueError as exc:
            _error(f"mockconnect conformance: --prefix: {exc}")
            return 2
    if args.max_examples < 1 or args.max_tasks < 1:
        _error("mockconnect conformance: --max-examples and --max-tasks must be at least 1")
        return 2
    access, problem = _access(args)
    if problem is not None:
        _error(f"mockconnect conformance: {problem}")
        return 2
    deviation_path: Path | None = deviations.DEFAULT_DEVIATIONS
    if args.deviations is not None:
        deviation_path = None if args.deviations == "none" else Path(args.deviations)
    options = Options(
        target=args.target,
        compare_with=args.compare_with,
        compare_with_mock=args.compare_with_mock,
        mock_kafka_version=args.mock_kafka_version,
        phases=phases,
        seed=args.seed,
        max_examples=args.max_examples,
        read_only=args.read_only,
        allow_cluster_changes=args.allow_cluster_changes,
        prefix=args.prefix,
        connector_class=args.connector_class,
        allow_classes=tuple(args.allow_class),
        sink_file=args.sink_file,
        max_tasks=args.max_tasks,
        report_dir=args.report_dir,
        deviations=deviation_path,
        request_timeout=args.request_timeout,
        min_status_agreement=args.min_status_agreement,
        settle_seconds=args.settle_seconds,
        stateful_max_steps=args.stateful_max_steps,
        progress=None if args.quiet else sys.stdout,
        access=access,
    )
    began = time.monotonic()
    try:
        report = run(options)
    except NotAWorker as exc:
        _error(f"mockconnect conformance: not a Kafka Connect worker: {exc} ({time.monotonic() - began:.1f} s)")
        return 2
    except (ValueError, deviations.DeviationsError) as exc:
        _error(f"mockconnect conformance: {exc}")
        return 2
    if args.quiet:
        from mockconnect.conformance.report import summary_lines

        sys.stdout.write("\n".join(summary_lines(report)) + "\n")
    return report.exit_code


def _access(args: argparse.Namespace) -> tuple[Access, str | None]:
    """The credentials and TLS settings of the options, or a message saying what is wrong with them."""
    from mockconnect.conformance.targets import Access

    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if password is not None and args.user is None:
        return Access(), "--password (or $" + PASSWORD_ENV + ") needs --user"
    if args.user is not None and password is None:
        return Access(), f"--user {args.user} needs a password: --password or ${PASSWORD_ENV}"
    if args.insecure and args.cacert is not None:
        return Access(), "--insecure and --cacert contradict each other: verify with the CA, or not at all"
    if args.key is not None and args.cert is None:
        return Access(), "--key needs --cert: give the client certificate too"
    for option, path in (("--cacert", args.cacert), ("--cert", args.cert), ("--key", args.key)):
        if path is not None and not Path(path).is_file():
            return Access(), f"{option} {path}: no such file"
    return Access(args.user, password, args.cacert, args.insecure, args.cert, args.key), None
