"""The Kafka releases the live worker can run, and the exact jars each one gets from Maven Central."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Logging backends: 3.x tarballs ship reload4j behind the log4j 1 API, 4.x ship log4j2 (KIP-653).
RELOAD4J = "reload4j"
LOG4J2 = "log4j2"

RELOAD4J_VERSION = "1.2.25"
SLF4J_VERSION = "1.7.36"
# Every 4.x connect-runtime POM asks for slf4j-api 1.7.36, so the log4j2 binding is the SLF4J 1.x one.
LOG4J2_VERSION = "2.24.3"


@dataclass(frozen=True)
class Release:
    """One supported Kafka release: which jars a worker of it runs, and its logging backend.

    ``file``, ``mirror`` and ``mirror_client`` are the versions of ``connect-file``,
    ``connect-mirror`` and ``connect-mirror-client``: the release's own where Maven Central serves
    them, else the newest older one that it serves. ``test_plugins`` is the ``connect-test-plugins``
    version used with ``--test-plugins`` (``None``: none is served for this line). ``moved_utils``
    names the ``org.apache.kafka.common.utils`` classes that the older plugin jars need and this
    runtime only has under ``...utils.internals``.
    """

    version: str
    file: str
    mirror: str
    mirror_client: str
    test_plugins: str | None
    logging: str
    # Classes the older plugin jars call that this runtime moved (4.4 moved AppInfoParser and
    # Exit to org.apache.kafka.common.utils.internals): a delegating shim is put on the class path.
    moved_utils: tuple[str, ...] = ()

    @property
    def minor(self) -> str:
        """The minor line, e.g. ``4.1`` for ``4.1.2``."""
        return ".".join(self.version.split(".")[:2])

    @property
    def substituted(self) -> dict[str, str]:
        """Artifacts whose version differs from the release's own: artifact id -> version used."""
        used = {
            "connect-file": self.file,
            "connect-mirror": self.mirror,
            "connect-mirror-client": self.mirror_client,
        }
        return {name: version for name, version in used.items() if version != self.version}


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a dotted version: ``"4.10.0"`` after ``"4.9.1"``."""
    return tuple(int(part) for part in version.split("."))


def _same(version: str, test_plugins: str | None, logging: str) -> Release:
    return Release(version, version, version, version, test_plugins, logging)


# Newest patch of each minor line whose connect-runtime and kafka_2.13 jars Maven Central serves
# (checked 2026-12-04), plus 3.7.0, the release the mock was first built against.
RELEASES: tuple[Release, ...] = (
    _same("3.6.2", "3.6.1", RELOAD4J),
    _same("3.7.0", "3.7.0", RELOAD4J),
    _same("3.7.2", "3.7.0", RELOAD4J),
    _same("3.8.1", "3.8.1", RELOAD4J),
    _same("3.9.2", "3.9.0", RELOAD4J),
    _same("4.0.2", "4.0.2", LOG4J2),
    _same("4.1.2", "4.0.2", LOG4J2),
    Release("4.2.2", "4.2.0", "4.2.1", "4.2.0", "4.0.2", LOG4J2),
    Release("4.3.2", "4.3.1", "4.3.1", "4.3.1", "4.3.1", LOG4J2),
    Release("4.4.0", "4.3.1", "4.3.1", "4.3.1", "4.3.1", LOG4J2, ("AppInfoParser", "Exit")),
)
_BY_VERSION = {release.version: release for release in RELEASES}
# A minor line stands for its newest supported patch (3.7 -> 3.7.2, not 3.7.0).
_BY_MINOR = {release.minor: release for release in sorted(RELEASES, key=lambda r: version_key(r.version))}


def known_versions() -> list[str]:
    """Every version and minor line that :func:`find_release` accepts, oldest first."""
    return [release.version for release in RELEASES]


def find_release(version: str) -> Release:
    """The release for ``version`` (``4.1.2``) or a minor line (``4.1``: its newest patch).

    Raises ``ValueError`` naming the known versions for anything else.
    """
    text = version.strip()
    if re.fullmatch(r"\d+\.\d+", text) and text in _BY_MINOR:
        return _BY_MINOR[text]
    if text in _BY_VERSION:
        return _BY_VERSION[text]
    lines = ", ".join(sorted(_BY_MINOR, key=version_key))
    raise ValueError(
        f"Kafka {version!r} is not supported: known releases are {', '.join(known_versions())} "
        f"(or a minor line, meaning its newest: {lines})"
    )
