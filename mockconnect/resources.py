"""Find the files that ship with mockconnect: the OpenAPI documents and the ready scenarios.

In a wheel they sit inside the package (``mockconnect/_shipped/...``); in a source checkout they
are the canonical copies at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_file(folder: str, name: str) -> Path:
    """The path of ``folder/name`` (for example ``openapi/kafka-connect.yaml``)."""
    for base in (_PACKAGE / "_shipped", _PACKAGE.parent):
        candidate = base / folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"mockconnect is missing its file {folder}/{name}; reinstall the package")


def shipped_folder(folder: str) -> Path:
    for base in (_PACKAGE / "_shipped", _PACKAGE.parent):
        if (base / folder).is_dir():
            return base / folder
    raise FileNotFoundError(f"mockconnect is missing its folder {folder}; reinstall the package")
