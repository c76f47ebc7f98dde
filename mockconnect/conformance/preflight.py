"""Before a run: is each URL a Kafka Connect worker at all? Two GETs and a verdict in seconds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

from mockconnect.conformance.targets import Target

IDENTITY_KEYS = ("version", "commit", "kafka_cluster_id")
PROBE_TIMEOUT = 10.0
"""The longest a probe waits for an answer (less when --request-timeout is smaller)."""


class NotAWorker(Exception):
    """The URL is not a Kafka Connect worker the run can talk to; the message says what it is instead."""


@dataclass(frozen=True)
class WorkerIdentity:
    url: str
    version: str
    commit: str
    kafka_cluster_id: str


def _found(response: requests.Response) -> str:
    """A short description of an answer, for messages: status, media type, start of the body."""
    media = response.headers.get("Content-Type", "no Content-Type")
    text = response.text.strip().replace("\n", " ")
    shown = (text[:120] + "...") if len(text) > 120 else text
    return f"{response.status_code} ({media}) {shown or '(empty body)'}"


def _get(target: Target, path: str, timeout: float, *, credentials: bool) -> requests.Response:
    url = target.url + path
    try:
        response = target.session.get(
            url, headers={"Accept": "application/json"}, timeout=timeout, allow_redirects=False
        )
    except requests.exceptions.SSLError as exc:
        raise NotAWorker(
            f"{url}: the TLS handshake failed ({short_reason(exc)}); give the worker's CA certificate with "
            "--cacert PATH, or skip verification with --insecure (a client certificate goes with --cert/--key)"
        ) from None
    except requests.exceptions.ConnectTimeout:
        raise NotAWorker(f"{url}: no connection within {timeout:g} s; is the address right and reachable?") from None
    except requests.exceptions.ReadTimeout:
        raise NotAWorker(
            f"{url}: the connection was accepted but no answer came within {timeout:g} s; a Kafka Connect "
            "worker answers GET / at once (if it is only slow, raise --request-timeout)"
        ) from None
    except requests.RequestException as exc:
        raise NotAWorker(f"{url}: could not connect ({short_reason(exc)})") from None
    if response.status_code == 401:
        if credentials:
            raise NotAWorker(f"{url}: the credentials given with --user/--password were refused (401)")
        raise NotAWorker(
            f"{url} asks for credentials (401 on GET {path}): give them with --user USER and --password "
            "PASSWORD (or the MOCKCONNECT_CONFORMANCE_PASSWORD environment variable)"
        )
    if response.status_code == 403:
        raise NotAWorker(f"{url}: access refused (403 on GET {path}); the user needs read access to the REST API")
    return response


def short_reason(exc: BaseException, limit: int = 203) -> str:
    """An exception's text for a one-line message, cut to at most ``limit`` characters."""
    text = str(exc)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json(response: requests.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def check_worker(target: Target, *, credentials: bool = False) -> WorkerIdentity:
    """Raise :class:`NotAWorker` unless ``target`` answers ``GET /`` and ``GET /connectors`` as a worker does.

    Only GET requests; each waits at most ``min(target.timeout, PROBE_TIMEOUT)`` seconds.
    """
    timeout = min(target.timeout, PROBE_TIMEOUT)
    root = _get(target, "/", timeout, credentials=credentials)
    body = _json(root)
    expected = "a Kafka Connect worker answers 200 with a JSON object holding version, commit and kafka_cluster_id"
    if root.status_code != 200:
        raise NotAWorker(f"{target.url}: GET / answered {_found(root)}; {expected}")
    if not isinstance(body, dict):
        raise NotAWorker(f"{target.url}: GET / answered {_found(root)}, not a JSON object; {expected}")
    missing = [key for key in IDENTITY_KEYS if not isinstance(body.get(key), str) or not body.get(key)]
    if missing:
        raise NotAWorker(f"{target.url}: GET / answered {_found(root)}, without {', '.join(missing)}; {expected}")
    listing = _get(target, "/connectors", timeout, credentials=credentials)
    names = _json(listing)
    if listing.status_code != 200 or not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise NotAWorker(
            f"{target.url}: GET /connectors answered {_found(listing)}; a Kafka Connect worker answers 200 "
            "with a JSON list of connector names"
        )
    return WorkerIdentity(target.url, body["version"], body["commit"], body["kafka_cluster_id"])
