"""Start a real Kafka broker and Connect worker on loopback from Maven Central jars."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any

from mockconnect.live.compat import SHIM_JAR, ShimError, build_shim
from mockconnect.live.releases import (
    LOG4J2,
    LOG4J2_VERSION,
    RELOAD4J_VERSION,
    SLF4J_VERSION,
    Release,
    find_release,
    known_versions,
)

DEFAULT_KAFKA_VERSION = "3.7.0"
DEPENDENCY_PLUGIN_VERSION = "3.6.1"
# base64url("mockconnect-live"): 16 bytes, so a valid KRaft cluster id that shows up in GET /.
DEFAULT_CLUSTER_ID = "bW9ja2Nvbm5lY3QtbGl2ZQ"
PROBE_CONNECTOR = "mockconnect-readiness-probe"
LOOPBACK = "127.0.0.1"

_KAFKA = "org.apache.kafka"


def _lib_artifacts(release: Release) -> tuple[tuple[str, str, str], ...]:
    """Artifacts of a stock worker: what the release tarball puts in libs/ (section 14.1 of the
    reference), plus the logging backend that neither POM brings."""
    v = release.version
    kafka = (
        (_KAFKA, "kafka_2.13", v),
        (_KAFKA, "kafka-clients", v),
        (_KAFKA, "connect-runtime", v),
        (_KAFKA, "connect-api", v),
        (_KAFKA, "connect-json", v),
        (_KAFKA, "connect-transforms", v),
        (_KAFKA, "connect-mirror", release.mirror),
        (_KAFKA, "connect-mirror-client", release.mirror_client),
    )
    backend: tuple[tuple[str, str, str], ...]
    if release.logging == LOG4J2:
        backend = (
            ("org.apache.logging.log4j", "log4j-api", LOG4J2_VERSION),
            ("org.apache.logging.log4j", "log4j-core", LOG4J2_VERSION),
            ("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J2_VERSION),
        )
    else:
        backend = (
            ("ch.qos.reload4j", "reload4j", RELOAD4J_VERSION),
            ("org.slf4j", "slf4j-reload4j", SLF4J_VERSION),
        )
    return kafka + backend


_MARKER = ".complete.json"
_LOG4J = "log4j.properties"
_LOG4J2 = "log4j2.properties"
_CONNECT_LOG4J2_NAME = "connect-log4j2.yaml"
_TEST_MARKER = ".complete-test-plugins.json"

_CONNECT_LOG4J = """\
# Same loggers and levels as config/connect-log4j.properties of the release, so that
# GET /admin/loggers looks like a stock worker's.
log4j.rootLogger=INFO, connectAppender
log4j.appender.connectAppender=org.apache.log4j.FileAppender
log4j.appender.connectAppender.File=${kafka.logs.dir}/connect.log
log4j.appender.connectAppender.layout=org.apache.log4j.PatternLayout
connect.log.pattern=[%d] %p %X{connector.context}%m (%c:%L)%n
log4j.appender.connectAppender.layout.ConversionPattern=${connect.log.pattern}
log4j.logger.org.reflections=ERROR
"""

_BROKER_LOG4J = """\
log4j.rootLogger=INFO, kafkaAppender
log4j.appender.kafkaAppender=org.apache.log4j.FileAppender
log4j.appender.kafkaAppender.File=${kafka.logs.dir}/server.log
log4j.appender.kafkaAppender.layout=org.apache.log4j.PatternLayout
log4j.appender.kafkaAppender.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
"""


# Same loggers, levels and appenders as config/connect-log4j2.yaml of the 4.x tarballs: only the
# root logger at INFO (no org.reflections entry: 4.x scans plugins with classgraph).
_CONNECT_LOG4J2 = """\
Configuration:
  Properties:
    Property:
      - name: "kafka.logs.dir"
        value: "."
      - name: "logPattern"
        value: "[%d] %p %X{connector.context}%m (%c:%L)%n"
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "${logPattern}"
    RollingFile:
      - name: ConnectAppender
        fileName: "${sys:kafka.logs.dir}/connect.log"
        filePattern: "${sys:kafka.logs.dir}/connect-%d{yyyy-MM-dd-HH}.log"
        PatternLayout:
          pattern: "${logPattern}"
        TimeBasedTriggeringPolicy:
          modulate: true
          interval: 1
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
        - ref: ConnectAppender
