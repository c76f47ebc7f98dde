"""The fast contract checks (mockconnect/contract.py) reach openapi-core's verdicts.

openapi-core is the authority on what openapi/kafka-connect.yaml means; the mock checks every request
and response with ``Operation.request_problems``/``response_problems`` instead, because openapi-core
costs milliseconds per call. This module compares the two verdicts (conforms or not, and for responses
whether the status is documented) on thousands of generated requests and responses covering all 27
operations: real answers of the mock and systematic mutations of them, then Hypothesis-generated
variations (derandomized, no example database, so every run checks the same cases).

Inputs are modelled as the app sees them. The fast path gets what ``app._gate``/``app._record`` pass:
path parameters, the query ``MultiDict``, werkzeug's parsed mimetype, the raw body, and for responses
the JSON value, the headers and whether there is a body. openapi-core gets ``MockRequest`` with the raw
``Content-Type`` header (``application/octet-stream`` when absent, as its werkzeug and Flask adapters
do) and path parameters as raw strings, and a werkzeug ``Response`` through ``WerkzeugOpenAPIResponse``
with the body serialized exactly as the mock serializes it.

Where openapi-core is wrong about the document, the case is excused only if openapi-core with that one
bug corrected (``KNOWN_BUGS``) agrees with the fast path; every other disagreement fails the test.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import yaml
from flask import Flask, request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_core import Config, OpenAPI
from openapi_core.contrib.flask import FlaskOpenAPIRequest
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header
from werkzeug.wrappers import Response

from mockconnect.http.app import create_app
from mockconnect.http.reply import dump
from mockconnect.release.contract import Contract

DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "openapi" / "kafka-connect.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))
HOST = "http://localhost:8083"
METHODS = ("get", "put", "post", "delete", "patch")

OPENAPI = OpenAPI.from_file_path(str(DOCUMENT_PATH))
CONTRACT = Contract(DOCUMENT)

# -- The operations, read from the document (not from the fast path's compiled form) --------------


@dataclass(frozen=True)
class Op:
    op_id: str
    method: str
    template: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    has_body: bool
    statuses: tuple[int, ...]


def _deref(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = DOCUMENT
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _operations() -> dict[str, Op]:
    found = {}
    for template, item in DOCUMENT["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            spec = item[method]
            params = [_deref(p) for p in [*item.get("parameters", []), *spec.get("parameters", [])]]
            found[spec["operationId"]] = Op(
                spec["operationId"],
                method,
                template,
                tuple(p["name"] for p in params if p["in"] == "path"),
                tuple(p["name"] for p in params if p["in"] == "query"),
                "requestBody" in spec,
                tuple(sorted(int(status) for status in spec["responses"])),
            )
    return found


OPS = _operations()
BODY_OPS = [op for op in OPS.values() if op.has_body]

# -- openapi-core with one known bug corrected --------------------------------------------------


def _ecma_dollar(node: Any) -> Any:
    """The document with each ``pattern``'s ``$`` spelled ``\\Z``: ECMA-262's ``$`` in Python's re."""
    if isinstance(node, list):
        return [_ecma_dollar(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _ecma_dollar(value) for key, value in node.items()}
    if isinstance(out.get("pattern"), str):
        out["pattern"] = re.sub(r"(?<!\\)\$", r"\\Z", out["pattern"])
    return out


def _int_format(bits: int) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return True
        return -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)

    return check


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_without_constants(value: bytes, **_: str) -> Any:
    return json.loads(value, parse_constant=_refuse_constant)


def _json_without_recursion_error(value: bytes, **_: str) -> Any:
    try:
        return json.loads(value)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def _drop_unparsable_parameters(content_type: str | None) -> str | None:
    if content_type is None:
        return None
    kind, *params = content_type.split(";")
    return ";".join([kind, *(p for p in params if p.count("=") == 1)])


