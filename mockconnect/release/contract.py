"""The OpenAPI contract compiled once into fast per-operation request and response checks.

openapi-core is the authority on what the documents mean; this module reaches the same verdicts
(a test compares them on a large generated set) at a small fraction of the cost, by resolving the
operation from the Flask endpoint name and compiling every schema once with jsonschema-rs.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, Protocol

import jsonschema_rs
import yaml

from mockconnect.release import get_release
from mockconnect.resources import shipped_file

Json = Any
"""A decoded JSON value."""

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_INT_TEXT = re.compile(r"\s*[+-]?\d+(_\d+)*\s*")

# OpenAPI's integer formats as bounds. jsonschema-rs calls custom format checks for strings only, so
# ``format: int32`` on a number would never be checked; ``minimum``/``maximum`` are checked natively.
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}

# Lone surrogates (JSON allows "\ud800") cannot cross into jsonschema-rs, which needs UTF-8. They are
# mapped one for one onto supplementary private-use code points, which keeps lengths and what the
# document's patterns match.
_SURROGATES = {code: 0xF0000 + code - 0xD800 for code in range(0xD800, 0xE000)}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    # 1e400 is a JSON number (RFC 8259 sets no range) but a Python inf, which jsonschema-rs refuses as a
    # number; the largest double stands in for it (no schema in the document bounds a number).
    value = float(text)
    if value in (math.inf, -math.inf):
        return math.copysign(sys.float_info.max, value)
    return value


# RFC 8259 JSON: Python's NaN, Infinity and -Infinity extensions are refused, as Kafka's Jackson does.
_JSON = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


class HeaderNames(Protocol):
    def __contains__(self, key: str, /) -> bool: ...


class QueryArgs(Protocol):
    def getlist(self, key: str) -> list[str]: ...

    def __contains__(self, key: object) -> bool: ...


@dataclass(frozen=True, slots=True)
class Parameter:
    """A path or query parameter and how to cast it before checking its schema."""

    name: str
    location: str
    required: bool
    kind: str
    item_kind: str | None
    validator: Any
    allow_empty: bool = False

    def cast(self, raw: str, kind: str | None = None) -> Any:
        kind = kind or self.kind
        if kind == "integer":
            if not _INT_TEXT.fullmatch(raw):
                raise ValueError(raw)
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "boolean":
            if raw.lower() not in ("true", "false"):
                raise ValueError(raw)
            return raw.lower() == "true"
        return raw


@dataclass(frozen=True, slots=True)
class ResponseRule:
    """One documented status: media types with their schema validators, and required headers."""

    content: Mapping[str, Any]
    headers: Mapping[str, bool]


@dataclass(slots=True)
class Operation:
    """Everything the contract says about one operation."""

    operation_id: str
    method: str
    path: str
    parameters: list[Parameter] = field(default_factory=list)
    body_required: bool = False
    body_content: dict[str, Any] | None = None
    responses: dict[str, ResponseRule] = field(default_factory=dict)
    _checked_bodies: dict[tuple[int, str | None, bytes], list[str]] = field(default_factory=dict, repr=False)
    """Schema problems of bodies already checked, by (status, media type, SHA-256 of the body as sent)."""

    def request_problems(
        self,
        path_params: Mapping[str, Any],
        query: QueryArgs,
        mimetype: str | None,
        body: bytes,
    ) -> list[str]:
        """What about this request breaks the contract (empty when it conforms)."""
        problems: list[str] = []
        for param in self.parameters:
            problems.extend(_param_problems(param, path_params, query))
        if self.body_content is None:
            return problems
        if not body:
            if self.body_required:
                problems.append("request body is required but missing")
            return problems
        validator = _find_media(self.body_content, mimetype)
        if validator is _MISSING:
            problems.append(f"request content type {mimetype!r} is not documented")
            return problems
        try:
            data = _JSON.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
        except (ValueError, RecursionError) as exc:
            problems.append(f"request body is not valid JSON: {exc.__class__.__name__}")
            return problems
        if validator is not None:
            problems.extend(_schema_problems("request body", validator, data))
        return problems

    def response_problems(
        self,
        status: int,
        mimetype: str | None,
        data: Json,
        headers: HeaderNames,
        has_body: bool,
        encoded: bytes | None = None,
    ) -> list[str]:
        """What about this response breaks the contract (empty when it conforms).

        ``encoded``, the body as sent, lets a body that was checked before skip the schema: a
        polling client sees the same few answers over and over.
        """
        rule = self.responses.get(str(status)) or self.responses.get(f"{status // 100}XX")
        rule = rule or self.responses.get("default")
        if rule is None:
            return [f"status {status} is not documented for {self.operation_id}"]
        problems = [
            f"required header {name!r} is missing" for name, req in rule.headers.items() if req and name not in headers
        ]
        if not rule.content:
            return problems
        validator = _find_media(rule.content, mimetype)
        if validator is _MISSING:
            return [*problems, f"response content type {mimetype!r} is not documented for status {status}"]
        if not has_body:
            return [*problems, f"status {status} must have a body"]
        if validator is not None:
            problems.extend(self._body_problems(status, mimetype, validator, data, encoded))
        return problems

    def _body_problems(
        self, status: int, mimetype: str | None, validator: Any, data: Json, encoded: bytes | None
    ) -> list[str]:
        if encoded is None:
            return _schema_problems("response body", validator, data)
        # A digest rather than the bytes keeps the memory small for large bodies (an expanded listing of
        # 10,000 connectors is 6 MB: hashed in 4 ms, checked in 45 ms).
        key = (status, mimetype, hashlib.sha256(encoded).digest())
        known = self._checked_bodies.get(key)
        if known is None:
            if len(self._checked_bodies) >= _CACHED_BODIES:
                self._checked_bodies.clear()
            known = self._checked_bodies[key] = _schema_problems("response body", validator, data)
        return list(known)


_MISSING = object()
_CACHED_BODIES = 1024
"""Checked bodies remembered per operation; the memory is forgotten whole when it is full."""


def _find_media(content: Mapping[str, Any], mimetype: str | None) -> Any:
    if mimetype is None:
        return _MISSING
    mimetype = mimetype.split(";", 1)[0].strip().lower()
    if mimetype in content:
        return content[mimetype]
    main = mimetype.split("/", 1)[0]
    for declared, validator in content.items():
        if declared in ("*/*", f"{main}/*"):
            return validator
    return _MISSING


def _schema_problems(what: str, validator: Any, data: Any) -> list[str]:
    try:
        if validator.is_valid(data):
            return []
        return [f"{what}: {error.message}" for error in validator.iter_errors(data)][:5]
    except UnicodeEncodeError:
        data = _without_surrogates(data)
        if validator.is_valid(data):
            return []
        return [f"{what}: {error.message}" for error in validator.iter_errors(data)][:5]


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_SURROGATES)
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_surrogates(item) for item in value]
    return value


def _with_int_ranges(node: Any) -> Any:
    """A copy of the document where ``format: int32``/``int64`` also carry their bounds."""
    if isinstance(node, list):
        return [_with_int_ranges(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _with_int_ranges(value) for key, value in node.items()}
    bounds = _INT_RANGES.get(out["format"]) if isinstance(out.get("format"), str) else None
    if bounds is None:
        return out
    low, high = bounds
    kinds = out.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if (
        isinstance(kinds, list)
        and "integer" in kinds
        and "number" not in kinds
        and not {"minimum", "maximum"} & set(out)
    ):
        out["minimum"], out["maximum"] = low, high
    else:
        out["allOf"] = [*out.get("allOf", []), {"if": {"type": "integer"}, "then": {"minimum": low, "maximum": high}}]
    return out


def _param_problems(param: Parameter, path_params: Mapping[str, Any], query: QueryArgs) -> list[str]:
    if param.location == "path":
        present = param.name in path_params
        raw_values = [str(path_params[param.name])] if present else []
    else:
        present = param.name in query
        raw_values = query.getlist(param.name) if present else []
    if not present:
        return [f"{param.location} parameter {param.name!r} is required"] if param.required else []
    if param.location == "query" and param.kind != "array" and raw_values[0] == "" and not param.allow_empty:
        return [f"query parameter {param.name!r} has an empty value (allowEmptyValue is false)"]
    try:
        if param.kind == "array":
            value: Any = [param.cast(v, param.item_kind) for v in raw_values]
        else:
            value = param.cast(raw_values[0])
    except ValueError:
        return [f"{param.location} parameter {param.name!r} is not of type {param.kind}"]
    return _schema_problems(f"{param.location} parameter {param.name!r}", param.validator, value)


class _Operations(MutableMapping[str, Operation]):
    """A contract's operations by operationId, each compiled the first time it is looked up: a process
    that serves a few operations (a cold start's first ``GET /``) does not wait for all of them."""

    def __init__(self, specs: dict[str, Callable[[], Operation]]) -> None:
        self._specs = specs
        self._compiled: dict[str, Operation] = {}

    def __getitem__(self, operation_id: str) -> Operation:
        compiled = self._compiled.get(operation_id)
        if compiled is None:
            compiled = self._compiled[operation_id] = self._specs[operation_id]()  # a race compiles it twice: harmless
        return compiled

    def __setitem__(self, operation_id: str, operation: Operation) -> None:
        self._specs.setdefault(operation_id, lambda: operation)
        self._compiled[operation_id] = operation

    def __delitem__(self, operation_id: str) -> None:
        del self._specs[operation_id]
        self._compiled.pop(operation_id, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, operation_id: object) -> bool:
        return operation_id in self._specs


class Contract:
    """An OpenAPI 3.1 document compiled for fast checks, looked up by operationId."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self._prepared: dict[str, Any] = _with_int_ranges(dict(document))
        self._root = {"components": self._prepared.get("components", {})}
        specs: dict[str, Callable[[], Operation]] = {}
        for path, item in self._prepared.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in _HTTP_METHODS:
                spec = item.get(method)
                if spec is not None:
                    specs[spec["operationId"]] = partial(self._compile, path, method, shared, spec)
        self.operations: MutableMapping[str, Operation] = _Operations(specs)

    def _resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            target: Any = self._prepared
            for part in node["$ref"][2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def _validator(self, schema: Mapping[str, Any] | None) -> Any:
        if schema is None:
            return None
        return jsonschema_rs.Draft202012Validator({**schema, **self._root}, validate_formats=True)

    def _compile(self, path: str, method: str, shared: list[Any], spec: Mapping[str, Any]) -> Operation:
        op = Operation(spec["operationId"], method.upper(), path)
        params = {(p["in"], p["name"]): p for p in map(self._resolve, [*shared, *spec.get("parameters", [])])}
        for (location, name), param in params.items():
            if location not in ("path", "query"):
                continue
            schema = self._resolve(param.get("schema", {}))
            kind = schema.get("type", "string")
            item_kind = self._resolve(schema.get("items", {})).get("type", "string") if kind == "array" else None
            op.parameters.append(
                Parameter(
                    name,
                    location,
                    bool(param.get("required")),
                    kind,
                    item_kind,
                    self._validator(param.get("schema", {})),
                    bool(param.get("allowEmptyValue", False)),
                )
            )
        body = self._resolve(spec.get("requestBody"))
        if body is not None:
            op.body_required = bool(body.get("required", False))
            op.body_content = {
                media.lower(): self._validator(content.get("schema"))
                for media, content in body.get("content", {}).items()
            }
        for status, response in spec.get("responses", {}).items():
            response = self._resolve(response)
            content = {
                media.lower(): self._validator(item.get("schema"))
                for media, item in (response.get("content") or {}).items()
            }
            headers = {
                name.lower(): bool(self._resolve(header).get("required", False))
                for name, header in (response.get("headers") or {}).items()
            }
            op.responses[str(status).upper()] = ResponseRule(content, headers)
        return op


def read_document(name: str) -> dict[str, Any]:
    """Load a packaged OpenAPI document (``kafka-connect.yaml`` or ``mockconnect-admin.yaml``)."""
    text = shipped_file("openapi", name).read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return document


@cache
def kafka_contract(version: str | None = None) -> Contract:
    """A release's Kafka Connect contract (default: the default release), compiled once per process."""
    return Contract(read_document(get_release(version).contract))
