"""`mockconnect conformance` against an https worker: --cacert verifies it, without it the run says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockconnect.conformance.preflight import NotAWorker
from mockconnect.conformance.runner import Options, run
from mockconnect.conformance.targets import Access
from mockconnect.server import MockConnect


@pytest.fixture
def https(certificate: tuple[Path, Path]) -> Iterator[MockConnect]:
    cert, key = certificate
    with MockConnect(certfile=cert, keyfile=key) as mock:
        yield mock


def test_a_run_verifies_the_worker_with_cacert(https: MockConnect, certificate: tuple[Path, Path]) -> None:
    report = run(
        Options(
            target=https.url,
            phases=("lifecycle", "examples"),
            max_examples=2,
            access=Access(cacert=str(certificate[0])),
        )
    )
    assert report.failures() == []
    assert report.identities[0].version == "3.7.0"
    assert https.url.startswith("https://")
    assert len(https.journal.entries()) > 100


def test_without_the_ca_the_run_names_the_options(https: MockConnect) -> None:
    with pytest.raises(
        NotAWorker, match=r"the TLS handshake failed .*--cacert PATH, or skip verification with --insecure"
    ):
        run(Options(target=https.url, phases=("lifecycle",)))


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_insecure_skips_verification(https: MockConnect) -> None:
    report = run(Options(target=https.url, phases=("lifecycle",), access=Access(insecure=True)))
    assert report.failures() == []