def _json_strict(value: bytes, **_: str) -> Any:
    try:
        return json.loads(value, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def _fixed(document: dict[str, Any] = DOCUMENT, **config: Any) -> OpenAPI:
    return OpenAPI.from_dict(copy.deepcopy(document), config=Config(spec_validator_cls=None, **config))


INT_FORMATS = {"int32": _int_format(32), "int64": _int_format(64)}


@dataclass(frozen=True)
class KnownBug:
    explanation: str
    api: OpenAPI | None = None  # openapi-core with the bug corrected; None: corrected in the input
    content_type: Callable[[str | None], str | None] | None = None


KNOWN_BUGS: dict[str, KnownBug] = {
    # The fast path (jsonschema-rs) follows JSON Schema 2020-12, whose `pattern` is ECMA-262.
    "pattern-dollar": KnownBug(
        "python-jsonschema/jsonschema#607: `pattern` is matched with Python's re, where `$` also matches "
        "just before a final newline ('PAUSED\\n' passes initial_state, 'x-0\\n' passes TasksConfig's "
        "propertyNames); in ECMA-262, which JSON Schema requires, it does not (Kafka rejects 'PAUSED\\n' too)",
        _fixed(_ecma_dollar(DOCUMENT)),
    ),
    "int-format-floats": KnownBug(
        "openapi-schema-validator's int32/int64 format checks return True for every float, so an integral "
        "float such as 3000000000.0 (an integer to JSON Schema) escapes the int32 range",
        _fixed(extra_format_validators=INT_FORMATS),
    ),
    "json-constants": KnownBug(
        "openapi-core deserializes application/json with Python's json.loads, which accepts NaN, Infinity "
        "and -Infinity; RFC 8259 (section 6) does not allow them and Kafka's Jackson refuses them",
        _fixed(extra_media_type_deserializers={"application/json": _json_without_constants}),
    ),
    "json-depth": KnownBug(
        "json.loads raises RecursionError on a body nested deeper than the interpreter's recursion limit; "
        "openapi-core's media type deserializer does not catch it, so validate_request crashes",
        _fixed(extra_media_type_deserializers={"application/json": _json_without_recursion_error}),
    ),
    "content-type-parameters": KnownBug(
        "MediaTypeFinder._parse_parameter unpacks `name, value = parameter.split('=')`, so a Content-Type "
        "parameter without exactly one '=' (even the empty one after a trailing ';', which RFC 9110 allows) "
        "raises ValueError out of validate_request; werkzeug, and so the mock, ignore such a parameter",
        content_type=_drop_unparsable_parameters,
    ),
}
ALL_FIXED = _fixed(
    _ecma_dollar(DOCUMENT),
    extra_format_validators=INT_FORMATS,
    extra_media_type_deserializers={"application/json": _json_strict},
)


def _same(value: str | None) -> str | None:
    return value


def corrections() -> Iterator[tuple[str, OpenAPI, Callable[[str | None], str | None]]]:
    """openapi-core with one known bug corrected, then with two, then with all of them."""
    api_fixes = [(name, bug.api) for name, bug in KNOWN_BUGS.items() if bug.api is not None]
    input_fixes = [(name, bug.content_type) for name, bug in KNOWN_BUGS.items() if bug.content_type is not None]
    for name, api in api_fixes:
        yield name, api, _same
    for name, transform in input_fixes:
        yield name, OPENAPI, transform
        for other, api in api_fixes:
            yield f"{name}+{other}", api, transform
    for name, transform in input_fixes:
        yield f"{name}+all", ALL_FIXED, transform
    yield "all", ALL_FIXED, _same


# -- Comparing verdicts ---------------------------------------------------------------------------

Verdict = Any  # bool for requests, (conforms, status documented) for responses, or a crash text
Oracle = Callable[[OpenAPI, Callable[[str | None], str | None]], Verdict]


@dataclass
class Tally:
    """What one comparison run found."""

    compared: int = 0
    operations: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    excused: Counter[str] = field(default_factory=Counter)
    excused_examples: dict[str, str] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)

    def judge(self, op_id: str, label: str, fast: Verdict, oracle: Oracle) -> None:
        self.compared += 1
        self.operations[op_id] += 1
        authority = oracle(OPENAPI, _same)
        self.verdicts[repr(authority)[:40]] += 1
        if authority == fast:
            return
        for name, api, content_type in corrections():
            if oracle(api, content_type) == fast:
                self.excused[name] += 1
                self.excused_examples.setdefault(name, label)
                return
        self.disagreements.append(f"{op_id}: {label}\n    fast path: {fast!r}\n    openapi-core: {authority!r}")

    def check(self, minimum: int, operations: int = len(OPS)) -> None:
        assert not self.disagreements, f"{len(self.disagreements)} disagreements:\n" + "\n".join(
            self.disagreements[:25]
        )
        assert self.compared >= minimum, self.compared
        assert len(self.operations) >= operations, sorted(set(OPS) - set(self.operations))
        assert len(self.verdicts) > 1, self.verdicts  # both verdicts occur: the generator is not one-sided


# -- Requests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Req:
    op: str
    path: tuple[tuple[str, str], ...]
    query: tuple[tuple[str, str], ...] = ()
    content_type: str | None = None
    body: bytes = b""

    def label(self) -> str:
        where = f"path={dict(self.path)} query={list(self.query)}"
        return f"{where} content_type={self.content_type!r} body={self.body[:120]!r}"


