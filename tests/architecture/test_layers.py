"""The layers of ARCHITECTURE.md, checked over the import graph: no import crosses a layer the wrong way.

Every module of the package is parsed (imports inside functions and TYPE_CHECKING blocks count too)
and each import is resolved to the module it names. A module may import from its own layer and the
layers below it, never above; the lower layers never import Flask, werkzeug or waitress.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mockconnect"

LAYERS = ("release", "worker", "mock", "http", "delivery")
"""Bottom to top. ``delivery`` is every module at the top of the package and the tools beside it."""
BASE = {"mockconnect.resources"}
"""Finds shipped files; any layer may use it."""
WEB = ("flask", "werkzeug", "waitress")
NO_WEB = {"release", "worker", "mock"}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("release", "worker", "mock", "http"):
        return parts[1]
    return "delivery"  # top-level modules, conformance/, record/ and live/


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from mockconnect.worker import javamap`` imports the module mockconnect.worker.javamap
            found += [
                (node.lineno, f"{target}.{alias.name}") for alias in node.names if target.startswith("mockconnect")
            ]
    return found


def violations(path: Path) -> list[str]:
    source = module_name(path)
    mine = layer_of(source)
    problems = []
    for line, target in imports_of(path):
        if target.split(".")[0] in WEB and mine in NO_WEB:
            problems.append(f"{source}:{line} imports {target}: the {mine} layer knows nothing of HTTP servers")
        if not target.startswith("mockconnect.") or target in BASE:
            continue
        if (
            not (PACKAGE.parent / (target.replace(".", "/") + ".py")).exists()
            and not (PACKAGE.parent / target.replace(".", "/")).is_dir()
        ):
            continue  # a name imported from a package, not a module
        theirs = layer_of(target)
        if LAYERS.index(theirs) > LAYERS.index(mine):
            problems.append(f"{source}:{line} imports {target}: {mine} must not depend on {theirs}")
    return problems


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_import_crosses_a_layer_the_wrong_way(path: Path) -> None:
    assert violations(path) == []


def test_every_layer_has_modules() -> None:
    assert {layer_of(module_name(p)) for p in MODULES} == set(LAYERS)


@pytest.mark.parametrize(
    ("where", "code", "expected"),
    [
        ("worker/bad.py", "from mockconnect.mock.state import MockState\n", "worker must not depend on mock"),
        ("worker/bad.py", "def f():\n    from flask import g\n", "knows nothing of HTTP servers"),
        ("mock/bad.py", "from ..http import app\n", "mock must not depend on http"),
        ("release/bad.py", "from mockconnect.worker import models\n", "release must not depend on worker"),
        ("http/bad.py", "from mockconnect import server\n", "http must not depend on delivery"),
    ],
)
def test_the_check_finds_a_wrong_way_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: str, expected: str
) -> None:
    fake = tmp_path / "mockconnect"
    for layer in ("release", "worker", "mock", "http"):
        (fake / layer).mkdir(parents=True)
        (fake / layer / "__init__.py").write_text("")
        for name in ("models", "state", "app"):
            (fake / layer / f"{name}.py").write_text("")
    (fake / "server.py").write_text("")
    (fake / where).write_text(code)
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    assert any(expected in problem for problem in violations(fake / where))
