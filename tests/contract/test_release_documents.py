"""Each release's contract is its predecessor's plus an overlay; openapi/releases/ holds what the overlays make."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from mockconnect.release import known_releases
from mockconnect.release.overlay import build, merge_patch, overlays

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "openapi"
sys.path.insert(0, str(ROOT / "tools"))
from build_contracts import render  # noqa: E402


@pytest.mark.parametrize("version", sorted(overlays(OPENAPI)))
def test_the_generated_document_is_up_to_date(version: str) -> None:
    written = (OPENAPI / "releases" / f"kafka-connect-{version}.yaml").read_text(encoding="utf-8")
    assert written == render(version, OPENAPI), "run python tools/build_contracts.py"


@pytest.mark.parametrize("version", sorted(overlays(OPENAPI)))
def test_each_document_names_its_release(version: str) -> None:
    assert build(version, OPENAPI)["info"]["version"] == version


def test_every_emulated_release_has_a_document() -> None:
    for version, release in known_releases().items():
        assert (OPENAPI / release.contract).is_file(), version
        assert yaml.safe_load((OPENAPI / release.contract).read_text())["info"]["version"] == version


def test_merge_patch_follows_rfc_7386() -> None:
    target = {"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]}
    patch = {"a": "z", "c": {"f": None}, "list": [3], "new": {"x": 1}}
    assert merge_patch(target, patch) == {"a": "z", "c": {"d": "e"}, "list": [3], "new": {"x": 1}}
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]}  # not changed in place