def fast_request(case: Req) -> bool:
    """The fast path, given what app._gate passes (werkzeug's ``request.mimetype or None``)."""
    mimetype = parse_options_header(case.content_type or "")[0].lower() or None
    operation = CONTRACT.operations[case.op]
    return not operation.request_problems(dict(case.path), MultiDict(case.query), mimetype, case.body)


def request_oracle(case: Req) -> Oracle:
    op = OPS[case.op]

    def run(api: OpenAPI, content_type: Callable[[str | None], str | None]) -> Verdict:
        mock = MockRequest(
            HOST,
            op.method,
            op.template,
            path_pattern=op.template,
            view_args=dict(case.path) or None,
            args=MultiDict(case.query),
            data=case.body,
            content_type=content_type(case.content_type) or "application/octet-stream",
        )
        try:
            api.validate_request(mock)
        except OpenAPIError:
            return False
        except Exception as exc:  # an openapi-core crash is a verdict too, never an agreement
            return f"crashed: {exc.__class__.__name__}: {exc}"
        return True

    return run


def compare_request(tally: Tally, case: Req) -> None:
    tally.judge(case.op, case.label(), fast_request(case), request_oracle(case))


NAMES = ["file-src", "a b", "ünïcödé", "x" * 300, "", "null", "0", "a%2Fb", "é\u0301", "\U0001f600"]
TASK_IDS = [
    "0", "1", "-1", "+1", "01", " 1", "1 ", "1_0", "1__0", "2147483647", "2147483648", "-2147483648",
    "-2147483649", "99999999999999999999", "9" * 5000, "abc", "", "1.0", "0x10", "1e3", "\u0661", "\uff19",
    "\u00b2", "-", "+", "1\n", "\t7\x1c",
]  # fmt: skip
PLUGINS = ["FileStreamSource", "org.apache.kafka.connect.file.FileStreamSinkConnector", "Nope", ""]
LOGGERS = ["root", "ROOT", "org.apache.kafka.connect", "", "no such logger"]
PATH_VALUES = {"connector": NAMES, "task": TASK_IDS, "plugin": PLUGINS, "logger": LOGGERS}
FLAG_VALUES = ["true", "false", "TRUE", "tRuE", "yes", "1", "", " ", "true\n", "\x00"]
QUERY_VALUES = {
    "expand": ["status", "info", "", "foo", "status,info", "STATUS"],
    "includeTasks": FLAG_VALUES,
    "onlyFailed": FLAG_VALUES,
    "connectorsOnly": FLAG_VALUES,
    "scope": ["worker", "cluster", "CLUSTER", "", "elsewhere"],
}
CONTENT_TYPES: list[str | None] = [
    None, "", "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
    'application/json; charset="utf-8"', "Application/JSON", "APPLICATION/JSON ; Charset=UTF-8",
    "application/json; a=1; b=2", "application/json;", "application/json; charset", "application/json; a=b=c",
    "application/json;;", "text/plain", "text/json", "application/x-www-form-urlencoded",
    "application/vnd.api+json", "application/problem+json", "application/*", "*/*", "application",
    "application/json, text/plain", "multipart/form-data; boundary=x", "application/octet-stream",
]  # fmt: skip
FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
CONFIG = {"connector.class": FILE_SOURCE, "topic": "lines", "file": "/tmp/in.txt", "tasks.max": "1"}
OFFSETS = {"offsets": [{"partition": {"filename": "/tmp/in.txt"}, "offset": {"position": 42}}]}
JSON_BODIES: dict[str, list[Any]] = {
    "createConnector": [
        {"name": "x", "config": CONFIG},
        {"name": "x", "config": CONFIG, "initial_state": "PAUSED"},
        {"name": "x", "config": CONFIG, "initial_state": "stopped"},
        {"name": "x", "config": CONFIG, "initial_state": "RuNnInG"},
        {"name": "x", "config": CONFIG, "initial_state": None},
        {"name": "x", "config": CONFIG, "initial_state": "FOO"},
        {"name": "x", "config": CONFIG, "initial_state": "PAUSED\n"},
        {"name": "x", "config": CONFIG, "initial_state": " PAUSED"},
        {"name": "x", "config": CONFIG, "initial_state": 1},
        {"name": None, "config": None},
        {},
        {"name": "x"},
        {"config": {"a": 1, "b": True, "c": None, "d": 1.5, "e": -0.0, "f": 10**30}},
        {"name": "x", "config": {"nested": {"a": "b"}}},
        {"name": "x", "config": {"list": ["a"]}},
        {"name": "x", "config": []},
        {"name": "x", "config": "a=b"},
        {"name": 1, "config": CONFIG},
        {"name": ["x"], "config": CONFIG},
        {"name": "x", "config": CONFIG, "tasks": []},
        {"name": "x", "config": CONFIG, "Name": "x"},
        {"name": "\ud800", "config": {"\udc00": "\ud83d", "a\ud800": "x"}},
        [{"name": "x"}],
        "x",
        1,
        None,
        True,
    ],
    "putConnectorConfig": [
        CONFIG,
        {},
        {"a": 1, "b": 2.5, "c": False, "d": None, "e": "", "f": -(10**40)},
        {"name": "x", "config": CONFIG},
        {"a": {"b": "c"}},
        {"a": ["b"]},
        {"a": []},
        {"\ud800": "x"},
        {"a": "\udfff"},
        [CONFIG],
        [],
        "a=b",
        0,
        None,
    ],
    "alterConnectorOffsets": [
        OFFSETS,
        {"offsets": []},
        {"offsets": None},
        {},
        {"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": None}]},
        {"offsets": [{"partition": None}]},
        {"offsets": [{}]},
        {"offsets": [{"partition": [], "offset": {}}]},
        {"offsets": [{"partition": {}, "offset": 5}]},
        {"offsets": [{"partition": {}, "offset": {}, "extra": 1}]},
        {"offsets": {}},
        {"offsets": [123]},
        {"offsets": [None]},
        {"offset": []},
        {"offsets": [], "key": 1},
        [OFFSETS],
        None,
    ],
    "validateConnectorConfig": [CONFIG, {}, {"a": 1.25}, {"a": {"b": 1}}, [], None, "x"],
    "setLevel": [
        {"level": "DEBUG"},
        {"level": "debug", "other": 1},
        {"level": 1},
        {"level": None},
        {"level": True},
        {},
        {"level": {"x": "y"}},
        {"level": ["DEBUG"]},
        {"\ud800": "DEBUG"},
        ["DEBUG"],
        "DEBUG",
        None,
    ],
}
RAW_BODIES = [
    b"",
    b" ",
    b"\n\t ",
    b"{",
    b"{}}",
    b"{} x",
    b"nul",
    b"'x'",
    b'{"a": NaN}',
    b'{"a": Infinity}',
    b"-Infinity",
    b"NaN",
    b'{"a": 1, "a": {"b": 1}}',
    b'{"a": "\\ud800"}',
    b'{"\\udfff": "x"}',
    b"\xef\xbb\xbf{}",
    "{}".encode("utf-16"),
    '{"level":"INFO"}'.encode("utf-32-le"),
    b'{"a": "\xff"}',
    b"\xff\xfe\xfd",
    b'{"a": "\xed\xa0\x80"}',
    b"[" * 3000 + b"]" * 3000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b'{"a": ' + b"9" * 5000 + b"}",
    b'{"a": 1e400}',
    b"0",
    b"\x00",
]


