"""HTTPS: MockConnect and ``mockconnect serve`` with --certfile/--keyfile, verified against the cert."""

from __future__ import annotations

import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from helpers import source_config
from served import serving

from mockconnect.http.security import SecurityConfigError, tls_context
from mockconnect.server import MockConnect

SCRIPT = [sys.executable, "-c", "import sys; from mockconnect.cli import main; sys.exit(main())"]
READY = re.compile(r"^mockconnect \S+ serving Kafka Connect 3\.7\.0 on (https://127\.0\.0\.1:\d+)$")


@pytest.fixture(scope="module")
def served(certificate: tuple[Path, Path]) -> Iterator[MockConnect]:
    cert, key = certificate
    with MockConnect(certfile=cert, keyfile=key) as mock:
        yield mock


def test_serves_https_verified_against_the_certificate(served: MockConnect, certificate: tuple[Path, Path]) -> None:
    cert, _ = certificate
    assert served.url.startswith("https://127.0.0.1:")
    with requests.Session() as session:  # verify per request: REQUESTS_CA_BUNDLE would override session.verify
        created = session.post(
            f"{served.url}/connectors", json={"name": "tls", "config": source_config()}, verify=str(cert), timeout=5
        )
        assert created.status_code == 201
        assert session.get(f"{served.url}/connectors", verify=str(cert), timeout=5).json() == ["tls"]
        assert session.delete(f"{served.url}/connectors/tls", verify=str(cert), timeout=5).status_code == 204
    assert served.journal.entries()[-1].operation_id == "deleteConnector"


def test_an_unverified_client_is_refused_by_its_own_tls(served: MockConnect) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{served.url}/connectors", timeout=5)  # the system's CAs do not know the cert


def test_large_bodies_both_ways(served: MockConnect, certificate: tuple[Path, Path]) -> None:
    """Bodies of many TLS records: decrypted bytes that select() cannot see are still read."""
    cert, _ = certificate
    config = source_config(padding="x" * 900_000)
    verify = str(cert)
    with requests.Session() as session:
        created = session.put(f"{served.url}/connectors/big/config", json=config, verify=verify, timeout=30)
        assert created.status_code == 201
        read = session.get(f"{served.url}/connectors/big/config", verify=verify, timeout=30)
        assert read.json()["padding"] == config["padding"]
        too_big = session.post(
            f"{served.url}/connectors",
            data=b"[" * 2_000_000,
            headers={"Content-Type": "application/json"},
            verify=verify,
            timeout=30,
        )
        assert too_big.status_code == 413
        session.delete(f"{served.url}/connectors/big", verify=verify, timeout=5)


def test_a_client_stalled_in_the_handshake_holds_only_its_own_connection(
    served: MockConnect, certificate: tuple[Path, Path]
) -> None:
    cert, _ = certificate
    stalled = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(3)]  # never say hello
    half = socket.create_connection(("127.0.0.1", served.port))
    half.sendall(b"\x16\x03\x01\x00")  # the start of a ClientHello, then nothing
    try:
        began = time.perf_counter()
        assert requests.get(f"{served.url}/connectors", verify=str(cert), timeout=5).status_code == 200
        assert time.perf_counter() - began < 2
    finally:
        for sock in [*stalled, half]:
            sock.close()


def test_plain_http_to_the_tls_port_is_dropped_and_the_server_goes_on(
    served: MockConnect, certificate: tuple[Path, Path]
) -> None:
    cert, _ = certificate
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{served.port}/connectors", timeout=5)
    assert requests.get(f"{served.url}/", verify=str(cert), timeout=5).status_code == 200


def test_keep_alive_and_many_requests_on_one_connection(served: MockConnect, certificate: tuple[Path, Path]) -> None:
    cert, _ = certificate
    context = ssl.create_default_context(cafile=str(cert))
    with (
        socket.create_connection(("127.0.0.1", served.port)) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        request = b"GET /connectors HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        tls.sendall(request * 20)  # pipelined
        received = b""
        while received.count(b"\r\n\r\n[]") < 20:
            chunk = tls.recv(65536)
            assert chunk, "the server closed the connection early"
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 20


def test_tls_with_basic_auth(certificate: tuple[Path, Path], auth_file: Path) -> None:
    cert, key = certificate
    with MockConnect(certfile=cert, keyfile=key, auth_file=auth_file) as mock:
        assert requests.get(f"{mock.url}/connectors", verify=str(cert), timeout=5).status_code == 401
        answer = requests.get(f"{mock.url}/connectors", verify=str(cert), auth=("alice", "secret"), timeout=5)
        assert answer.json() == []


def test_key_in_the_certificate_file(certificate: tuple[Path, Path], tmp_path: Path) -> None:
    cert, key = certificate
    both = tmp_path / "both.pem"
    both.write_bytes(cert.read_bytes() + key.read_bytes())
    with MockConnect(certfile=both) as mock:
        assert requests.get(f"{mock.url}/", verify=str(cert), timeout=5).status_code == 200


def test_the_fixture_takes_the_same_options(pytester: pytest.Pytester, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def mockconnect_server_options():
            return {{"certfile": {str(cert)!r}, "keyfile": {str(key)!r}}}
        """
    )
    pytester.makepyfile(
        f"""
        import requests

        def test_https(mockconnect):
            assert mockconnect.url.startswith("https://127.0.0.1:")
            assert requests.get(mockconnect.url + "/connectors", verify={str(cert)!r}, timeout=5).json() == []
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


# -- bad files: a clear message naming the file ------------------------------------------------


def test_bad_paths_name_the_file(tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    with pytest.raises(SecurityConfigError, match=r"--certfile .*nope\.pem does not exist"):
        tls_context(tmp_path / "nope.pem", key)
    with pytest.raises(SecurityConfigError, match=r"--keyfile .*nope\.key does not exist"):
        tls_context(cert, tmp_path / "nope.key")
    with pytest.raises(SecurityConfigError, match=r"--keyfile .* is not a file"):
        tls_context(cert, tmp_path)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    with pytest.raises(SecurityConfigError, match=r"--certfile .*garbage\.pem and --keyfile .*key\.pem are not"):
        tls_context(garbage, key)
    with pytest.raises(SecurityConfigError, match=r"without --keyfile the key must be in the certificate file"):
        tls_context(cert)
    with pytest.raises(SecurityConfigError, match="needs --certfile"):
        MockConnect(keyfile=key)


def test_an_encrypted_key_is_refused_without_prompting(tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    cert, key = certificate
    private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    locked = tmp_path / "locked.pem"
    locked.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pass"),
        )
    )
    with pytest.raises(SecurityConfigError, match=r"locked\.pem is encrypted.*unencrypted key"):
        tls_context(cert, locked)


@pytest.mark.parametrize("which", ["--certfile", "--keyfile"])
def test_serve_refuses_a_missing_file_with_exit_2(tmp_path: Path, certificate: tuple[Path, Path], which: str) -> None:
    cert, key = certificate
    paths = {"--certfile": str(cert), "--keyfile": str(key), which: str(tmp_path / "missing.pem")}
    done = subprocess.run(
        [*SCRIPT, "serve", "--port", "0", *(item for pair in paths.items() for item in pair)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"mockconnect serve: {which} {tmp_path / 'missing.pem'} does not exist")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_serve_over_https_from_the_environment(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    with serving(env={"MOCKCONNECT_CERTFILE": str(cert), "MOCKCONNECT_KEYFILE": str(key)}) as url:
        assert url.startswith("https://")
        assert requests.get(f"{url}/connectors", verify=str(cert), timeout=5).json() == []
