"""Run the plain ``schemathesis run kafka-connect.yaml --url URL`` from openapi/, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

OPENAPI = Path(__file__).resolve().parent.parent / "openapi"
CONFIG_LINE = f"Configuration:    {OPENAPI / 'schemathesis.toml'}"


def plain_schemathesis(
    url: str, *run_args: str, config_file: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``schemathesis run`` in openapi/ (where it finds schemathesis.toml on its own), output captured.

    ``config_file`` replaces the discovered configuration (the tests' control run uses an empty one)."""
    command = [sys.executable, "-m", "schemathesis.cli"]
    if config_file is not None:
        command += ["--config-file", str(config_file)]
    command += ["run", "kafka-connect.yaml", "--url", url, *run_args]
    return subprocess.run(
        command,
        cwd=OPENAPI,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"},
    )
