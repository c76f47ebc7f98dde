"""A release's contract as its predecessor's plus an overlay: a JSON merge patch (RFC 7386) on the document.

``openapi/releases/<version>.overlay.yaml`` holds ``base`` (the release it differs from) and
``patch``; :func:`build` applies the chain from ``openapi/kafka-connect.yaml`` (3.7.0) and returns the
release's whole document. ``tools/build_contracts.py`` writes the results beside the overlays, and a
test keeps those files equal to what the overlays make.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

BASE_VERSION = "3.7.0"
BASE_DOCUMENT = "kafka-connect.yaml"


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, ``null`` removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def overlays(openapi: Path) -> dict[str, dict[str, Any]]:
    """Every overlay under ``openapi/releases/``, by release."""
    found = {}
    for path in sorted((openapi / "releases").glob("*.overlay.yaml")):
        found[path.name.removesuffix(".overlay.yaml")] = _load(path)
    return found


def build(version: str, openapi: Path) -> dict[str, Any]:
    """The whole contract document of ``version``."""
    if version == BASE_VERSION:
        document: dict[str, Any] = _load(openapi / BASE_DOCUMENT)
        return document
    known = overlays(openapi)
    if version not in known:
        raise KeyError(f"no overlay for Kafka {version} in {openapi / 'releases'}")
    overlay = known[version]
    return merge_patch(build(str(overlay["base"]), openapi), overlay["patch"])  # type: ignore[no-any-return]
