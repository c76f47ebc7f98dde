"""The ``mockconnect`` command: ``serve`` runs the mock until SIGINT or SIGTERM; ``conformance`` checks a worker."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any

from mockconnect import __version__
from mockconnect.http.app import DEFAULT_MAX_BODY
from mockconnect.mock.journal import DEFAULT_LIMIT

if TYPE_CHECKING:
    from mockconnect.mock.scenario import Scenario
    from mockconnect.release import Release
    from mockconnect.worker.clock import Clock

ENV_PREFIX = "MOCKCONNECT_"


class UsageError(Exception):
    """A bad option value, reported with the option's name and a hint."""


def _env(name: str, default: str) -> str:
    return os.environ.get(ENV_PREFIX + name, default)


def _int_option(option: str, env: str, raw: str, minimum: int, maximum: int | None = None) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{option} (or {ENV_PREFIX}{env}) must be a whole number, not {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise UsageError(f"{option} (or {ENV_PREFIX}{env}) must be at least {minimum}{upper}, not {value}")
    return value


def _bool_env(name: str) -> bool:
    return _env(name, "").strip().lower() in ("1", "true", "yes", "on")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockconnect", description="A mock of the Kafka Connect REST API.")
    parser.add_argument("--version", action="version", version=f"mockconnect {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve the mock over HTTP until interrupted",
        description="Serve the mock. Every option can also be set as a MOCKCONNECT_* environment variable.",
    )
    serve.add_argument(
        "--host", default=_env("HOST", "127.0.0.1"), help="address to bind (MOCKCONNECT_HOST; default 127.0.0.1)"
    )
    serve.add_argument(
        "--port", default=_env("PORT", "8083"), help="port; 0 picks a free one (MOCKCONNECT_PORT; default 8083)"
    )
    serve.add_argument(
        "--threads", default=_env("THREADS", "8"), help="server threads (MOCKCONNECT_THREADS; default 8)"
    )
    serve.add_argument(
        "--max-body",
        default=_env("MAX_BODY", str(DEFAULT_MAX_BODY)),
        help=f"largest request body in bytes, larger ones get 413 (MOCKCONNECT_MAX_BODY; default {DEFAULT_MAX_BODY})",
    )
    serve.add_argument(
        "--journal-limit",
        default=_env("JOURNAL_LIMIT", str(DEFAULT_LIMIT)),
        help=f"entries the request journal keeps (MOCKCONNECT_JOURNAL_LIMIT; default {DEFAULT_LIMIT})",
    )
    serve.add_argument(
        "--no-validate",
        action="store_true",
        default=_bool_env("NO_VALIDATE"),
        help="skip the OpenAPI checks of requests and responses (MOCKCONNECT_NO_VALIDATE=1)",
    )
    serve.add_argument(
        "--no-admin",
        action="store_true",
        default=_bool_env("NO_ADMIN"),
        help="switch off the admin API under /_mockconnect/ (MOCKCONNECT_NO_ADMIN=1)",
    )
    serve.add_argument(
        "--auth-file",
        default=_env("AUTH_FILE", "") or None,
        metavar="PATH",
        help="ask for HTTP basic auth with the users of this file of 'user: password' lines, admin API included "
        "(MOCKCONNECT_AUTH_FILE)",
    )
    serve.add_argument(
        "--certfile",
        default=_env("CERTFILE", "") or None,
        metavar="PATH",
        help="serve HTTPS with this PEM certificate chain (MOCKCONNECT_CERTFILE)",
    )
    serve.add_argument(
        "--keyfile",
        default=_env("KEYFILE", "") or None,
        metavar="PATH",
        help="the unencrypted PEM private key of --certfile, unless it is in that file (MOCKCONNECT_KEYFILE)",
    )
    serve.add_argument(
        "--scenario",
        default=_env("SCENARIO", "") or None,
        metavar="NAME|PATH",
        help="start with a scenario: a ready one by name (mockconnect scenario list) or a scenario file; "
        "POST /_mockconnect/reset comes back to it (MOCKCONNECT_SCENARIO)",
    )
    serve.add_argument(
        "--clock",
        default=_env("CLOCK", "wall"),
        metavar="wall|manual",
        help="wall time (default), or a manual clock that moves only on POST /_mockconnect/clock/advance "
        "(MOCKCONNECT_CLOCK)",
    )
    serve.add_argument(
        "--seed",
        default=_env("SEED", "") or None,
        help="seed the scenario's random choices with this number instead of its own (MOCKCONNECT_SEED)",
    )
    serve.add_argument(
        "--kafka-version",
        default=_env("KAFKA_VERSION", "") or None,
        metavar="V",
        help="the Kafka release to emulate: a release (3.8.1) or a minor line (3.8, its newest); "
        "default 3.7.0 (MOCKCONNECT_KAFKA_VERSION)",
    )
    serve.add_argument(
        "--quiet", action="store_true", default=_bool_env("QUIET"), help="log only problems (MOCKCONNECT_QUIET=1)"
    )
    from mockconnect.conformance.cli import add_parser as add_conformance  # argparse only; schemathesis loads on use

    add_conformance(commands)
    from mockconnect.record.cli import add_parser as add_record  # argparse only; requests loads on use

    add_record(commands)
    _add_scenario_parser(commands)
    return parser


def _add_scenario_parser(commands: Any) -> None:
    scenario = commands.add_parser(
        "scenario",
        help="check, list or show scenario files",
        description="Scenario files set up a cluster and the faults it suffers (scenarios/scenario.schema.json).",
    )
    actions = scenario.add_subparsers(dest="action", metavar="ACTION")
    check = actions.add_parser(
        "check", help="check scenario files: every problem with file, line, field and a hint; exit 1 on any"
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="scenario files, or names of ready scenarios")
    actions.add_parser("list", help="list the ready scenarios that come with mockconnect")
    show = actions.add_parser("show", help="print a ready scenario's file, to copy and change")
    show.add_argument("name", help="a ready scenario's name")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "conformance":
        from mockconnect.conformance.cli import run as conformance

        return conformance(args)
    if args.command == "scenario":
        return _scenario_command(args)
    if args.command == "record":
        from mockconnect.record.cli import run as record

        return record(args)
    try:
        return _serve(args)
    except UsageError as exc:
        print(f"mockconnect serve: {exc}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace) -> int:
    from mockconnect.http.security import SecurityConfigError
    from mockconnect.server import MockConnect

    port = _int_option("--port", "PORT", args.port, 0, 65535)
    threads = _int_option("--threads", "THREADS", args.threads, 1, 512)
    max_body = _int_option("--max-body", "MAX_BODY", args.max_body, 1)
    journal_limit = _int_option("--journal-limit", "JOURNAL_LIMIT", args.journal_limit, 1)
    clock = _clock_option(args.clock)
    seed = None if args.seed is None else _int_option("--seed", "SEED", args.seed, -(2**63), 2**63 - 1)
    release = _release_option(args.kafka_version)
    scenario = _scenario_option(args.scenario, seed)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="mockconnect: %(message)s")
    try:
        mock = MockConnect(
            args.host,
            port,
            validate=not args.no_validate,
            admin=not args.no_admin,
            max_body=max_body,
            journal_limit=journal_limit,
            threads=threads,
            auth_file=args.auth_file,
            certfile=args.certfile,
            keyfile=args.keyfile,
            clock=clock,
            kafka_version=release.version,
        )
    except SecurityConfigError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = (
            " Is another mockconnect or a Kafka Connect worker using it? Pick another with --port (0 picks a free one)."
        )
        if exc.errno not in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            hint = " Check --host: it must be an address of this machine."
        print(f"mockconnect serve: cannot listen on {args.host}:{port}: {reason}.{hint}", file=sys.stderr)
        return 1
    if scenario is not None:
        mock.state.load_scenario(scenario, baseline=True)
        logging.getLogger("mockconnect").info(
            "scenario %s loaded (%d faults, seed %d, %s clock)",
            scenario.name,
            len(scenario.faults),
            scenario.seed,
            "manual" if clock.manual else "wall",
        )
    if args.host in ("0.0.0.0", "::"):
        print(
            f"mockconnect serve: warning: listening on all interfaces ({args.host}); anyone who can reach this "
            "machine can change the mock's state" + ("" if args.auth_file else " (--auth-file asks for credentials)"),
            file=sys.stderr,
        )

    def shut_down(signum: int, frame: FrameType | None) -> None:
        mock.stop()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    print(f"mockconnect {__version__} serving Kafka Connect {release.version} on {mock.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        mock.serve_forever()
    with contextlib.suppress(BrokenPipeError):  # stdout closed by whoever ran us
        print("mockconnect stopped", flush=True)
    return 0


def _release_option(raw: str | None) -> Release:
    from mockconnect.release import get_release

    try:
        return get_release(raw)
    except ValueError as exc:
        raise UsageError(f"--kafka-version (or {ENV_PREFIX}KAFKA_VERSION): {exc}") from None


def _clock_option(raw: str) -> Clock:
    from mockconnect.mock.clock import ManualClock
    from mockconnect.worker.clock import Clock

    choice = raw.strip().lower()
    if choice not in ("wall", "manual"):
        raise UsageError(f"--clock (or {ENV_PREFIX}CLOCK) must be wall or manual, not {raw!r}")
    return ManualClock() if choice == "manual" else Clock()


def _scenario_option(raw: str | None, seed: int | None) -> Scenario | None:
    """The scenario of --scenario, checked completely before the server starts (UsageError if bad)."""
    if raw is None:
        return None
    from mockconnect.mock.scenario import ScenarioError, load

    try:
        loaded = load(raw)
    except ScenarioError as exc:
        raise UsageError(f"--scenario refused: {exc}") from None
    return loaded if seed is None else loaded.with_seed(seed)


def _scenario_command(args: argparse.Namespace) -> int:
    """``mockconnect scenario check|list|show``: 0 when all is well, 1 on problems, 2 on misuse."""
    from mockconnect.mock import scenario as scenarios

    if args.action == "list":
        for name in scenarios.shipped_names():
            found = scenarios.load(name)
            print(f"{name:24} {found.description or ''}")
        return 0
    if args.action == "show":
        try:
            path = scenarios.locate(args.name)
        except scenarios.ScenarioError as exc:
            print(f"mockconnect scenario show: {exc}", file=sys.stderr)
            return 2
        if not path.is_file():
            print(f"mockconnect scenario show: no ready scenario named {args.name!r}", file=sys.stderr)
            return 2
        sys.stdout.write(path.read_text(encoding="utf-8"))
        return 0
    if args.action != "check":
        print("usage: mockconnect scenario {check FILE...|list|show NAME}", file=sys.stderr)
        return 2
    bad = 0
    for name, problems in scenarios.check(args.files).items():
        if not problems:
            print(f"{name}: ok")
            continue
        bad += 1
        count = len(problems)
        print(f"{name}: {count} problem{'s' if count != 1 else ''}")
        for problem in problems:
            print(f"  {problem}")
    if bad:
        print(f"{bad} of {len(args.files)} scenario file{'s' if len(args.files) != 1 else ''} with problems")
    return 1 if bad else 0
