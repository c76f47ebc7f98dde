"""The Host header over a real socket: what a real worker refuses, and the Location of a create.

The expected answers were recorded on real workers on 2026-12-04 (raw sockets, tests/host_probe.py);
tests/live/ compares the mock with a real 3.6.2, 3.7.0 and 4.4.0 worker on the same cases in CI.
"""

from __future__ import annotations

import pytest
from host_probe import answers

from mockconnect.server import MockConnect

# Jetty 9.4 (3.6.2 and 3.7.0 recorded alike): the last of two Host headers, the connection's own address
# for a blank one, the authority of an absolute target over Host, a space percent-encoded.
JETTY_9 = {
    "plain": (201, "http://connect.example:8083/connectors/p0"),
    "escaped": (201, "http://c%6Fnnect.example/connectors/p1"),
    "space": (201, "http://bad%20host/connectors/p2"),
    "upper case, port 443": (201, "http://CONNECT.example:443/connectors/p3"),
    "ipv6, default port": (201, "http://[::1]/connectors/p4"),
    "blank": (201, "http://127.0.0.1:<port>/connectors/p5"),
    "none": (400, None),
    "twice": (201, "http://b/connectors/p7"),
    "port not a number": (400, None),
    "underscore": (201, "http://h_x.example/connectors/p9"),
    "absolute target": (201, "http://other.example:9/connectors/p10"),
    "port over 65535": (400, None),
    "empty port": (400, None),
    "ipv6 without brackets": (201, "http://[::1]/connectors/p13"),
    "trailing dot": (201, "http://h.example./connectors/p14"),
    "port 0080": (201, "http://h/connectors/p15"),
    "angle bracket": (201, "http://a%3Cb/connectors/p16"),
    "unclosed bracket": (400, None),
}
# Jetty 12 (4.0.2 and 4.4.0 recorded alike): refuses a blank Host, two of them, a host with a space or an
# angle bracket, and an absolute target whose authority is not the Host.
JETTY_12 = {
    **JETTY_9,
    "space": (400, None),
    "blank": (400, None),
    "twice": (400, None),
    "absolute target": (400, None),
    "angle bracket": (400, None),
}


@pytest.mark.parametrize(
    ("version", "expected"), [("3.6.2", JETTY_9), ("3.7.0", JETTY_9), ("4.0.2", JETTY_12), ("4.4.0", JETTY_12)]
)
def test_the_host_header_is_read_as_the_real_worker_reads_it(version: str, expected: dict[str, object]) -> None:
    with MockConnect(kafka_version=version) as mock:
        assert answers(mock.port, "p") == expected
        problems = [f"{e.describe()}: {e.response_problems}" for e in mock.state.journal.problems()]
        assert problems == []
        refused = [e for e in mock.state.journal.entries() if e.status == 400]
        assert {e.response_body["message"] for e in refused} >= {"HTTP 400 No Host", "HTTP 400 Bad HostPort"}
