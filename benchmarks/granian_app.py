"""WSGI factories for serving the mock (or the bare Flask view) with granian, to compare servers.

granian --interface wsgi --workers 1 --factory benchmarks.granian_app:mock
"""

from __future__ import annotations

from flask import Flask

from mockconnect.http.app import create_app


def mock() -> Flask:
    return create_app()


def bare() -> Flask:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bare_flask import bare_app

    return bare_app()
