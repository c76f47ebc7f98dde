"""`mockconnect serve` in a subprocess, for tests: start it, read its ready line, stop it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

MOCKCONNECT = [sys.executable, "-m", "mockconnect"]
READY = re.compile(r"^mockconnect \S+ serving Kafka Connect \d+\.\d+\.\d+ on (https?://127\.0\.0\.1:\d+)$")


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``mockconnect serve`` on a free port, quiet, with ``args`` and ``env`` added to this environment."""
    return subprocess.Popen(
        [*MOCKCONNECT, "serve", "--port", "0", "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def ready(process: subprocess.Popen[str]) -> str:
    """The URL the ready line announces."""
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    found = READY.match(line)
    assert found, f"no ready line, got {line!r}; stderr: {process.stderr.read() if process.stderr else ''}"
    return found.group(1)


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, and it exits 0; killed if it is still there for any reason."""
    try:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=10)
            assert process.returncode == 0, err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A served mock for the ``with`` block: its URL; stopped (and checked to exit 0) afterwards."""
    process = start(*args, env=env)
    try:
        yield ready(process)
    finally:
        stop(process)
