"""Decode request bodies the way Kafka's Jackson provider does, with its error texts (all 500s)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from ..errors import ConnectError
from ..models import Json

MAX_DEPTH = 1000
"""Jackson 2.16's StreamReadConstraints limit on nesting; Python's own recursion limit is about the same."""
_SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {line}, column: {column}]"
_STRING = "java.lang.String"
_MAP = "java.util.LinkedHashMap"
_ENTITIES = "org.apache.kafka.connect.runtime.rest.entities"
CREATE_REQUEST = f"{_ENTITIES}.CreateConnectorRequest"
OFFSETS = f"{_ENTITIES}.ConnectorOffsets"
OFFSET = f"{_ENTITIES}.ConnectorOffset"
_TOKENS: dict[type, str] = {dict: "START_OBJECT", list: "START_ARRAY"}
_VALUE_KIND: dict[type, str] = {dict: "Object", list: "Array"}


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}'")


_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_reject_constant)


def location(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return _SOURCE.format(line=line, column=column)


def _at_end(text: str) -> str:
    return location(text, len(text))


def parse(raw: bytes) -> Json:
    """Parse a body; an empty body is Java null. What follows the value is checked when it is bound
    (``Body.check_trailing``): Kafka's mapper fails on trailing tokens, but only after binding."""
    return _parse(raw)[0]


def _parse(raw: bytes) -> tuple[Json, int]:
    """The value and where it ends in the decoded text."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        raise ConnectError(
            f"Invalid UTF-8 start byte 0x{bad:x}\n at {_SOURCE.format(line=1, column=exc.start + 1)}"
        ) from None
    stripped = text.lstrip(" \t\r\n")
    if not stripped:
        return None, len(text)
    start = len(text) - len(stripped)
    try:
        value, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise ConnectError(_syntax_message(text, exc)) from None
    except RecursionError:
        raise ConnectError(
            f"Document nesting depth ({MAX_DEPTH + 1}) exceeds the maximum allowed ({MAX_DEPTH}, from "
            "`StreamReadConstraints.getMaxNestingDepth()`)"
        ) from None
    except ValueError as exc:
        raise ConnectError(
            f"{exc}: enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at {_at_end(text)}"
        ) from None
    return value, end


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_LITERALS = {"true": "VALUE_TRUE", "false": "VALUE_FALSE", "null": "VALUE_NULL"}


def trailing_problem(text: str, end: int, bound: str) -> str | None:
    """Jackson's FAIL_ON_TRAILING_TOKENS: the first token after the root value, if any, is an error."""
    i = end
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    if i >= len(text):
        return None
    char = text[i]
    after = f"\n at {location(text, i + 1)}"
    if ord(char) < 32:
        return (
            f"Illegal character ((CTRL-CHAR, code {ord(char)})): only regular white space (\\r, \\n, \\t) is "
            f"allowed between tokens{after}"
        )
    if char in "]}":
        other = "}" if char == "]" else "]"
        return (
            f"Unexpected close marker '{char}': expected '{other}' (for root starting at [Source: REDACTED "
            f"(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1]){after}"
        )
    if char == ",":
        return f"Unexpected character (',' (code 44)): expected a value{after}"
    if char == "/":
        return (
            "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since "
            f"Feature 'ALLOW_COMMENTS' not enabled for parser){after}"
        )
    token = {"{": "START_OBJECT", "[": "START_ARRAY", '"': "VALUE_STRING"}.get(char)
    number = _NUMBER.match(text, i)
    if token is None and number is not None:
        token = "VALUE_NUMBER_INT" if number.group(1) is None and number.group(2) is None else "VALUE_NUMBER_FLOAT"
    if token is None:
        for literal, kind in _LITERALS.items():
            if text.startswith(literal, i) and not text[i + len(literal) : i + len(literal) + 1].isalnum():
                token = kind
    if token is None:
        return _syntax_message(text, json.JSONDecodeError("Expecting value", text, i))
    return (
        f"Trailing token (of type {token}) found after value (bound as `{bound}`): not allowed as per "
        f"`DeserializationFeature.FAIL_ON_TRAILING_TOKENS`\n at {location(text, i)}"
    )