def base_path(op: Op) -> tuple[tuple[str, str], ...]:
    return tuple((name, PATH_VALUES[name][0]) for name in op.path_params)


# Content types every body is sent with; the others are sent with a few bodies only.
MAIN_CONTENT_TYPES = [None, "application/json", "application/json; charset=utf-8", "text/plain", "application/json;"]


def systematic_requests() -> Iterator[Req]:
    """Each dimension varied around a valid request, and bodies against content types."""
    for op in OPS.values():
        path = base_path(op)
        for name in op.path_params:
            for value in PATH_VALUES[name]:
                for content_type in (None, "text/plain"):
                    yield Req(op.op_id, tuple((n, value if n == name else v) for n, v in path), (), content_type)
        for name in op.query_params:
            for value in QUERY_VALUES[name]:
                yield Req(op.op_id, path, ((name, value),))
                yield Req(op.op_id, path, ((name, value), (name, "x")))
                yield Req(op.op_id, path, ((name, "true"), (name, value)))
        yield Req(op.op_id, path, (("unknown", ""), ("expand", "status")))
        bodies = [dump(value) for value in JSON_BODIES.get(op.op_id, [])]
        few = [*bodies[:2], *bodies[-2:], b"", b"{", b'{"a": "b"}', b"[]"]
        if op.has_body:
            for content_type in MAIN_CONTENT_TYPES:
                for body in bodies + RAW_BODIES:
                    yield Req(op.op_id, path, (), content_type, body)
        for content_type in CONTENT_TYPES:
            if content_type not in MAIN_CONTENT_TYPES or not op.has_body:
                for body in few:
                    yield Req(op.op_id, path, (), content_type, body)


def _bugs(excused: Counter[str]) -> set[str]:
    return {name for combination in excused for name in combination.split("+")}


def test_systematic_requests_agree() -> None:
    tally = Tally()
    for case in systematic_requests():
        compare_request(tally, case)
    tally.check(minimum=4000)
    assert _bugs(tally.excused) <= {"pattern-dollar", "json-constants", "json-depth", "content-type-parameters", "all"}