"""

_BROKER_LOG4J2 = """\
status = warn
appender.kafka.type = File
appender.kafka.name = kafkaAppender
appender.kafka.fileName = ${sys:kafka.logs.dir}/server.log
appender.kafka.layout.type = PatternLayout
appender.kafka.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.kafka.ref = kafkaAppender
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
"""


class WorkerError(RuntimeError):
    """The jars could not be resolved or the worker could not be started."""


def cache_root() -> Path:
    """Return the cache directory: ``$MOCKCONNECT_CACHE`` or ``~/.cache/mockconnect``."""
    env = os.environ.get("MOCKCONNECT_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "mockconnect"


def _version_tuple(version: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if match is None:
        raise WorkerError(f"not a Kafka release version: {version!r} (expected e.g. 3.7.0)")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def release_of(version: str) -> Release:
    """The supported release that ``version`` (``4.1.2``, or a minor line such as ``4.1``) names."""
    try:
        return find_release(version)
    except ValueError as err:
        raise WorkerError(str(err)) from None


@dataclass(frozen=True)
class KafkaJars:
    """Where the resolved jars of one Kafka version live."""

    version: str
    home: Path
    lib: Path
    plugins: Path
    test_plugins: Path | None = None
    logging: str = "reload4j"
    shim: Path | None = None

    @property
    def classpath(self) -> str:
        """The JVM class path: every jar in ``lib/``, plus the test plugins if asked.

        The test plugins go on the class path, as in Kafka's system tests: inside a plugin.path
        loader their ``org.apache.kafka.connect.tools`` package is delegated to the parent, so
        they are listed but cannot be instantiated.
        """
        paths = [self.lib / "*"]
        if self.shim is not None:
            paths.append(self.shim)
        if self.test_plugins is not None:
            paths.append(self.test_plugins / "*")
        return os.pathsep.join(str(path) for path in paths)

    @property
    def plugin_path(self) -> str:
        """The worker's ``plugin.path``: only the file connectors, as a stock worker has them."""
        return str(self.plugins)


def _pom(version: str, artifacts: Sequence[tuple[str, str, str]], executions: str) -> str:
    deps = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>"
        f"<version>{v.format(v=version)}</version></dependency>"
        for g, a, v in artifacts
    )
    return f"""\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by mockconnect.live.worker to download Kafka jars; safe to delete. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mockconnect.live</groupId>
  <artifactId>kafka-jars</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
{deps}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>{DEPENDENCY_PLUGIN_VERSION}</version>
        <executions>
{executions}
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
"""


def _execution(exec_id: str, output: Path, include: str = "", exclude: str = "") -> str:
    extra = ""
    if include:
        extra += f"<includeArtifactIds>{include}</includeArtifactIds>"
    if exclude:
        extra += f"<excludeArtifactIds>{exclude}</excludeArtifactIds>"
    return (
        f"          <execution><id>{exec_id}</id><configuration>"
        f"<outputDirectory>{output}</outputDirectory><includeScope>runtime</includeScope>"
        f"{extra}</configuration></execution>"
    )