def _syntax_message(text: str, exc: json.JSONDecodeError) -> str:
    pos = exc.pos
    if exc.msg.startswith("Unterminated string") or pos >= len(text):
        return _eof_message(text, exc)
    char = text[pos]
    where = f"\n at {location(text, pos + 1)}"  # Jackson has consumed the offending character
    shown = f"'{char}' (code {ord(char)})"
    if ord(char) < 32:
        shown = f"(CTRL-CHAR, code {ord(char)})"
    if ord(char) < 32 and char not in "\t\r\n" and not exc.msg.startswith("Invalid control character"):
        # Jackson meets it while skipping white space between tokens.
        return f"Illegal character ({shown}): only regular white space (\\r, \\n, \\t) is allowed between tokens{where}"
    if exc.msg.startswith("Expecting property name"):
        return f"Unexpected character ({shown}): was expecting double-quote to start field name{where}"
    if exc.msg.startswith("Expecting ',' delimiter"):
        closer = "Object entries" if _innermost(text, pos)[0] == "{" else "Array entries"
        return f"Unexpected character ({shown}): was expecting comma to separate {closer}{where}"
    if exc.msg.startswith("Expecting ':' delimiter"):
        return f"Unexpected character ({shown}): was expecting a colon to separate field name and value{where}"
    if exc.msg.startswith("Invalid control character"):
        return (
            f"Illegal unquoted character ({shown}): has to be escaped using backslash to be included in string "
            f"value{where}"
        )
    if char.isalpha():
        word = ""
        for c in text[pos:]:
            if not (c.isalnum() or c in "_$"):
                break
            word += c
        return (
            f"Unrecognized token '{word}': was expecting (JSON String, Number, Array, Object or token 'null', "
            f"'true' or 'false')\n at {location(text, pos + len(word))}"
        )
    return (
        f"Unexpected character ({shown}): expected a valid value (JSON String, Number, Array, Object or token "
        f"'null', 'true' or 'false'){where}"
    )


def _eof_message(text: str, exc: json.JSONDecodeError) -> str:
    where = f"\n at {_at_end(text)}"
    if exc.msg.startswith("Unterminated string"):
        return f"Unexpected end-of-input: was expecting closing quote for a string value{where}"
    opener, start = _innermost(text, len(text))
    kind = "Object" if opener == "{" else "Array"
    if text.rstrip()[-1:] in (",", ":"):
        return f"Unexpected end-of-input within/between {kind} entries{where}"
    return f"Unexpected end-of-input: expected close marker for {kind} (start marker at {location(text, start)}){where}"


def _innermost(text: str, pos: int) -> tuple[str, int]:
    """The innermost bracket still open at ``pos``, and where it is."""
    depth: list[tuple[str, int]] = []
    in_string = escaped = False
    for index, c in enumerate(text[:pos]):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            continue
        if c == '"':
            in_string = True
        elif c in "{[":
            depth.append((c, index))
        elif c in "}]" and depth:
            depth.pop()
    return depth[-1] if depth else ("", 0)


def _scalar_token(value: Json) -> tuple[str, str]:
    """How Jackson names a scalar token in "Cannot deserialize value of type ... from X value"."""
    if isinstance(value, bool):
        return "Boolean", "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "Integer", "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "Floating-point", "VALUE_NUMBER_FLOAT"
    return "String", "VALUE_STRING"


def _java_double(value: float) -> str:
    """Double.toString: plain decimals from 10^-3 to 10^7, else computerized scientific notation."""
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    sign, digits, _ = Decimal(repr(value)).as_tuple()
    text = "".join(str(d) for d in digits)
    mantissa = text[0] + "." + (text[1:].rstrip("0") or "0")
    return f"{'-' if sign else ''}{mantissa}E{Decimal(repr(value)).adjusted()}"


def _chain(chain: list[str]) -> str:
    return f" (through reference chain: {'->'.join(chain)})" if chain else ""


Path = tuple[Any, ...]
_SCALAR = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null")


def _positions(text: str) -> tuple[dict[Path, int], dict[Path, int]]:
    """Where every value starts and every object or array closes, by path (valid JSON only)."""
    starts: dict[Path, int] = {}
    closes: dict[Path, int] = {}

    def skip(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, path: Path) -> int:
        i = skip(i)
        starts[path] = i
        opener = text[i]
        if opener in "{[":
            i = skip(i + 1)
            index = 0
            while text[i] not in "}]":
                key: Any = index
                if opener == "{":
                    key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
                    i = skip(i) + 1
                i = skip(value(i, (*path, key)))
                index += 1
                if text[i] == ",":
                    i = skip(i + 1)
            closes[path] = i
            return i + 1
        if opener == '"':
            return int(json.decoder.scanstring(text, i + 1)[1])  # type: ignore[attr-defined]
        match = _SCALAR.match(text, i)
        return match.end() if match else i + 1

    value(0, ())
    return starts, closes


