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

from . import __version__
from .app import DEFAULT_MAX_BODY
from .journal import DEFAULT_LIMIT

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
    parser = argparse.ArgumentParser(prog="mockconnect", description="A mock of the Kafka Connect 3.7 REST API.")
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
        "--quiet", action="store_true", default=_bool_env("QUIET"), help="log only problems (MOCKCONNECT_QUIET=1)"
    )
    from .conformance.cli import add_parser as add_conformance  # argparse only; schemathesis loads on use

    add_conformance(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "conformance":
        from .conformance.cli import run as conformance

        return conformance(args)
    try:
        return _serve(args)
    except UsageError as exc:
        print(f"mockconnect serve: {exc}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace) -> int:
    from .security import SecurityConfigError
    from .server import MockConnect

    port = _int_option("--port", "PORT", args.port, 0, 65535)
    threads = _int_option("--threads", "THREADS", args.threads, 1, 512)
    max_body = _int_option("--max-body", "MAX_BODY", args.max_body, 1)
    journal_limit = _int_option("--journal-limit", "JOURNAL_LIMIT", args.journal_limit, 1)
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
    print(f"mockconnect {__version__} serving Kafka Connect 3.7.0 on {mock.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        mock.serve_forever()
    print("mockconnect stopped", flush=True)
    return 0
