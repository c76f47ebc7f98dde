"""The OpenAPI contract compiled once into fast per-operation request and response checks.

openapi-core is the authority on what the documents mean; this module reaches the same verdicts
(a test compares them on a large generated set) at a small fraction of the cost, by resolving the
operation from the Flask endpoint name and compiling every schema once with jsonschema-rs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import jsonschema_rs
import yaml

from .models import Json
from .resources import shipped_file

_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_INT_TEXT = re.compile(r"\s*[+-]?\d+(_\d+)*\s*")


def _int32(value: Any) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


def _int64(value: Any) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


_FORMATS: dict[str, Callable[[Any], bool]] = {"int32": _int32, "int64": _int64}


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
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(f"request body is not valid JSON: {exc.__class__.__name__}")
            return problems
        if validator is not None:
            problems.extend(_schema_problems("request body", validator, data))
        return problems

    def response_problems(
        self, status: int, mimetype: str | None, data: Json, headers: HeaderNames, has_body: bool
    ) -> list[str]:
        """What about this response breaks the contract (empty when it conforms)."""
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
            problems.extend(_schema_problems("response body", validator, data))
        return problems


_MISSING = object()


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
    if validator.is_valid(data):
        return []
    return [f"{what}: {error.message}" for error in validator.iter_errors(data)][:5]


def _param_problems(param: Parameter, path_params: Mapping[str, Any], query: QueryArgs) -> list[str]:
    if param.location == "path":
        present = param.name in path_params
        raw_values = [str(path_params[param.name])] if present else []
    else:
        present = param.name in query
        raw_values = query.getlist(param.name) if present else []
    if not present:
        return [f"{param.location} parameter {param.name!r} is required"] if param.required else []
    try:
        if param.kind == "array":
            value: Any = [param.cast(v, param.item_kind) for v in raw_values]
        else:
            value = param.cast(raw_values[0])
    except ValueError:
        return [f"{param.location} parameter {param.name!r} is not of type {param.kind}"]
    return _schema_problems(f"{param.location} parameter {param.name!r}", param.validator, value)


class Contract:
    """An OpenAPI 3.1 document compiled for fast checks, looked up by operationId."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self._root = {"components": document.get("components", {})}
        self.operations: dict[str, Operation] = {}
        for path, item in document.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in _HTTP_METHODS:
                spec = item.get(method)
                if spec is not None:
                    self.operations[spec["operationId"]] = self._compile(path, method, shared, spec)

    def _resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            target: Any = self.document
            for part in node["$ref"][2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def _validator(self, schema: Mapping[str, Any] | None) -> Any:
        if schema is None:
            return None
        return jsonschema_rs.Draft202012Validator({**schema, **self._root}, validate_formats=True, formats=_FORMATS)

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
def kafka_contract() -> Contract:
    """The Kafka Connect contract, compiled once per process."""
    return Contract(read_document("kafka-connect.yaml"))