class Body:
    """A request body as Jackson reads it, able to say where in the text a mapping error is."""

    def __init__(self, raw: bytes) -> None:
        self.value, self._end = _parse(raw)
        self._raw = raw
        self._found: tuple[dict[Path, int], dict[Path, int]] | None = None

    def check_trailing(self, bound: str) -> None:
        """After binding the root value as ``bound``: anything but white space after it is an error."""
        problem = trailing_problem(self._raw.decode("utf-8"), self._end, bound)
        if problem is not None:
            raise ConnectError(problem)

    def _at(self, path: Path, *, after_close: bool = False) -> str:
        text = self._raw.decode("utf-8")
        if self._found is None:
            self._found = _positions(text)
        starts, closes = self._found
        # A wrong token is reported where it starts; an unknown property once its object has closed.
        pos = closes.get(path, 0) + 1 if after_close else starts.get(path, 0)
        return f"\n at {location(text, pos)}"

    def mismatch(self, target: str, value: Json, chain: list[str], path: Path) -> ConnectError:
        kind = type(value)
        where = self._at(path)
        if kind in _TOKENS:
            return ConnectError(
                f"Cannot deserialize value of type `{target}` from {_VALUE_KIND[kind]} value "
                f"(token `JsonToken.{_TOKENS[kind]}`){where}{_chain(chain)}"
            )
        base = target.split("<")[0]
        collection = base == "java.util.ArrayList"
        if (collection or base == _MAP) and not (base == _MAP and isinstance(value, str)):
            # Collection and map deserializers refuse a scalar token outright (a map tries a
            # String creator first, hence the other message for strings).
            shown_kind, token = _scalar_token(value)
            return ConnectError(
                f"Cannot deserialize value of type `{target}` from {shown_kind} value "
                f"(token `JsonToken.{token}`){where}{_chain(chain)}"
            )
        if isinstance(value, str):
            # Jackson trims the text first; nothing left is an "empty String" coercion failure.
            text = value.strip("".join(chr(c) for c in range(0x21)))
            if not text:
                shown = f"element of `{base}`" if base == _MAP else f"`{base}` value"
                return ConnectError(
                    f'Cannot coerce empty String ("") to {shown} (but could if coercion was enabled using '
                    f"`CoercionConfig`){where}{_chain(chain)}"
                )
            source = f"String-argument constructor/factory method to deserialize from String value ('{text}')"
        elif isinstance(value, bool):
            shown = "true" if value else "false"
            source = f"boolean/Boolean-argument constructor/factory method to deserialize from boolean value ({shown})"
        elif isinstance(value, float):
            source = (
                "double/Double-argument constructor/factory method to deserialize from Number value "
                f"({_java_double(value)})"
            )
        else:
            source = f"int/Int-argument constructor/factory method to deserialize from Number value ({value})"
        problem = f"Cannot construct instance of `{base}` (although at least one Creator exists): no {source}"
        return ConnectError(f"{problem}{where}{_chain(chain)}")

    def unknown_field(self, cls: str, key: str, known: str, path: Path, chain: list[str] | None = None) -> ConnectError:
        where = self._at(path, after_close=True)
        through = _chain([*(chain or []), f'{cls}["{key}"]'])
        return ConnectError(
            f'Unrecognized field "{key}" (class {cls}), not marked as ignorable ({known}]){where}{through}'
        )

    def string(self, value: Json, chain: list[str], path: Path) -> str | None:
        """Jackson's String deserializer: scalars are coerced, objects and arrays rejected."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, JsonNumber):
            return value.text
        if isinstance(value, (int, float)):
            return str(value)
        raise self.mismatch(_STRING, value, chain, path)

    def string_map(self, value: Json, chain: list[str], path: Path) -> dict[str, str | None] | None:
        """``Map<String, String>``: null stays null; scalar values become their JSON text."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.mismatch(f"{_MAP}<{_STRING},{_STRING}>", value, chain, path)
        return {key: self.string(item, [*chain, f'{_MAP}["{key}"]'], (*path, key)) for key, item in value.items()}

    def object_map(self, value: Json, chain: list[str], path: Path) -> dict[str, Json] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.mismatch(f"{_MAP}<{_STRING},java.lang.Object>", value, chain, path)
        return value