# -- Hypothesis: requests ---------------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["RUNNING", "paused", "STOPPED\n", "DEBUG", "", "a-0", "x-01"])
)
KEYS = st.sampled_from(
    ["name", "config", "initial_state", "offsets", "partition", "offset", "level", "connector.class", "tasks.max"]
) | st.text(max_size=6)


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4)


def _json_text(value: Any) -> bytes:
    return json.dumps(value).encode()


def _with_parameters(kind: str, parameters: list[str]) -> str:
    return ";".join([kind, *parameters])


JSON_VALUES = st.recursive(SCALARS, _containers, max_leaves=12)
CONTENT_TYPE_VALUES = st.sampled_from(CONTENT_TYPES) | st.builds(
    _with_parameters,
    st.sampled_from(["application/json", "APPLICATION/Json", "text/plain", "application/x-json"]),
    st.lists(st.sampled_from(["charset=utf-8", "charset", "a=b=c", "", " q=1", 'x="y;z"', "boundary=b"]), max_size=2),
)
QUERY_VALUE = st.sampled_from([v for vs in QUERY_VALUES.values() for v in vs]) | st.text(max_size=6)
SOME_BODIES = st.sampled_from([body for body in RAW_BODIES if len(body) < 1000])


def _request_strategy(op: Op) -> st.SearchStrategy[Req]:
    path = st.tuples(
        *(
            st.tuples(st.just(name), st.sampled_from(PATH_VALUES[name]) | st.text(max_size=12) | st.integers().map(str))
            for name in op.path_params
        )
    )
    query = st.lists(st.tuples(st.sampled_from([*op.query_params, "expand", "other"]), QUERY_VALUE), max_size=4)
    bodies = SOME_BODIES | JSON_VALUES.map(_json_text)
    if op.op_id in JSON_BODIES:
        bodies = bodies | st.sampled_from([dump(value) for value in JSON_BODIES[op.op_id]])
    return st.builds(Req, st.just(op.op_id), path, query.map(tuple), CONTENT_TYPE_VALUES, bodies)


REQUESTS = st.one_of([_request_strategy(OPS[op_id]) for op_id in sorted(OPS)])


HYPOTHESIS_REQUESTS = Tally()


@settings(
    max_examples=1500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=REQUESTS)
def test_generated_requests_agree(case: Req) -> None:
    compare_request(HYPOTHESIS_REQUESTS, case)
    assert not HYPOTHESIS_REQUESTS.disagreements, HYPOTHESIS_REQUESTS.disagreements[-1]


def test_generated_requests_were_many() -> None:
    HYPOTHESIS_REQUESTS.check(minimum=1500)


# -- Real answers of the mock -----------------------------------------------------------------------


class _Absent:
    def __repr__(self) -> str:
        return "<no body>"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Answer:
    op: str
    path: tuple[tuple[str, str], ...]
    status: int
    body: Any
    content_type: str | None
    headers: tuple[tuple[str, str], ...] = ()

    def label(self) -> str:
        body = "<no body>" if self.body is ABSENT else json.dumps(self.body)[:160]
        return f"{self.status} content_type={self.content_type!r} headers={list(self.headers)} body={body}"


@dataclass
class Session:
    """Drives the mock like a client would, keeping each request and the mock's answer."""

    app: Flask
    requests: list[Req] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)

    def call(
        self,
        op_id: str,
        body: Any = ABSENT,
        *,
        query: Sequence[tuple[str, str]] = (),
        content_type: str | None = "application/json",
        accept: str | None = None,
        **path: str,
    ) -> Any:
        op = OPS[op_id]
        url = op.template.format(**{name: quote(value, safe="") for name, value in path.items()})
        raw = body if isinstance(body, bytes) else b"" if body is ABSENT else dump(body)
        headers = {"Accept": accept} if accept else {}
        if raw and content_type is not None:
            headers["Content-Type"] = content_type
        client = self.app.test_client()
        response = client.open(
            url + ("?" + urlencode(query) if query else ""), method=op.method, data=raw, headers=headers
        )
        params = tuple((name, path[name]) for name in op.path_params)
        self.requests.append(Req(op_id, params, tuple(query), headers.get("Content-Type"), raw))
        kept = tuple((k, v) for k, v in response.headers.items() if k not in ("Content-Type", "Content-Length"))
        data = json.loads(response.data) if response.data else ABSENT
        self.answers.append(
            Answer(op_id, params, response.status_code, data, response.headers.get("Content-Type"), kept)
        )
        return data


