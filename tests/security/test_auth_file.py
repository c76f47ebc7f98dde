"""The auth file: its format, the refusal of a bad one at start-up, and `serve --auth-file`."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from served import serving

from mockconnect.http.security import BasicAuth, SecurityConfigError, parse_auth_file

SCRIPT = [sys.executable, "-c", "import sys; from mockconnect.cli import main; sys.exit(main())"]
READY = re.compile(r"^mockconnect \S+ serving Kafka Connect 3\.7\.0 on (http://127\.0\.0\.1:\d+)$")


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "users.properties"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_the_format(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# comment\n! also a comment\n\nalice: secret\nbob=builder\n  carol :  p@ss word:with=signs\ndave:x\r\n",
    )
    assert parse_auth_file(path) == {
        "alice": "secret",
        "bob": "builder",
        "carol": "p@ss word:with=signs",
        "dave": "x",
    }


def test_non_ascii_passwords_are_read_as_utf8(tmp_path: Path) -> None:
    auth = BasicAuth.from_file(write(tmp_path, "zoë: pässwörd\n"))
    assert auth.allows("Basic " + base64.b64encode("zoë:pässwörd".encode()).decode())


@pytest.mark.parametrize(
    ("text", "line", "problem", "fix"),
    [
        ("alice secret\n", 1, "no ':' between user and password", "Write it as 'user: password'"),
        ("# users\n: secret\n", 2, "the user name is empty", "Write it as 'user: password'"),
        ("alice:\n", 1, "user 'alice' has an empty password", "Write it as 'user: password'"),
        ("alice smith: secret\n", 1, "the user name 'alice smith' contains whitespace", "without spaces"),
        ("alice: se\\cret\n", 1, "backslashes are not supported", "without a backslash"),
        ("alice: secret \n", 1, "ends in whitespace", "Remove the trailing whitespace"),
        ("alice: a\nbob: b\nalice: c\n", 3, "user 'alice' is already given on line 1", "Keep one line per user"),
    ],
)
def test_a_malformed_line_is_refused_naming_file_line_and_fix(
    tmp_path: Path, text: str, line: int, problem: str, fix: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SecurityConfigError) as refused:
        parse_auth_file(path)
    message = str(refused.value)
    assert message.startswith(f"{path}, line {line}: ")
    assert problem in message
    assert fix in message


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    """Kafka's PropertyFileLoginModule lets every request through then; the mock refuses to start."""
    with pytest.raises(SecurityConfigError, match=r"users\.properties has no users.*'alice: s3cret'"):
        parse_auth_file(write(tmp_path, "# nobody yet\n\n"))


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SecurityConfigError, match=r"users\.properties, line 2: not UTF-8 text"):
        parse_auth_file(write(tmp_path, b"alice: a\nbob: \xff\n"))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SecurityConfigError, match=r"cannot read the auth file .*nope: No such file"):
        parse_auth_file(tmp_path / "nope")


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SCRIPT, "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


def test_serve_refuses_a_bad_auth_file_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "alice: secret\nbob builder\n")
    done = serve("--auth-file", str(path))
    assert done.returncode == 2
    assert done.stderr == (
        f"mockconnect serve: {path}, line 2: no ':' between user and password. Write it as 'user: password'\n"
    )
    assert done.stdout == ""


def test_serve_refuses_a_missing_auth_file_from_the_environment(tmp_path: Path) -> None:
    done = serve(env={"MOCKCONNECT_AUTH_FILE": str(tmp_path / "absent")})
    assert done.returncode == 2
    assert done.stderr.startswith(f"mockconnect serve: cannot read the auth file {tmp_path / 'absent'}: ")
    assert "Traceback" not in done.stderr


def test_the_password_is_never_an_option() -> None:
    help_text = serve("--help").stdout
    assert "--auth-file" in help_text
    assert "--password" not in help_text
    assert "--user" not in help_text


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_asks_for_the_files_credentials(tmp_path: Path, how: str) -> None:
    path = write(tmp_path, "alice: secret\n")
    args = ["--auth-file", str(path)] if how == "option" else []
    env = {"MOCKCONNECT_AUTH_FILE": str(path)} if how == "environment" else {}
    with serving(*args, env=env) as url:
        assert requests.get(f"{url}/connectors", timeout=5).status_code == 401
        assert requests.get(f"{url}/connectors", auth=("alice", "secret"), timeout=5).json() == []
        assert requests.post(f"{url}/_mockconnect/reset", timeout=5).status_code == 401
        assert requests.post(f"{url}/_mockconnect/reset", auth=("alice", "secret"), timeout=5).status_code == 204
