"""A worker the runner talks to: its base URL and a guarded session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from mockconnect.conformance.normalise import Answer
from mockconnect.conformance.transport import Guard, make_session

NO_BODY: Any = object()
"""Marker: the request has no body (as opposed to a JSON ``null`` body)."""


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Target:
    """One worker under test (``label`` is "target" or "comparison")."""

    label: str
    url: str
    session: requests.Session
    timeout: float = 100.0

    @classmethod
    def connect(cls, label: str, url: str, guard: Guard, timeout: float = 100.0) -> Target:
        origin_of(url)
        return cls(label, url.rstrip("/"), make_session(guard), timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        body: Any = NO_BODY,
        raw: bytes | None = None,
        headers: dict[str, str | None] | None = None,
    ) -> Answer:
        """Send one request; ``path`` is already percent-encoded, ``query`` a raw query string."""
        url = self.url + path + (f"?{query}" if query else "")
        sent_headers: dict[str, str | None] = {"Accept": "application/json"}
        data: bytes | None = None
        if raw is not None:
            data = raw
        elif body is not NO_BODY:
            data = json.dumps(body).encode("utf-8")
            sent_headers["Content-Type"] = "application/json"
        sent_headers.update(headers or {})
        response = self.session.request(
            method, url, data=data, headers=sent_headers, timeout=self.timeout, allow_redirects=False
        )
        return Answer.from_response(response)

    def close(self) -> None:
        self.session.close()