def drive(session: Session) -> None:
    """A realistic life of a worker: every operation, its successes and its usual errors."""
    call = session.call
    sink = {"connector.class": "FileStreamSink", "topics": "lines", "file": "/tmp/out.txt"}
    call("getWorkerInfo")
    call("listConnectors")
    call("listConnectors", query=[("expand", "status")])
    call("createConnector", {"name": "src", "config": {**CONFIG, "tasks.max": "2"}})
    call("createConnector", {"name": "sink", "config": sink})
    call("createConnector", {"name": "held", "config": CONFIG, "initial_state": "PAUSED"})
    call("createConnector", {"name": "off", "config": CONFIG, "initial_state": "STOPPED"})
    call("createConnector", {"name": "ünï côdé", "config": CONFIG})
    call("createConnector", {"name": "src", "config": CONFIG})
    call("createConnector", {"name": "bad", "config": {"topic": "x"}})
    call("createConnector", {"name": "bad", "config": {"connector.class": FILE_SOURCE}})
    call("createConnector", {"name": "bad", "config": {"connector.class": "com.example.Nope"}})
    call("createConnector", {"name": "bad", "config": CONFIG, "initial_state": "FOO"})
    call("createConnector", b"{")
    call("createConnector", b"")
    call("createConnector", {"name": "x", "config": CONFIG}, content_type="text/plain")
    call("createConnector", {"name": "x", "config": CONFIG}, accept="text/html")
    for expand in ([], [("expand", "status")], [("expand", "info")], [("expand", "status"), ("expand", "info")]):
        call("listConnectors", query=expand)
    call("listConnectors", query=[("expand", "foo")])
    call("listConnectors", query=[("expand", "")])
    for name in ("src", "sink", "held", "off", "ünï côdé", "missing"):
        call("getConnector", connector=name)
        call("getConnectorConfig", connector=name)
        call("getConnectorStatus", connector=name)
        call("listConnectorTasks", connector=name)
        call("getTasksConfig", connector=name)
        call("getConnectorActiveTopics", connector=name)
        call("getConnectorOffsets", connector=name)
    call("putConnectorConfig", {**CONFIG, "tasks.max": 3}, connector="src")
    call("putConnectorConfig", {**CONFIG, "batch.size": 10}, connector="fresh")
    call("putConnectorConfig", {**CONFIG, "name": "other"}, connector="src")
    call("putConnectorConfig", {"nested": {"a": 1}}, connector="src")
    call("putConnectorConfig", b"", connector="src")
    for task in ("0", "1", "7"):
        call("getTaskStatus", connector="src", task=task)
        call("restartTask", connector="src", task=task)
    call("getTaskStatus", connector="missing", task="0")
    for flags in (
        [],
        [("includeTasks", "true")],
        [("onlyFailed", "true")],
        [("includeTasks", "true"), ("onlyFailed", "TRUE")],
    ):
        call("restartConnector", query=flags, connector="src")
    call("restartConnector", query=[("includeTasks", "true")], connector="missing")
    for op_id in ("pauseConnector", "resumeConnector", "stopConnector", "resetConnectorActiveTopics"):
        call(op_id, connector="src")
        call(op_id, connector="missing")
    call("resumeConnector", connector="src")
    call("getConnectorStatus", connector="src")
    call("stopConnector", connector="off")
    call("alterConnectorOffsets", OFFSETS, connector="off")
    call("alterConnectorOffsets", OFFSETS, connector="src")
    call("alterConnectorOffsets", {"offsets": []}, connector="off")
    call("alterConnectorOffsets", {"offsets": {}}, connector="off")
    call("alterConnectorOffsets", OFFSETS, connector="missing")
    call("getConnectorOffsets", connector="off")
    call("resetConnectorOffsets", connector="off")
    call("resetConnectorOffsets", connector="src")
    call("resetConnectorOffsets", connector="missing")
    call("stopConnector", connector="sink")
    call(
        "alterConnectorOffsets",
        {"offsets": [{"partition": {"kafka_topic": "lines", "kafka_partition": 0}, "offset": {"kafka_offset": 5}}]},
        connector="sink",
    )
    call("alterConnectorOffsets", {"offsets": [{"partition": {"x": 1}, "offset": None}]}, connector="sink")
    call("getConnectorOffsets", connector="sink")
    call("listConnectorPlugins")
    for only in ("true", "false", "abc", ""):
        call("listConnectorPlugins", query=[("connectorsOnly", only)])
    for plugin in ("FileStreamSource", FILE_SOURCE, "RegexRouter", "JsonConverter", "Nope", "java.lang.String"):
        call("getConnectorConfigDef", plugin=plugin)
    call("validateConnectorConfig", CONFIG, plugin="FileStreamSource")
    call("validateConnectorConfig", {"connector.class": FILE_SOURCE}, plugin="FileStreamSource")
    call("validateConnectorConfig", {**CONFIG, "tasks.max": "x", "errors.tolerance": "some"}, plugin="Source")
    call("validateConnectorConfig", CONFIG, plugin="FileStreamSink")
    call("validateConnectorConfig", {"topic": "x"}, plugin="FileStreamSource")
    call("listLoggers")
    for logger in ("root", "ROOT", "org.reflections", "org.example.nothing"):
        call("getLogger", logger=logger)
    call("setLevel", {"level": "DEBUG"}, logger="org.apache.kafka.connect")
    call("setLevel", {"level": "warn"}, query=[("scope", "cluster")], logger="org.apache.kafka.connect")
    call("setLevel", {"level": "LOUD"}, logger="root")
    call("setLevel", {}, logger="root")
    call("setLevel", {"level": "INFO"}, logger="root")
    call("getLogger", logger="org.apache.kafka.connect")
    call("listLoggers")
    for name in ("src", "sink", "held", "missing"):
        call("deleteConnector", connector=name)
    call("getConnectorStatus", connector="src")


