"""The ``mockconnect record`` command line (argparse only: requests loads when the command runs)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from mockconnect.conformance.cli import add_access_options

PASSWORD_ENV = "MOCKCONNECT_RECORD_PASSWORD"
DESCRIPTION = f"""\
Record a live Kafka Connect cluster as a scenario file that `mockconnect serve --scenario FILE`
and the pytest fixture's load_scenario serve: the worker's identity, its plugins (with the config
definitions of every plugin that is not stock), every connector with its config, state, tasks,
offsets and active topics, and with --loggers its log levels.

Only GET requests are sent, to the given worker and nowhere else; a guard refuses anything else
before it leaves the process. Secrets are replaced by ${{redacted}} unless --keep-secrets.
Exit code 0 when the recording was written and checks clean, 1 when it was written with problems
(printed, as `mockconnect scenario check` prints them), 2 when nothing could be recorded.
The password for --user is best given in ${PASSWORD_ENV}."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "record",
        help="record a live cluster (GET requests only) as a scenario file",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("url", metavar="URL", help="base URL of a worker of the cluster, e.g. http://localhost:8083")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the scenario here (.yaml, .yml or .json; default: YAML on standard output)",
    )
    parser.add_argument("--name", help="the scenario's name (default recorded-<host>-<port>)")
    parser.add_argument("--loggers", action="store_true", help="record the log levels too (GET /admin/loggers)")
    parser.add_argument(
        "--keep-secrets",
        action="store_true",
        help="keep passwords, tokens and keys in clear text (the file is then as secret as the cluster's credentials)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=4, metavar="N", help="requests in flight at most (default 4)"
    )
    parser.add_argument(
        "--request-timeout", type=float, default=30.0, metavar="S", help="read timeout per request (default 30)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on standard error")
    add_access_options(parser, "credentials and TLS, as for mockconnect conformance", PASSWORD_ENV)
    return parser


def _error(message: str) -> int:
    sys.stderr.write(f"mockconnect record: {message}\n")
    return 2


def dump(data: Any, suffix: str) -> str:
    """The scenario as JSON (for ``.json``) or YAML text."""
    if suffix == ".json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
    return text


def run(args: argparse.Namespace) -> int:
    try:
        import requests  # noqa: F401
    except ImportError:
        return _error("needs requests: pip install 'mockconnect[record]'")
    from mockconnect.record.reader import Access, RecordError
    from mockconnect.record.recorder import Options, problems_of, record

    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if password is not None and args.user is None:
        return _error(f"--password (or ${PASSWORD_ENV}) needs --user")
    if args.user is not None and password is None:
        return _error(f"--user {args.user} needs a password: ${PASSWORD_ENV} or --password")
    for option, path in (("--cacert", args.cacert), ("--cert", args.cert), ("--key", args.key)):
        if path is not None and not Path(path).is_file():
            return _error(f"{option} {path}: no such file. Give the path of a PEM file")
    output = Path(args.output) if args.output else None
    if output is not None and output.suffix not in (".yaml", ".yml", ".json"):
        return _error(f"-o {output}: the file name must end in .yaml, .yml or .json")
    if args.keep_secrets:
        sys.stderr.write(
            "mockconnect record: warning: --keep-secrets: the recording holds the cluster's passwords, tokens "
            "and keys in clear text; keep it out of version control and share it as you would the credentials\n"
        )
    options = Options(
        url=args.url,
        access=Access(args.user, password, args.cacert, args.insecure, args.cert, args.key),
        loggers=args.loggers,
        keep_secrets=args.keep_secrets,
        concurrency=args.concurrency,
        request_timeout=args.request_timeout,
        progress=None if args.quiet else sys.stderr,
        name=args.name,
    )
    if args.insecure:
        import urllib3

        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    try:
        recording = record(options)
    except RecordError as exc:
        return _error(str(exc))
    text = dump(recording.data, output.suffix if output is not None else ".yaml")
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            return _error(f"cannot write {output}: {exc.strerror or exc}")
    for warning in recording.warnings:
        sys.stderr.write(f"mockconnect record: note: {warning}\n")
    where = str(output) if output is not None else "standard output"
    sys.stderr.write(
        f"mockconnect record: {recording.connectors} connectors, {recording.plugins_added} plugins of its own, "
        f"{recording.redacted} secret values redacted; {recording.requests} GET requests in "
        f"{recording.seconds:.1f} s; {len(text.encode('utf-8')):,} bytes written to {where}\n"
    )
    problems = problems_of(recording.data)
    if problems:
        sys.stderr.write("mockconnect record: the recording does not check clean:\n")
        for problem in problems:
            sys.stderr.write(f"  {problem}\n")
        return 1
    return 0
