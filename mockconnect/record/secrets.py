"""Which recorded config values are secrets, and how they are replaced before a recording is written.

A value is a secret when its config definition has type ``PASSWORD``, or when its key looks like
one (``password``, ``secret``, ``token``, ``credentials``, ``sasl.jaas.config``, a final ``key`` as
in ``aws.secret.key`` but not ``key.converter``), unless its definition says it is a number, a
boolean or a class. Credentials inside other values (``jdbc:...://user:pw@host``,
``...;password=pw``, JAAS ``password="pw"``) are replaced in place. Finally every secret found is
scrubbed from every string of the recording (traces, task configs, other keys), so that no copy of
it survives. A redacted value becomes :data:`REDACTED`, which still validates as a string, a
password or a list, and which Kafka's config providers leave alone (it names no provider).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

REDACTED = "${redacted}"

TypeOf = Callable[[str], "str | None"]
"""The ConfigDef type of a connector config key (``PASSWORD``, ``STRING``, ...), None when unknown."""

_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "credential",
        "credentials",
        "creds",
        "jaas",
        "apikey",
        "privatekey",
        "secretkey",
        "accesskey",
        "sas",
    }
)
_BENIGN_LAST = frozenset(
    {
        "converter",
        "serializer",
        "deserializer",
        "class",
        "type",
        "ms",
        "seconds",
        "enable",
        "enabled",
        "url",
        "uri",
        "endpoint",
        "location",
        "path",
        "file",
        "algorithm",
        "algorithms",
        "mechanism",
        "provider",
        "protocol",
        "size",
        "length",
        "format",
        "fields",
        "field",
        "ignore",
        "name",
        "topic",
        "mode",
        "strategy",
        "policy",
        "count",
        "timeout",
        "version",
        "id",
        "header",
    }
)
_NOT_SECRET_BEFORE_KEY = frozenset(
    {"partition", "primary", "routing", "row", "sort", "hash", "message", "record", "object", "document", "cache"}
)
_NEVER_SECRET_TYPES = frozenset({"INT", "SHORT", "LONG", "DOUBLE", "BOOLEAN", "CLASS"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[._\-\s]+")
_PROVIDER_REFERENCE = re.compile(r"\$\{[^}]*\}")
_EMBEDDED = (
    # scheme://user:password@host
    re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^/\s:@]*:)(?P<secret>[^@\s/]+)(?P<tail>@)"),
    # password="..." (JAAS) and password='...'
    re.compile(r"(?P<head>(?i:password|passwd|pwd|secret|token)\s*=\s*\")(?P<secret>[^\"]*)(?P<tail>\")"),
    re.compile(r"(?P<head>(?i:password|passwd|pwd|secret|token)\s*=\s*')(?P<secret>[^']*)(?P<tail>')"),
    # ;password=... or ?password=...&
    re.compile(r"(?P<head>(?i:password|passwd|pwd|secret|token)=)(?P<secret>[^;&\s\"']+)(?P<tail>)"),
)
MIN_SCRUB_LENGTH = 4
"""Secrets shorter than this are redacted where they stand but not searched for elsewhere: a
three-letter secret would also match ordinary words of traces and configs."""


def _tokens(key: str) -> list[str]:
    return [token.lower() for token in _SPLIT.split(_CAMEL.sub(".", key)) if token]


def secret_name(key: str) -> bool:
    """Whether a config key's name says its value is a secret."""
    tokens = _tokens(key)
    if not tokens or tokens[-1] in _BENIGN_LAST:
        return False
    if any(token in _SECRET_WORDS for token in tokens):
        return True
    if tokens[-2:] == ["user", "info"] or tokens[-1] == "userinfo":  # basic.auth.user.info: "user:password"
        return True
    return tokens[-1] == "key" and (len(tokens) == 1 or tokens[-2] not in _NOT_SECRET_BEFORE_KEY)


def is_secret(key: str, config_type: str | None) -> bool:
    """Whether the value of ``key`` is redacted, given its ConfigDef type (None when unknown)."""
    if config_type == "PASSWORD":
        return True
    if config_type in _NEVER_SECRET_TYPES:
        return False
    return secret_name(key)


@dataclass
class Redactor:
    """Redacts configs one by one, remembering every secret it saw, then scrubs a whole document."""

    found: set[str] = field(default_factory=set)
    redacted: int = 0

    def config(self, config: Mapping[str, Any], type_of: TypeOf) -> dict[str, Any]:
        """A copy of ``config`` with secret values replaced by :data:`REDACTED`."""
        result: dict[str, Any] = {}
        for key, value in config.items():
            if not isinstance(value, str) or not value.strip() or _PROVIDER_REFERENCE.fullmatch(value.strip()):
                result[key] = value  # nothing secret in an empty value or a ${provider:path:key} reference
            elif is_secret(key, type_of(key)):
                self.found.add(value)
                self.redacted += 1
                result[key] = REDACTED
            else:
                result[key] = self._embedded(value)
        return result

    def _embedded(self, value: str) -> str:
        for pattern in _EMBEDDED:

            def replace(match: re.Match[str]) -> str:
                secret = match.group("secret")
                if not secret or secret == REDACTED or _PROVIDER_REFERENCE.fullmatch(secret):
                    return match.group(0)
                self.found.add(secret)
                self.redacted += 1
                return match.group("head") + REDACTED + match.group("tail")

            value = pattern.sub(replace, value)
        return value

    def scrub(self, document: Any) -> Any:
        """``document`` with every secret seen so far replaced wherever it appears in a string."""
        secrets = sorted((s for s in self.found if len(s) >= MIN_SCRUB_LENGTH), key=len, reverse=True)
        if not secrets:
            return document
        pattern = re.compile("|".join(re.escape(secret) for secret in secrets))

        def walk(value: Any) -> Any:
            if isinstance(value, str):
                return pattern.sub(REDACTED, value) if pattern.search(value) else value
            if isinstance(value, dict):
                return {walk(key): walk(item) for key, item in value.items()}
            if isinstance(value, list):
                return [walk(item) for item in value]
            return value

        return walk(document)