@pytest.fixture(scope="module")
def session() -> Session:
    session = Session(create_app())
    drive(session)
    assert {answer.op for answer in session.answers} == set(OPS)
    return session


def test_real_requests_agree(session: Session) -> None:
    tally = Tally()
    for case in session.requests:
        compare_request(tally, case)
    tally.check(minimum=len(session.requests))


def test_real_requests_agree_as_flask_routes_them(session: Session) -> None:
    """The same requests through Flask routing: view_args as app._gate sees them (``task`` an int)."""
    app = session.app
    tally = Tally()
    for case in session.requests:
        op = OPS[case.op]
        url = op.template.format(**{name: quote(value, safe="") for name, value in case.path})
        headers = {"Content-Type": case.content_type} if case.content_type is not None else {}
        with app.test_request_context(
            url,
            base_url=HOST,
            method=op.method.upper(),
            query_string=MultiDict(case.query),
            headers=headers,
            data=case.body,
        ):
            assert request.endpoint == case.op
            operation = CONTRACT.operations[case.op]
            problems = operation.request_problems(
                request.view_args or {}, request.args, request.mimetype or None, request.get_data(cache=True)
            )
            flask_request = FlaskOpenAPIRequest(request)

            def run(api: OpenAPI, _: Callable[[str | None], str | None], flask_request: Any = flask_request) -> Verdict:
                try:
                    api.validate_request(flask_request)
                except OpenAPIError:
                    return False
                return True

            tally.judge(case.op, case.label(), not problems, run)
    tally.check(minimum=len(session.requests))


# -- Responses --------------------------------------------------------------------------------------


def werkzeug_response(answer: Answer) -> Response:
    response = Response(b"" if answer.body is ABSENT else dump(answer.body), answer.status)
    del response.headers["Content-Type"]
    if answer.content_type is not None:
        response.headers["Content-Type"] = answer.content_type
    for name, value in answer.headers:
        response.headers.add(name, value)
    return response


def fast_response(answer: Answer) -> Verdict:
    """The fast path, given what app._record passes."""
    response = werkzeug_response(answer)
    has_body = answer.body is not ABSENT
    problems = CONTRACT.operations[answer.op].response_problems(
        answer.status, response.mimetype or None, answer.body if has_body else None, response.headers, has_body
    )
    documented = not any(problem.startswith(f"status {answer.status} is not documented") for problem in problems)
    return (not problems, documented)


def response_oracle(answer: Answer) -> Oracle:
    op = OPS[answer.op]

    def run(api: OpenAPI, _: Callable[[str | None], str | None]) -> Verdict:
        mock = MockRequest(HOST, op.method, op.template, path_pattern=op.template, view_args=dict(answer.path) or None)
        try:
            api.validate_response(mock, WerkzeugOpenAPIResponse(werkzeug_response(answer)))
        except ResponseNotFound:
            return (False, False)
        except OpenAPIError:
            return (False, True)
        except Exception as exc:
            return f"crashed: {exc.__class__.__name__}: {exc}"
        return (True, True)

    return run


def compare_response(tally: Tally, answer: Answer) -> None:
    tally.judge(answer.op, answer.label(), fast_response(answer), response_oracle(answer))


def test_real_answers_agree(session: Session) -> None:
    tally = Tally()
    for answer in session.answers:
        compare_response(tally, answer)
    assert not tally.disagreements, tally.disagreements
    assert tally.compared == len(session.answers)


# -- Mutating answers -------------------------------------------------------------------------------