def _marker_ok(marker: Path, *dirs: Path) -> bool:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        jars = data["jars"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return bool(jars) and all(any((d / name).is_file() for d in dirs) for name in jars)


def _write_marker(marker: Path, version: str, *dirs: Path) -> None:
    jars = sorted(p.name for d in dirs for p in d.glob("*.jar"))
    if not jars:
        raise WorkerError(f"mvn finished but copied no jar into {', '.join(map(str, dirs))}")
    payload = {"version": version, "jars": jars, "resolved_at": time.time()}
    marker.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def _run_mvn(pom: Path, goals: Sequence[str]) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise WorkerError("mvn (Apache Maven) is not on PATH; it is needed to download the jars")
    cmd = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(pom), *goals]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.decode("utf-8", "replace").splitlines()[-40:])
        raise WorkerError(f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n{tail}")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def resolve_jars(
    version: str = DEFAULT_KAFKA_VERSION,
    *,
    test_plugins: bool = False,
    cache_dir: Path | None = None,
) -> KafkaJars:
    """Download the jars of a stock Kafka ``version`` worker with mvn, or reuse the cached copy.

    ``version`` may be a minor line (``4.1``), meaning its newest supported patch. ``lib/`` is the
    class path (broker, Connect runtime, MirrorMaker 2, and the logging backend: reload4j and its
    SLF4J binding for 3.x, log4j2 for 4.x); ``plugins/`` holds only ``connect-file`` and serves as
    ``plugin.path``. With ``test_plugins`` the ``connect-test-plugins`` jar goes to
    ``test-plugins/`` (class path). Which version of each artifact a release gets is in
    :mod:`mockconnect.live.releases`.
    """
    release = release_of(version)
    version = release.version
    home = (cache_dir or cache_root()) / f"kafka-{version}"
    lib, plugins, tests_dir = home / "lib", home / "plugins", home / "test-plugins"
    with _locked(home / ".lock"):
        if not _marker_ok(home / _MARKER, lib, plugins):
            for stale in (lib, plugins):
                shutil.rmtree(stale, ignore_errors=True)
            pom = home / "pom.xml"
            pom.write_text(
                _pom(
                    version,
                    (*_lib_artifacts(release), (_KAFKA, "connect-file", release.file)),
                    "\n".join(
                        (
                            _execution("lib", lib, exclude="connect-file"),
                            _execution("plugins", plugins, include="connect-file"),
                        )
                    ),
                ),
                encoding="utf-8",
            )
            _run_mvn(pom, ["dependency:copy-dependencies@lib", "dependency:copy-dependencies@plugins"])
            _write_marker(home / _MARKER, version, lib, plugins)
        shim = None
        if release.moved_utils:
            shim = home / "shim" / SHIM_JAR
            if not shim.is_file():
                try:
                    build_shim(release.moved_utils, lib, shim.parent)
                except ShimError as err:
                    raise WorkerError(str(err)) from None
        if not test_plugins:
            return KafkaJars(version, home, lib, plugins, logging=release.logging, shim=shim)
        if release.test_plugins is None:
            raise WorkerError(f"Maven Central serves no connect-test-plugins jar usable with Kafka {version}")
        if not _marker_ok(home / _TEST_MARKER, tests_dir):
            shutil.rmtree(tests_dir, ignore_errors=True)
            pom = home / "pom-test-plugins.xml"
            pom.write_text(
                _pom(
                    version,
                    ((_KAFKA, "connect-test-plugins", release.test_plugins),),
                    _execution("test-plugins", tests_dir, include="connect-test-plugins"),
                ),
                encoding="utf-8",
            )
            _run_mvn(pom, ["dependency:copy-dependencies@test-plugins"])
            _write_marker(home / _TEST_MARKER, version, tests_dir)
        return KafkaJars(version, home, lib, plugins, tests_dir, release.logging, shim)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """True if ``port`` can be bound on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def _accepts_connections(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect((LOOPBACK, port))
        except OSError:
            return False
        return True


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _http(
    method: str, url: str, body: Any, timeout: float, accept: str | None = "application/json"
) -> tuple[int, str, bytes]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Accept": accept} if accept else {}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _NO_PROXY.open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def http_json(method: str, url: str, body: Any = None, timeout: float = 10.0) -> tuple[int, Any]:
    """Send one JSON request (never through a proxy); return the status and the parsed body.

    The body is ``None`` when the response is empty or not JSON (e.g. Jetty's early HTML 404).
    """
    status, _, raw = _http(method, url, body, timeout)
    return status, _parse(raw)


def _parent_death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes Linux SIGTERM the child when the launching thread dies.

    This keeps JVMs from outliving a killed test run. ``None`` where prctl is not available.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)

    return preexec


def _tail_lines(path: Path, count: int) -> list[str]:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 256 * 1024))
            data = handle.read()
    except OSError:
        return []
    return data.decode("utf-8", "replace").splitlines()[-count:]


@dataclass
class _Process:
    name: str
    popen: subprocess.Popen[bytes]
    output: IO[bytes]


@dataclass
class KafkaWorker:
    """A single-node KRaft broker plus one distributed Connect worker, all on loopback.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. The worker has the
    stock class path of a release and the file connectors on its ``plugin.path``.
    """

    kafka_version: str = DEFAULT_KAFKA_VERSION
    rest_port: int = 0
    test_plugins: bool = False
    cluster_id: str = DEFAULT_CLUSTER_ID
    plugin_discovery: str | None = "service_load"
    cache_dir: Path | None = None
    startup_timeout: float = 240.0
    keep_run_dir: bool = False
    java: str = "java"
    jvm_heap: str = "1g"
    group_id: str = "connect-cluster"
    broker_port: int = field(default=0, init=False)
    controller_port: int = field(default=0, init=False)
    run_dir: Path | None = field(default=None, init=False)
    startup_seconds: float | None = field(default=None, init=False)
    timings: dict[str, float] = field(default_factory=dict, init=False)
    startup_answers: list[dict[str, Any]] = field(default_factory=list, init=False)
    jars: KafkaJars | None = field(default=None, init=False)
    _procs: list[_Process] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _started: bool = field(default=False, init=False, repr=False)

    # -- public API ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the REST API, e.g. ``http://127.0.0.1:38083`` (no trailing slash)."""
        if not self.rest_port:
            raise WorkerError("the worker has not been started")
        return f"http://{LOOPBACK}:{self.rest_port}"

    @property
    def worker_id(self) -> str:
        """The ``worker_id`` the worker reports in statuses: ``localhost:<rest port>``."""
        return f"localhost:{self.rest_port}"

    @property
    def bootstrap_servers(self) -> str:
        """The broker's PLAINTEXT address."""
        return f"{LOOPBACK}:{self.broker_port}"

    def __enter__(self) -> KafkaWorker:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> KafkaWorker:
        """Resolve jars, start broker then worker, and return once the REST API takes writes."""
        if self._started:
            raise WorkerError("this KafkaWorker was already started")
        self._started = True
        begin = time.monotonic()
        # A minor line (4.1) stands for its newest supported patch; unknown versions fail here.
        self.kafka_version = release_of(self.kafka_version).version
        atexit.register(self.stop)
        try:
            self.jars = resolve_jars(self.kafka_version, test_plugins=self.test_plugins, cache_dir=self.cache_dir)
            self._mark("resolve_jars", begin)
            self._prepare()
            self._format_storage()
            self._mark("format_storage", begin)
            self._start_broker()
            self._mark("broker_listening", begin)
            self._start_connect()
            self._wait_rest(begin)
            self._wait_writable(begin)
            self._mark("rest_writable", begin)
        except WorkerError as err:
            tail = self.log_tail(60)
            self.stop()
            raise WorkerError(f"{err}\n--- log tail ---\n{tail}" if tail else str(err)) from None
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = round(time.monotonic() - begin, 2)
        return self

    def stop(self) -> None:
        """Stop Connect, then the broker (SIGTERM, SIGKILL after a timeout); remove the run dir.

        Safe to call more than once.
        """
        with self._lock:
            for proc in reversed(self._procs):
                self._terminate(proc)
            self._procs.clear()
            if self.run_dir is not None and not self.keep_run_dir:
                shutil.rmtree(self.run_dir, ignore_errors=True)
                self.run_dir = None
        atexit.unregister(self.stop)

    def log_tail(self, lines: int = 50) -> str:
        """The last ``lines`` lines of each broker and Connect log, with a header per file."""
        if self.run_dir is None:
            return ""
        logs = self.run_dir / "logs"
        parts = []
        for name in ("broker.out", "server.log", "connect.out", "connect.log"):
            tail = _tail_lines(logs / name, lines)
            if tail:
                parts.append(f"==> {name} <==\n" + "\n".join(tail))
        return "\n".join(parts)

    def alive(self) -> bool:
        """True while both JVMs run."""
        return bool(self._procs) and all(p.popen.poll() is None for p in self._procs)

    # -- start-up steps --------------------------------------------------------------------

    def _mark(self, step: str, begin: float) -> None:
        self.timings[step] = round(time.monotonic() - begin, 2)

    def _prepare(self) -> None:
        if self.rest_port:
            if not port_is_free(self.rest_port):
                raise WorkerError(f"REST port {self.rest_port} on {LOOPBACK} is already in use")
        else:
            self.rest_port = _free_port()
        self.broker_port = _free_port()
        self.controller_port = _free_port()
        while len({self.rest_port, self.broker_port, self.controller_port}) < 3:
            self.controller_port = _free_port()
        self.run_dir = Path(tempfile.mkdtemp(prefix="mockconnect-kafka-"))
        for sub in ("broker", "connect", "logs", "data"):
            (self.run_dir / sub).mkdir()
        broker = self.run_dir / "broker"
        (broker / "server.properties").write_text(self._server_properties(), encoding="utf-8")
        connect = self.run_dir / "connect"
        (connect / "connect-distributed.properties").write_text(self._connect_properties(), encoding="utf-8")
        if self._log4j2:
            (broker / _LOG4J2).write_text(_BROKER_LOG4J2, encoding="utf-8")
            (connect / _CONNECT_LOG4J2_NAME).write_text(_CONNECT_LOG4J2, encoding="utf-8")
        else:
            (broker / _LOG4J).write_text(_BROKER_LOG4J, encoding="utf-8")
            (connect / "connect-log4j.properties").write_text(_CONNECT_LOG4J, encoding="utf-8")

    @property
    def _log4j2(self) -> bool:
        return self.jars is not None and self.jars.logging == LOG4J2

    @property
    def _broker_log_config(self) -> Path:
        assert self.run_dir is not None
        return self.run_dir / "broker" / (_LOG4J2 if self._log4j2 else _LOG4J)

    @property
    def _connect_log_config(self) -> Path:
        assert self.run_dir is not None
        return self.run_dir / "connect" / (_CONNECT_LOG4J2_NAME if self._log4j2 else "connect-log4j.properties")

    def _server_properties(self) -> str:
        assert self.run_dir is not None
        return "\n".join(
            (
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.voters=1@{LOOPBACK}:{self.controller_port}",
                (f"listeners=PLAINTEXT://{LOOPBACK}:{self.broker_port},CONTROLLER://{LOOPBACK}:{self.controller_port}"),
                f"advertised.listeners=PLAINTEXT://{LOOPBACK}:{self.broker_port}",
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                f"log.dirs={self.run_dir / 'data' / 'kraft'}",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "",
            )
        )

    def _connect_properties(self) -> str:
        assert self.jars is not None
        lines = [
            f"bootstrap.servers={LOOPBACK}:{self.broker_port}",
            f"group.id={self.group_id}",
            "key.converter=org.apache.kafka.connect.json.JsonConverter",
            "value.converter=org.apache.kafka.connect.json.JsonConverter",
            "key.converter.schemas.enable=true",
            "value.converter.schemas.enable=true",
            "config.storage.topic=connect-configs",
            "offset.storage.topic=connect-offsets",
            "status.storage.topic=connect-status",
            "config.storage.replication.factor=1",
            "offset.storage.replication.factor=1",
            "status.storage.replication.factor=1",
            f"listeners=http://localhost:{self.rest_port}",
            "offset.flush.interval.ms=1000",
            f"plugin.path={self.jars.plugin_path}",
        ]
        if self.plugin_discovery and _version_tuple(self.kafka_version) >= (3, 6, 0):
            lines.append(f"plugin.discovery={self.plugin_discovery}")
        return "\n".join(lines) + "\n"

    def _java(self, name: str, main_class: str, args: Sequence[str], log4j: Path) -> _Process:
        assert self.run_dir is not None
        assert self.jars is not None
        logs = self.run_dir / "logs"
        cmd = [
            self.java,
            "-Xms128m",
            f"-Xmx{self.jvm_heap}",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            "-Djava.net.preferIPv4Stack=true",
            (f"-Dlog4j2.configurationFile={log4j}" if self._log4j2 else f"-Dlog4j.configuration={log4j.as_uri()}"),
            f"-Dkafka.logs.dir={logs}",
            "-cp",
            self.jars.classpath,
            main_class,
            *args,
        ]
        output = (logs / f"{name}.out").open("ab")
        popen = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=self.run_dir,
            start_new_session=True,
            # Only an async-signal-safe prctl call runs between fork and exec.
            preexec_fn=_parent_death_signal(),  # noqa: PLW1509
        )
        return _Process(name, popen, output)

    def _format_storage(self) -> None:
        assert self.run_dir is not None
        broker = self.run_dir / "broker"
        proc = self._java(
            "storage",
            "kafka.tools.StorageTool",
            [
                "format",
                "-t",
                self.cluster_id,
                "-c",
                str(broker / "server.properties"),
                "--ignore-formatted",
            ],
            self._broker_log_config,
        )
        try:
            code = proc.popen.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.popen.kill()
            proc.popen.wait()
            code = -9
        finally:
            proc.output.close()
        if code != 0:
            out = "\n".join(_tail_lines(self.run_dir / "logs" / "storage.out", 30))
            raise WorkerError(f"formatting KRaft storage failed (exit {code}):\n{out}")

    def _start_broker(self) -> None:
        assert self.run_dir is not None
        broker = self.run_dir / "broker"
        proc = self._java(
            "broker",
            "kafka.Kafka",
            [str(broker / "server.properties")],
            self._broker_log_config,
        )
        self._procs.append(proc)
        deadline = time.monotonic() + min(self.startup_timeout, 120.0)
        while not _accepts_connections(self.broker_port):
            self._check_alive()
            if time.monotonic() > deadline:
                raise WorkerError("the broker did not open its listener in time")
            time.sleep(0.1)

    def _start_connect(self) -> None:
        assert self.run_dir is not None
        connect = self.run_dir / "connect"
        proc = self._java(
            "connect",
            "org.apache.kafka.connect.cli.ConnectDistributed",
            [str(connect / "connect-distributed.properties")],
            self._connect_log_config,
        )
        self._procs.append(proc)

    def _check_alive(self) -> None:
        for proc in self._procs:
            code = proc.popen.poll()
            if code is not None:
                raise WorkerError(f"the {proc.name} JVM exited early with code {code}")

    def _deadline_passed(self, what: str, deadline: float) -> None:
        self._check_alive()
        if time.monotonic() > deadline:
            raise WorkerError(f"{what} within {self.startup_timeout:.0f} s")

    def _note_answer(self, begin: float, request: str, status: int, content_type: str, raw: bytes) -> None:
        """Keep each distinct answer seen while waiting (e.g. Jetty's HTML 404 before Jersey is up)."""
        text = raw.decode("utf-8", "replace")[:500]
        if not any(
            (a["request"], a["status"], a["content_type"], a["body"]) == (request, status, content_type, text)
            for a in self.startup_answers
        ):
            seconds = round(time.monotonic() - begin, 2)
            self.startup_answers.append(
                {"request": request, "seconds": seconds, "status": status, "content_type": content_type, "body": text}
            )

    def _wait_rest(self, begin: float) -> None:
        deadline = begin + self.startup_timeout
        polls = 0
        while True:
            self._deadline_passed("the Connect REST API did not answer GET /connectors", deadline)
            # Alternate the Accept header: Jetty's answer before Jersey is up depends on it.
            accept = "application/json" if polls % 2 == 0 else None
            polls += 1
            try:
                status, content_type, raw = _http("GET", f"{self.url}/connectors", None, 5.0, accept)
            except (OSError, urllib.error.URLError):
                status, content_type, raw = 0, "", b""
            if status:
                self._note_answer(begin, f"GET /connectors (Accept: {accept or 'none'})", status, content_type, raw)
            body = _parse(raw)
            if status == 200 and isinstance(body, list):
                self._mark("rest_answers", begin)
                return
            time.sleep(0.1)

    def _wait_writable(self, begin: float) -> None:
        assert self.run_dir is not None
        deadline = time.monotonic() + self.startup_timeout
        probe_url = f"{self.url}/connectors/{PROBE_CONNECTOR}"
        config = {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
            "tasks.max": "1",
            "file": str(self.run_dir / "data" / "readiness-probe.txt"),
            "topic": PROBE_CONNECTOR,
        }
        for method, path, body, ok in (
            ("PUT", "/config", config, (200, 201)),
            ("DELETE", "", None, (204,)),
        ):
            last = "no answer"
            while True:
                self._deadline_passed(f"the worker did not accept {method} {probe_url}{path} (last: {last})", deadline)
                try:
                    status, content_type, raw = _http(method, probe_url + path, body, 100.0)
                    answer: Any = _parse(raw) or raw[:300]
                    self._note_answer(begin, f"{method} /connectors/{PROBE_CONNECTOR}{path}", status, content_type, raw)
                except (OSError, urllib.error.URLError) as err:
                    status, answer = 0, str(err)
                if status in ok:
                    break
                if method == "DELETE" and status == 404:
                    break
                if status == 400:
                    raise WorkerError(f"the readiness probe was rejected: {answer}")
                self._check_plugin_scan()
                last = f"{status} {answer}"
                time.sleep(0.25)

    def _check_plugin_scan(self) -> None:
        """Fail at once if the worker could not load a stock plugin (e.g. a class it needs moved)."""
        assert self.run_dir is not None
        lines = _tail_lines(self.run_dir / "logs" / "connect.out", 4000)
        failed = sorted(
            {m.group(1) for line in lines if (m := re.search(r"Failed to get plugin version for class (\S+)", line))}
        )
        if failed:
            causes = sorted({line.strip() for line in lines if "NoClassDefFoundError" in line})
            raise WorkerError(
                f"the worker could not load {', '.join(failed)}: {'; '.join(causes[:3]) or 'see connect.out'}"
            )

    # -- stopping --------------------------------------------------------------------------

    @staticmethod
    def _terminate(proc: _Process, timeout: float = 30.0) -> None:
        popen = proc.popen
        if popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                popen.send_signal(signal.SIGTERM)
            try:
                popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(popen.pid, signal.SIGKILL)
                popen.wait()
        proc.output.close()


