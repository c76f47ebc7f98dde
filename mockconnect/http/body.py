"""Bind request bodies the way Kafka's Jackson provider does, token by token, with its error texts
(all 500s): a mapping error met before a syntax error wins, as it does in Jackson."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from mockconnect.http.jackson import JACKSON_2_16, Dialect, JsonProblem, Lexer
from mockconnect.worker.errors import ConnectError
from mockconnect.worker.models import Json

_STRING = "java.lang.String"
_MAP = "java.util.LinkedHashMap"
_ENTITIES = "org.apache.kafka.connect.runtime.rest.entities"
CREATE_REQUEST = f"{_ENTITIES}.CreateConnectorRequest"
OFFSETS = f"{_ENTITIES}.ConnectorOffsets"
OFFSET = f"{_ENTITIES}.ConnectorOffset"
_STRING_MAP = f"{_MAP}<{_STRING},{_STRING}>"
_CONTAINER_KIND = {"START_OBJECT": "Object", "START_ARRAY": "Array"}
_SCALAR_KIND = {
    "VALUE_TRUE": "Boolean",
    "VALUE_FALSE": "Boolean",
    "VALUE_NUMBER_INT": "Integer",
    "VALUE_NUMBER_FLOAT": "Floating-point",
    "VALUE_STRING": "String",
}


@dataclass(frozen=True, slots=True)
class CreateShape:
    """How a release's CreateConnectorRequest binds: its creator properties, setters and known-field text."""

    creator: tuple[str, ...]
    settable: tuple[str, ...]
    known: str


CREATE_SHAPES = {
    "initial_state_alias": CreateShape(
        ("name", "config", "initial_state"),
        ("initialState",),
        '4 known properties: "config", "name", "initialState", "initial_state"',
    ),
    "initial_state": CreateShape(
        ("name", "config", "initial_state"), (), '3 known properties: "config", "name", "initial_state"'
    ),
    "": CreateShape(("name", "config"), (), '2 known properties: "config", "name"'),
}
"""By release feature: 3.7.0 also took ``initialState``; 3.7.1 on only ``initial_state``; 3.6 neither."""
T = TypeVar("T")


class JsonNumber:
    """Mixin keeping the number's original text, which Jackson uses when coercing to String."""

    text: str


class JsonInt(int, JsonNumber):
    pass


class JsonFloat(float, JsonNumber):
    pass


def _int(text: str) -> JsonInt:
    value = JsonInt(text)
    value.text = text
    return value


def _float(text: str) -> JsonFloat:
    value = JsonFloat(text)
    value.text = text
    return value


def _reject_constant(name: str) -> Json:
    raise ValueError(f"Non-standard token '{name}'")


def parse(raw: bytes) -> Json:
    """The body as plain JSON, for the journal; ConnectError when it is not JSON."""
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ConnectError("not JSON") from None


def _java_double(value: float) -> str:
    """Double.toString: plain decimals from 10^-3 to 10^7, else computerized scientific notation."""
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    sign, digits, _ = Decimal(repr(value)).as_tuple()
    text = "".join(str(d) for d in digits)
    mantissa = text[0] + "." + (text[1:].rstrip("0") or "0")
    return f"{'-' if sign else ''}{mantissa}E{Decimal(repr(value)).adjusted()}"


class _Retry(Exception):
    """Raised by the fast path when an answer needs locations: the body is read again, exactly."""


def _unique(pairs: list[tuple[str, Json]]) -> dict[str, Json]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a repeated key: Jackson binds each occurrence")
    return found


_FAST = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_reject_constant, object_pairs_hook=_unique)


