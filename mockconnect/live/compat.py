"""Build the class-path shim that lets older plugin jars call utilities a newer runtime moved."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

SHIM_JAR = "mockconnect-moved-utils-shim.jar"
_PACKAGE = "org.apache.kafka.common.utils"
_TARGET = "org.apache.kafka.common.utils.internals"

# Each shim class only forwards the static methods the 4.3 plugin jars call (found with javap)
# to the class of the same name under ...utils.internals. Our own code, not Kafka's.
_SOURCES: dict[str, str] = {
    "AppInfoParser": """\
package {package};

/** Forwards to {target}.AppInfoParser, where Kafka 4.4 moved it (mockconnect shim). */
public final class AppInfoParser {{
    private AppInfoParser() {{
    }}

    public static String getVersion() {{
        return {target}.AppInfoParser.getVersion();
    }}

    public static String getCommitId() {{
        return {target}.AppInfoParser.getCommitId();
    }}
}}
""",
    "Exit": """\
package {package};

/** Forwards to {target}.Exit, where Kafka 4.4 moved it (mockconnect shim). */
public final class Exit {{
    private Exit() {{
    }}

    public static void exit(int statusCode) {{
        {target}.Exit.exit(statusCode);
    }}

    public static void exit(int statusCode, String message) {{
        {target}.Exit.exit(statusCode, message);
    }}

    public static void halt(int statusCode) {{
        {target}.Exit.halt(statusCode);
    }}

    public static void addShutdownHook(String name, Runnable runnable) {{
        {target}.Exit.addShutdownHook(name, runnable);
    }}
}}
""",
}


class ShimError(RuntimeError):
    """javac or jar failed, or a class has no shim source."""


def known_shims() -> list[str]:
    """The class names a shim can be built for."""
    return sorted(_SOURCES)


def build_shim(classes: Sequence[str], lib: Path, out_dir: Path) -> Path:
    """Compile shims for ``classes`` against the jars in ``lib`` into ``out_dir/SHIM_JAR``."""
    unknown = [name for name in classes if name not in _SOURCES]
    if unknown:
        raise ShimError(f"no shim source for {', '.join(unknown)} (known: {', '.join(known_shims())})")
    javac, jar = shutil.which("javac"), shutil.which("jar")
    if javac is None or jar is None:
        raise ShimError("javac and jar (a JDK 17) are needed to build the moved-utilities shim")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mockconnect-shim-") as tmp:
        src = Path(tmp) / "src" / Path(*_PACKAGE.split("."))
        src.mkdir(parents=True)
        files = []
        for name in classes:
            path = src / f"{name}.java"
            path.write_text(_SOURCES[name].format(package=_PACKAGE, target=_TARGET), encoding="utf-8")
            files.append(str(path))
        classes_dir = Path(tmp) / "classes"
        _run([javac, "--release", "17", "-nowarn", "-cp", str(lib / "*"), "-d", str(classes_dir), *files])
        target = out_dir / SHIM_JAR
        _run([jar, "--create", "--file", str(target), "-C", str(classes_dir), "."])
    return target


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ShimError(f"{' '.join(cmd[:2])} ... failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