def _say(text: str, file: IO[str] | None = None, flush: bool = True) -> None:
    stream = file if file is not None else sys.stdout
    stream.write(text + "\n")
    if flush:
        stream.flush()


class _Interrupted(Exception):
    """Raised from the SIGINT/SIGTERM handler of the command line."""


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise _Interrupted(signal.Signals(signum).name)


def _cmd_start(args: argparse.Namespace) -> int:
    worker = KafkaWorker(kafka_version=args.kafka_version, rest_port=args.port, test_plugins=args.test_plugins)
    signal.signal(signal.SIGINT, _raise_interrupted)
    signal.signal(signal.SIGTERM, _raise_interrupted)
    code = 0
    try:
        worker.start()
        _say(f"ready: {worker.url}")
        _say(
            f"worker_id {worker.worker_id}, broker {worker.bootstrap_servers}, "
            f"started in {worker.startup_seconds} s, logs in {worker.run_dir}",
            file=sys.stderr,
        )
        while worker.alive():
            time.sleep(0.5)
        _say(f"error: a worker JVM exited unexpectedly\n{worker.log_tail(40)}", file=sys.stderr)
        code = 1
    except _Interrupted:
        code = 0 if worker.startup_seconds is not None else 130
    finally:
        # A second Ctrl-C must not cut the shutdown short and leave JVMs behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        worker.stop()
    return code