class _Replay:
    """The fast path: a body Python's strict decoder accepted (so Jackson's tokenizer accepts it too)
    replayed as Jackson's tokens, without locations; whatever needs one is retried exactly."""

    def __init__(self, value: Json) -> None:
        self._tokens = self._walk(value)
        self.name = self.number = self._text = ""

    def _walk(self, value: Json) -> Iterator[str]:
        if isinstance(value, dict):
            yield "START_OBJECT"
            for key, item in value.items():
                self.name = key
                yield "FIELD_NAME"
                yield from self._walk(item)
            yield "END_OBJECT"
        elif isinstance(value, list):
            yield "START_ARRAY"
            for item in value:
                yield from self._walk(item)
            yield "END_ARRAY"
        elif isinstance(value, str):
            self._text = value
            yield "VALUE_STRING"
        elif isinstance(value, JsonNumber):
            self.number = value.text
            yield "VALUE_NUMBER_FLOAT" if isinstance(value, float) else "VALUE_NUMBER_INT"
        else:
            yield {True: "VALUE_TRUE", False: "VALUE_FALSE", None: "VALUE_NULL"}[value]

    def next_token(self) -> str | None:
        return next(self._tokens, None)

    def text(self) -> str:
        return self._text

    def location(self) -> str:
        raise _Retry

    token_location = location