Pick = Callable[[Sequence[Any]], Any]
UNDOCUMENTED = [100, 200, 201, 202, 204, 299, 301, 304, 400, 401, 403, 404, 405, 409, 413, 418, 422, 429, 500, 503]
CONTENT_TYPES_OUT: list[str | None] = [
    None, "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain",
    "text/html; charset=utf-8", "application/problem+json", "application/octet-stream",
]  # fmt: skip
WRONG_VALUES: list[Any] = [
    None, "", "x", "running", "BOGUS", "RUNNING", "sink", "INFO", 0, -1, 1.5, 2.0, True, False,
    2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 3e9, 1e20, [], ["x"], [1], {}, {"x": "y"}, "a\n", "x-0\n", "x-01",
]  # fmt: skip
NEW_KEYS = ["extra", "trace", "info", "status", "x-0", "x-01", "x-0\n", "", "name", "error_code", "\ud800"]


def tree_paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from tree_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from tree_paths(item, (*prefix, index))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def mutate_tree(body: Any, path: tuple[Any, ...], how: str, pick: Pick) -> Any:
    """A copy of ``body`` changed at ``path``: replaced, removed, or given an extra key or item."""
    body = copy.deepcopy(body)
    if how == "replace":
        new = pick(WRONG_VALUES)
        if not path:
            return new
        _at(body, path[:-1])[path[-1]] = new
    elif how == "remove" and path:
        parent = _at(body, path[:-1])
        del parent[path[-1]]
    elif how == "add":
        node = _at(body, path)
        if isinstance(node, dict):
            node[pick(NEW_KEYS)] = pick(WRONG_VALUES)
        elif isinstance(node, list):
            node.append(copy.deepcopy(node[0]) if node and pick([True, False]) else pick(WRONG_VALUES))
    elif how == "rename" and path and isinstance(path[-1], str):
        parent = _at(body, path[:-1])
        parent[path[-1].upper() + "_"] = parent.pop(path[-1])
    return body


MUTATIONS = ("status", "content_type", "body", "location", "tree")


def mutate(answer: Answer, kind: str, pick: Pick) -> Answer:
    if kind == "status":
        return replace(answer, status=pick([*OPS[answer.op].statuses, *UNDOCUMENTED]))
    if kind == "content_type":
        return replace(answer, content_type=pick(CONTENT_TYPES_OUT))
    if kind == "body":
        return replace(answer, body=pick([ABSENT, None, {}, [], "x", 0, True, {"error_code": 500, "message": None}]))
    if kind == "location":
        others = tuple(h for h in answer.headers if h[0].lower() != "location")
        value = pick([None, "", "http://localhost:8083/connectors/x", "not a uri"])
        return replace(answer, headers=others if value is None else (*others, ("Location", value)))
    if answer.body is ABSENT:
        return replace(answer, body=pick(WRONG_VALUES))
    path = pick(list(tree_paths(answer.body)))
    return replace(answer, body=mutate_tree(answer.body, path, pick(["replace", "remove", "add", "rename"]), pick))


def systematic_answers(answers: list[Answer]) -> Iterator[Answer]:
    """Every answer as sent, under other statuses and content types, and mutated at sampled places."""
    rng = random.Random(20240226)
    for answer in answers:
        yield answer
        documented = OPS[answer.op].statuses
        for status in [*documented[:4], *rng.sample(UNDOCUMENTED, 3)]:
            yield replace(answer, status=status)
        for content_type in rng.sample(CONTENT_TYPES_OUT, 3):
            yield replace(answer, content_type=content_type)
        for kind in ("body", "body", "location", "location"):
            yield mutate(answer, kind, rng.choice)
        if answer.body is ABSENT:
            continue
        paths = list(tree_paths(answer.body))
        for path in rng.sample(paths, min(len(paths), 6)):
            for how in rng.sample(["replace", "replace", "remove", "add", "rename"], 3):
                yield replace(answer, body=mutate_tree(answer.body, path, how, rng.choice))


def test_systematic_answers_agree(session: Session) -> None:
    tally = Tally()
    for answer in systematic_answers(session.answers):
        compare_response(tally, answer)
    tally.check(minimum=3500)
    assert _bugs(tally.excused) <= {"pattern-dollar", "int-format-floats", "all"}, tally.excused


HYPOTHESIS_ANSWERS = Tally()
MUTATION_KINDS = st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)


@settings(
    max_examples=1500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_generated_answers_agree(session: Session, data: st.DataObject) -> None:
    def pick(options: Sequence[Any]) -> Any:
        return options[data.draw(st.integers(min_value=0, max_value=len(options) - 1))]

    answer = pick(session.answers)
    for kind in data.draw(MUTATION_KINDS):
        answer = mutate(answer, kind, pick)
    compare_response(HYPOTHESIS_ANSWERS, answer)
    assert not HYPOTHESIS_ANSWERS.disagreements, HYPOTHESIS_ANSWERS.disagreements[-1]


def test_generated_answers_were_many() -> None:
    HYPOTHESIS_ANSWERS.check(minimum=1500)