def _cmd_fetch(args: argparse.Namespace) -> int:
    begin = time.monotonic()
    jars = resolve_jars(args.kafka_version, test_plugins=args.test_plugins)
    count = len(list(jars.lib.glob("*.jar")))
    _say(f"lib: {jars.lib} ({count} jars)")
    _say(f"plugin.path: {jars.plugin_path}")
    _say(f"took {time.monotonic() - begin:.1f} s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: ``start`` runs a worker in the foreground, ``fetch`` only downloads jars."""
    parser = argparse.ArgumentParser(
        prog="python -m mockconnect.live.worker",
        description="Run a real Kafka Connect worker on loopback from Maven Central jars.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start broker and worker; print 'ready: <url>'")
    fetch = sub.add_parser("fetch", help="only download the jars into the cache")
    for cmd in (start, fetch):
        cmd.add_argument(
            "--kafka-version",
            default=DEFAULT_KAFKA_VERSION,
            metavar="V",
            help=f"a release ({', '.join(known_versions())}) or a minor line such as 4.1 (its newest)",
        )
        cmd.add_argument(
            "--test-plugins",
            action="store_true",
            help="also put connect-test-plugins (Mock*, Verifiable*, Schema*) on the class path",
        )
    start.add_argument("--port", type=int, default=0, metavar="P", help="REST port (default: free)")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            return _cmd_start(args)
        return _cmd_fetch(args)
    except WorkerError as err:
        _say(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