class Body:
    """A request body and the Jackson parser reading it."""

    def __init__(self, raw: bytes, *, exact: bool = False, dialect: Dialect = JACKSON_2_16) -> None:
        self.raw = raw
        self.dialect = dialect
        self.lexer: Lexer | _Replay
        try:
            if exact:
                raise ValueError("read exactly")
            self.lexer = _Replay(_FAST.decode(raw.decode("utf-8")))
        except (ValueError, RecursionError):
            self.lexer = Lexer(raw, dialect)

    def first(self) -> str | None:
        """The root token; None for an empty body, which Kafka's provider reads as null."""
        return self.lexer.next_token()

    def finish(self, bound: str) -> None:
        """FAIL_ON_TRAILING_TOKENS: after the root value, only white space may follow (2.13 reads no further)."""
        if self.dialect.legacy:
            return
        token = self.lexer.next_token()
        if token is not None:
            raise JsonProblem(
                f"Trailing token (of type {token}) found after value (bound as `{bound}`): not allowed as per "
                f"`DeserializationFeature.FAIL_ON_TRAILING_TOKENS`\n at {self.lexer.token_location()}",
                mapping=True,
            )

    def mismatch(self, target: str, token: str) -> JsonProblem:
        """The error for a token the target type cannot be made from, located at the token."""
        where = f"\n at {self.lexer.token_location()}"
        base = target.split("<")[0]
        if token in _CONTAINER_KIND:
            problem = f"Cannot deserialize value of type `{target}` from {_CONTAINER_KIND[token]} value"
            return JsonProblem(f"{problem} (token `JsonToken.{token}`){where}", mapping=True)
        if base == "java.util.ArrayList" or (base == _MAP and token != "VALUE_STRING"):
            # Collection and map deserializers refuse a scalar token outright (a map tries a
            # String creator first, hence the other message for strings).
            problem = f"Cannot deserialize value of type `{target}` from {_SCALAR_KIND[token]} value"
            return JsonProblem(f"{problem} (token `JsonToken.{token}`){where}", mapping=True)
        if token == "VALUE_STRING":
            # Jackson trims the text first; nothing left is an "empty String" coercion failure.
            text = self.lexer.text().strip("".join(chr(c) for c in range(0x21)))
            if not text:
                # 2.13 names the map type with its type parameters.
                shown = f"element of `{target if self.dialect.legacy else base}`" if base == _MAP else f"`{base}` value"
                return JsonProblem(
                    f'Cannot coerce empty String ("") to {shown} (but could if coercion was enabled using '
                    f"`CoercionConfig`){where}",
                    mapping=True,
                )
            source = f"String-argument constructor/factory method to deserialize from String value ('{text}')"
        elif token in ("VALUE_TRUE", "VALUE_FALSE"):
            shown = "true" if token == "VALUE_TRUE" else "false"
            source = f"boolean/Boolean-argument constructor/factory method to deserialize from boolean value ({shown})"
        elif token == "VALUE_NUMBER_FLOAT":
            number = _java_double(float(self.lexer.number))
            source = f"double/Double-argument constructor/factory method to deserialize from Number value ({number})"
        else:
            whole = int(self.lexer.number)
            kind = "int/Int" if -(2**31) <= whole < 2**31 else "long/Long"
            if not -(2**63) <= whole < 2**63:
                kind = "BigInteger"
            source = f"{kind}-argument constructor/factory method to deserialize from Number value ({whole})"
        problem = f"Cannot construct instance of `{base}` (although at least one Creator exists): no {source}"
        return JsonProblem(f"{problem}{where}", mapping=True)

    def unknown_field(self, cls: str, key: str, known: str) -> JsonProblem:
        closed = f"{known}{self.dialect.known_properties_bracket}"
        problem = f'Unrecognized field "{key}" (class {cls}), not marked as ignorable ({closed}'
        return JsonProblem(f"{problem}\n at {self.lexer.location()}", mapping=True).within(f'{cls}["{key}"]')

    def string(self, token: str | None) -> str | None:
        """Jackson's String deserializer: scalars are coerced, objects and arrays refused."""
        if token == "VALUE_STRING":
            return self.lexer.text()
        if token == "VALUE_NULL":
            return None
        if token in ("VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT"):
            return self.lexer.number
        if token in ("VALUE_TRUE", "VALUE_FALSE"):
            return "true" if token == "VALUE_TRUE" else "false"
        raise self.mismatch(_STRING, str(token))

    def string_map(self, token: str | None) -> dict[str, str | None] | None:
        """``Map<String, String>``: null stays null; scalar values become their JSON text."""
        if token == "VALUE_NULL":
            return None
        if token != "START_OBJECT":
            raise self.mismatch(_STRING_MAP, str(token))
        result: dict[str, str | None] = {}
        while self.lexer.next_token() == "FIELD_NAME":
            key = self.lexer.name
            value = self.lexer.next_token()
            result[key] = _in_map(key, self.string, value)
        return result

    def untyped(self, token: str | None) -> Json:
        """Jackson's untyped (java.lang.Object) deserializer."""
        if token == "START_OBJECT":
            found: dict[str, Json] = {}
            while self.lexer.next_token() == "FIELD_NAME":
                key = self.lexer.name
                found[key] = self.untyped(self.lexer.next_token())
            return found
        if token == "START_ARRAY":
            items: list[Json] = []
            while (item := self.lexer.next_token()) != "END_ARRAY":
                items.append(self.untyped(item))
            return items
        if token == "VALUE_STRING":
            return self.lexer.text()
        if token == "VALUE_NUMBER_INT":
            return _int(self.lexer.number)
        if token == "VALUE_NUMBER_FLOAT":
            return _float(self.lexer.number)
        return {"VALUE_TRUE": True, "VALUE_FALSE": False}.get(str(token))

    def object_map(self, token: str | None) -> dict[str, Json] | None:
        """``Map<String, Object>``."""
        if token == "VALUE_NULL":
            return None
        if token != "START_OBJECT":
            raise self.mismatch(f"{_MAP}<{_STRING},java.lang.Object>", str(token))
        found = self.untyped(token)
        assert isinstance(found, dict)
        return found


def _in_map(key: str, read: Callable[[str | None], T], token: str | None) -> T:
    """A map deserializer adds its key to the chain of mapping errors; parse errors pass as they are."""
    try:
        return read(token)
    except JsonProblem as problem:
        if problem.mapping:
            raise problem.within(f'{_MAP}["{key}"]') from None
        raise


def _in_bean(reference: str, read: Callable[[str | None], T], token: str | None) -> T:
    """Bean and collection deserializers wrap every Jackson error, parse errors included."""
    try:
        return read(token)
    except JsonProblem as problem:
        raise problem.within(reference) from None


