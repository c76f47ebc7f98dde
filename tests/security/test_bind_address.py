"""`serve` binds 127.0.0.1 unless told otherwise, and warns when told to listen on all interfaces.

The warning is checked without listening anywhere but loopback: MockConnect is replaced by a stand-in
that records where it was asked to listen.
"""

from __future__ import annotations

from typing import Any

import pytest

import mockconnect.server
from mockconnect import cli


class StandIn:
    """Takes MockConnect's arguments and serves nothing."""

    made: list[StandIn] = []

    def __init__(self, host: str, port: int, **options: Any) -> None:
        self.host, self.port, self.options = host, port, options
        self.url = f"http://{host}:{port}"
        StandIn.made.append(self)

    def serve_forever(self) -> None:
        return None

    def stop(self) -> None:
        return None


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> type[StandIn]:
    StandIn.made = []
    monkeypatch.setattr(mockconnect.server, "MockConnect", StandIn)
    for name in ("HOST", "AUTH_FILE", "CERTFILE", "KEYFILE"):
        monkeypatch.delenv(f"MOCKCONNECT_{name}", raising=False)
    return StandIn


def test_the_default_is_loopback(stand_in: type[StandIn], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--port", "0", "--quiet"]) == 0
    assert stand_in.made[0].host == "127.0.0.1"
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_all_interfaces_warn(stand_in: type[StandIn], capsys: pytest.CaptureFixture[str], host: str) -> None:
    assert cli.main(["serve", "--host", host, "--port", "0", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err == (
        f"mockconnect serve: warning: listening on all interfaces ({host}); anyone who can reach this machine "
        "can change the mock's state (--auth-file asks for credentials)\n"
    )


def test_the_warning_stays_with_auth_but_drops_the_hint(
    stand_in: type[StandIn], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCKCONNECT_HOST", "0.0.0.0")
    assert cli.main(["serve", "--port", "0", "--auth-file", "users.properties"]) == 0
    err = capsys.readouterr().err
    assert "warning: listening on all interfaces (0.0.0.0)" in err
    assert "--auth-file asks" not in err
    assert stand_in.made[0].options["auth_file"] == "users.properties"


def test_security_options_reach_the_server(stand_in: type[StandIn]) -> None:
    assert cli.main(["serve", "--port", "0", "--certfile", "c.pem", "--keyfile", "k.pem", "--auth-file", "u"]) == 0
    options = stand_in.made[0].options
    assert (options["certfile"], options["keyfile"], options["auth_file"]) == ("c.pem", "k.pem", "u")