_CREATE_KNOWN = '4 known properties: "config", "name", "initialState", "initial_state"'


def as_string_map(body: Body) -> dict[str, str | None] | None:
    """A body that is a ``Map<String, String>`` (connector configs, validate, logger levels)."""
    bound = body.string_map(body.value, [], ())
    body.check_trailing("java.util.Map")
    return bound


def as_create_request(body: Body) -> tuple[str | None, dict[str, str | None] | None, str | None] | None:
    """CreateConnectorRequest: (name, config, initial_state), or None for a null body."""
    value = body.value
    if value is None:
        body.check_trailing(CREATE_REQUEST)
        return None
    if not isinstance(value, dict):
        raise body.mismatch(CREATE_REQUEST, value, [], ())
    for key in value:
        if key not in ("name", "config", "initial_state", "initialState"):
            raise body.unknown_field(CREATE_REQUEST, key, _CREATE_KNOWN, ())
    name = body.string(value.get("name"), [f'{CREATE_REQUEST}["name"]'], ("name",))
    config = body.string_map(value.get("config"), [f'{CREATE_REQUEST}["config"]'], ("config",))
    state_key = "initial_state" if "initial_state" in value else "initialState"
    state = body.string(value.get(state_key), [f'{CREATE_REQUEST}["{state_key}"]'], (state_key,))
    if state is not None and state.upper() not in ("RUNNING", "PAUSED", "STOPPED"):
        chain = _chain([f'{CREATE_REQUEST}["{state_key}"]'])
        raise ConnectError(
            f"Cannot construct instance of `{CREATE_REQUEST}$InitialState`, problem: No enum constant "
            f"{CREATE_REQUEST}.InitialState.{state.upper()}{body._at((state_key,))}{chain}"
        )
    body.check_trailing(CREATE_REQUEST)
    return name, config, state


def as_offsets(body: Body) -> list[tuple[dict[str, Json] | None, dict[str, Json] | None]] | None:
    """ConnectorOffsets: a list of (partition, offset) pairs, or None when absent."""
    value = body.value
    if value is None:
        body.check_trailing(OFFSETS)
        raise ConnectError(f'Cannot invoke "{OFFSETS}.offsets()" because "offsets" is null')
    if not isinstance(value, dict):
        raise body.mismatch(OFFSETS, value, [], ())
    for key in value:
        if key != "offsets":
            raise body.unknown_field(OFFSETS, key, 'one known property: "offsets"', ())
    entries = value.get("offsets")
    if entries is None:
        body.check_trailing(OFFSETS)
        return None
    chain = [f'{OFFSETS}["offsets"]']
    if not isinstance(entries, list):
        raise body.mismatch(f"java.util.ArrayList<{OFFSET}>", entries, chain, ("offsets",))
    result: list[tuple[dict[str, Json] | None, dict[str, Json] | None]] = []
    null_entry = False
    for index, entry in enumerate(entries):
        here, at = [*chain, f"java.util.ArrayList[{index}]"], ("offsets", index)
        if entry is None:
            null_entry = True
            continue
        if not isinstance(entry, dict):
            raise body.mismatch(OFFSET, entry, here, at)
        for key in entry:
            if key not in ("partition", "offset"):
                raise body.unknown_field(OFFSET, key, '2 known properties: "partition", "offset"', at, chain=here)
        partition = body.object_map(entry.get("partition"), [*here, f'{OFFSET}["partition"]'], (*at, "partition"))
        offset = body.object_map(entry.get("offset"), [*here, f'{OFFSET}["offset"]'], (*at, "offset"))
        result.append((partition, offset))
    body.check_trailing(OFFSETS)
    if null_entry:
        # ConnectorOffsets.toMap() runs once the whole body is read, before the connector is looked up.
        raise ConnectError(f'Cannot invoke "{OFFSET}.partition()" because "offset" is null')
    return result


def as_task_configs(body: Body) -> None:
    """The internal task-config list: only its shape is checked, before the signature is."""
    if not body._raw.strip():
        raise ConnectError(
            "No content to map due to end-of-input\n at [Source: REDACTED "
            "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1]"
        )
    if body.value is not None and not isinstance(body.value, list):
        raise body.mismatch("java.util.ArrayList<java.util.Map<java.lang.String,java.lang.String>>", body.value, [], ())