def _as_string_map(body: Body) -> dict[str, str | None] | None:
    """A body that is a ``Map<String, String>`` (connector configs, validate, logger levels)."""
    token = body.first()
    if token is None:
        return None
    bound = body.string_map(token)
    body.finish("java.util.Map")
    return bound


def _properties(
    body: Body,
    cls: str,
    known: str,
    creator: tuple[str, ...],
    bind: Callable[[str, str | None], None],
    settable: tuple[str, ...] = (),
) -> None:
    """A bean read through a properties-based creator: creator properties are bound as they come and
    unknown ones kept until the object ends; once every creator property is in, the creator runs and
    what follows is bound one by one, where an unknown property fails at once."""
    lexer = body.lexer
    seen: set[str] = set()
    unknown: str | None = None
    token = lexer.next_token()
    while token == "FIELD_NAME":
        key = lexer.name
        value = lexer.next_token()
        built = seen.issuperset(creator)
        if key in creator or key in settable:
            _in_bean(f'{cls}["{key}"]', lambda found, key=key: bind(key, found), value)  # type: ignore[misc]
            if key in creator:
                seen.add(key)
            if not built and seen.issuperset(creator):
                token = lexer.next_token()
                if unknown is not None:
                    raise body.unknown_field(cls, unknown, known)
                continue
        elif built:
            raise body.unknown_field(cls, key, known)
        else:
            if unknown is None:  # the first unknown in document order, an empty name included
                unknown = key
            _skip(body, value)
        token = lexer.next_token()
    if unknown is not None:
        raise body.unknown_field(cls, unknown, known)


def _skip(body: Body, token: str | None) -> None:
    """Read past a value (Jackson copies an unknown property's value, strings decoded)."""
    if token == "VALUE_STRING":
        body.lexer.text()
    elif token in ("START_OBJECT", "START_ARRAY"):
        body.untyped(token)


def _as_create_request(
    body: Body, shape: CreateShape
) -> tuple[str | None, dict[str, str | None] | None, str | None] | None:
    """CreateConnectorRequest: (name, config, initial_state), or None for a null body."""
    token = body.first()
    if token in (None, "VALUE_NULL"):
        body.finish(CREATE_REQUEST)
        return None
    if token != "START_OBJECT":
        raise body.mismatch(CREATE_REQUEST, str(token))
    found: dict[str, object] = {}

    def bind(key: str, value: str | None) -> None:
        if key == "config":
            found[key] = body.string_map(value)
            return
        if key != "name" and value in _CONTAINER_KIND:
            enum = f"{CREATE_REQUEST}$InitialState"
            if value == "START_OBJECT" and body.dialect.version >= (
                2,
                18,
            ):  # 2.18 no longer tries the creator on an Object
                raise body.mismatch(enum, value)
            raise JsonProblem(
                f"Input mismatch reading Enum `{enum}`: properties-based `@JsonCreator` ([method {enum}#forValue("
                f"java.lang.String)]) expects String Value, got {_CONTAINER_KIND[value]} value (`JsonToken.{value}`)"
                f"\n at {body.lexer.token_location()}",
                mapping=True,
            )
        text = body.string(value)
        if key != "name" and text is not None and text.upper() not in ("RUNNING", "PAUSED", "STOPPED"):
            raise JsonProblem(
                f"Cannot construct instance of `{CREATE_REQUEST}$InitialState`, problem: No enum constant "
                f"{CREATE_REQUEST}.InitialState.{text.upper()}\n at {body.lexer.token_location()}",
                mapping=True,
            )
        found[key] = text

    _properties(body, CREATE_REQUEST, shape.known, shape.creator, bind, settable=shape.settable)
    body.finish(CREATE_REQUEST)
    # initialState is a plain property: it is set on the bean after the creator ran.
    state = found["initialState"] if "initialState" in found else found.get("initial_state")
    return found.get("name"), found.get("config"), state  # type: ignore[return-value]


def _as_offsets(body: Body) -> list[tuple[dict[str, Json] | None, dict[str, Json] | None]] | None:
    """ConnectorOffsets: a list of (partition, offset) pairs, or None when absent."""
    token = body.first()
    if token in (None, "VALUE_NULL"):
        body.finish(OFFSETS)
        raise ConnectError(f'Cannot invoke "{OFFSETS}.offsets()" because "offsets" is null')
    if token != "START_OBJECT":
        raise body.mismatch(OFFSETS, str(token))
    found: dict[str, list[tuple[dict[str, Json] | None, dict[str, Json] | None] | None] | None] = {}

    def bind(key: str, value: str | None) -> None:
        found[key] = _offset_list(body, value)

    _properties(body, OFFSETS, 'one known property: "offsets"', ("offsets",), bind)
    body.finish(OFFSETS)
    entries = found.get("offsets")
    if entries is None:
        return None
    if any(entry is None for entry in entries):
        # ConnectorOffsets.toMap() runs once the whole body is read, before the connector is looked up.
        raise ConnectError(f'Cannot invoke "{OFFSET}.partition()" because "offset" is null')
    return entries  # type: ignore[return-value]


def _offset_list(
    body: Body, token: str | None
) -> list[tuple[dict[str, Json] | None, dict[str, Json] | None] | None] | None:
    """``List<ConnectorOffset>``: each element bound in turn; a null element is kept as null."""
    if token == "VALUE_NULL":
        return None
    if token != "START_ARRAY":
        raise body.mismatch(f"java.util.ArrayList<{OFFSET}>", str(token))
    entries: list[tuple[dict[str, Json] | None, dict[str, Json] | None] | None] = []
    while (element := body.lexer.next_token()) != "END_ARRAY":
        if element == "VALUE_NULL":
            entries.append(None)
            continue
        entries.append(_in_bean(f"java.util.ArrayList[{len(entries)}]", lambda found: _offset(body, found), element))
    return entries


def _offset(body: Body, token: str | None) -> tuple[dict[str, Json] | None, dict[str, Json] | None]:
    if token != "START_OBJECT":
        raise body.mismatch(OFFSET, str(token))
    found: dict[str, dict[str, Json] | None] = {}

    def bind(key: str, value: str | None) -> None:
        found[key] = body.object_map(value)

    _properties(body, OFFSET, '2 known properties: "partition", "offset"', ("partition", "offset"), bind)
    return found.get("partition"), found.get("offset")


def _as_task_configs(body: Body) -> None:
    """The internal task-config list: only its shape is checked, before the signature is."""
    token = body.first()
    if token is None:
        raise ConnectError("No content to map due to end-of-input\n at " + body.dialect.at(1, None))
    if token not in ("VALUE_NULL", "START_ARRAY"):
        raise body.mismatch("java.util.ArrayList<java.util.Map<java.lang.String,java.lang.String>>", token)
    _skip(body, token)


def _exactly(read: Callable[[Body], T], body: Body) -> T:
    try:
        return read(body)
    except _Retry:
        return read(Body(body.raw, exact=True, dialect=body.dialect))


def as_string_map(body: Body) -> dict[str, str | None] | None:
    """A body that is a ``Map<String, String>`` (connector configs, validate, logger levels)."""
    return _exactly(_as_string_map, body)


def as_create_request(
    body: Body, shape: CreateShape = CREATE_SHAPES["initial_state_alias"]
) -> tuple[str | None, dict[str, str | None] | None, str | None] | None:
    """CreateConnectorRequest: (name, config, initial_state), or None for a null body."""
    return _exactly(lambda again: _as_create_request(again, shape), body)


def as_offsets(body: Body) -> list[tuple[dict[str, Json] | None, dict[str, Json] | None]] | None:
    """ConnectorOffsets: a list of (partition, offset) pairs, or None when absent."""
    return _exactly(_as_offsets, body)


def as_task_configs(body: Body) -> None:
    """The internal task-config list: only its shape is checked, before the signature is."""
    _exactly(_as_task_configs, body)
