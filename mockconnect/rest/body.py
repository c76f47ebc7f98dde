"""Decode request bodies the way Kafka's Jackson provider does, with its error texts (all 500s)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ConnectError
from ..models import Json

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
    """Parse a body; an empty body is Java null. Trailing content is ignored, as Jackson does."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        raise ConnectError(
            f"Invalid UTF-8 start byte 0x{bad:02x}\n at {_SOURCE.format(line=1, column=exc.start + 1)}"
        ) from None
    stripped = text.lstrip(" \t\r\n")
    if not stripped:
        return None
    start = len(text) - len(stripped)
    try:
        value, _ = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise ConnectError(_syntax_message(text, exc)) from None
    except ValueError as exc:
        raise ConnectError(
            f"{exc}: enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow\n at {_at_end(text)}"
        ) from None
    return value


def _syntax_message(text: str, exc: json.JSONDecodeError) -> str:
    pos = exc.pos
    where = f"\n at {location(text, pos)}"
    if pos >= len(text):
        return f"Unexpected end-of-input: expected close marker for Object{where}"
    char = text[pos]
    shown = f"'{char}' (code {ord(char)})"
    if ord(char) < 32:
        shown = f"(CTRL-CHAR, code {ord(char)})"
    if exc.msg.startswith("Expecting property name"):
        return f"Unexpected character ({shown}): was expecting double-quote to start field name{where}"
    if exc.msg.startswith("Expecting ',' delimiter"):
        closer = "Object entries" if _innermost(text, pos) == "{" else "Array entries"
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
            f"'true' or 'false'){where}"
        )
    return (
        f"Unexpected character ({shown}): expected a valid value (JSON String, Number, Array, Object or token "
        f"'null', 'true' or 'false'){where}"
    )


def _innermost(text: str, pos: int) -> str:
    depth: list[str] = []
    in_string = escaped = False
    for c in text[:pos]:
        if in_string:
            escaped = not escaped and c == "\\"
            if c == '"' and not escaped:
                in_string = False
            continue
        if c == '"':
            in_string = True
        elif c in "{[":
            depth.append(c)
        elif c in "}]" and depth:
            depth.pop()
    return depth[-1] if depth else ""


def _chain(chain: list[str]) -> str:
    return f" (through reference chain: {'->'.join(chain)})" if chain else ""


def mismatch_error(target: str, value: Json, chain: list[str] | None = None) -> ConnectError:
    chain = chain or []
    kind = type(value)
    if kind in _TOKENS:
        return ConnectError(
            f"Cannot deserialize value of type `{target}` from {_VALUE_KIND[kind]} value "
            f"(token `JsonToken.{_TOKENS[kind]}`){_chain(chain)}"
        )
    if isinstance(value, str):
        return ConnectError(
            f"Cannot construct instance of `{target.split('<')[0]}` (although at least one Creator exists): no "
            f"String-argument constructor/factory method to deserialize from String value ('{value}'){_chain(chain)}"
        )
    if isinstance(value, bool):
        return ConnectError(
            f"Cannot construct instance of `{target.split('<')[0]}` (although at least one Creator exists): no "
            "boolean/Boolean-argument constructor/factory method to deserialize from boolean value "
            f"({str(value).lower()})"
            f"{_chain(chain)}"
        )
    return ConnectError(
        f"Cannot construct instance of `{target.split('<')[0]}` (although at least one Creator exists): no "
        f"int/Int-argument constructor/factory method to deserialize from Number value ({value}){_chain(chain)}"
    )


def as_string(value: Json, chain: list[str]) -> str | None:
    """Jackson's String deserializer: scalars are coerced, objects and arrays rejected."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, (int, float)):
        return str(value)
    raise mismatch_error(_STRING, value, chain)


def as_string_map(value: Json, chain: list[str] | None = None) -> dict[str, str | None] | None:
    """``Map<String, String>``: null stays null; scalar values become their JSON text."""
    chain = chain or []
    if value is None:
        return None
    if not isinstance(value, dict):
        raise mismatch_error(f"{_MAP}<{_STRING},{_STRING}>", value, chain)
    return {key: as_string(item, [*chain, f'{_MAP}["{key}"]']) for key, item in value.items()}


def _unknown_field(cls: str, key: str, known: list[str]) -> ConnectError:
    listed = ", ".join(f'"{k}"' for k in known)
    chain = _chain([_field(cls, key)])
    return ConnectError(
        f'Unrecognized field "{key}" (class {cls}), not marked as ignorable ({len(known)} known properties: '
        f"{listed}]){chain}"
    )


def _field(cls: str, key: str) -> str:
    return f'{cls}["{key}"]'


def as_create_request(value: Json) -> tuple[str | None, dict[str, str | None] | None, str | None] | None:
    """CreateConnectorRequest: (name, config, initial_state), or None for a null body."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise mismatch_error(CREATE_REQUEST, value, [])
    known = ["name", "config", "initial_state"]
    for key in value:
        if key not in known:
            raise _unknown_field(CREATE_REQUEST, key, known)
    name = as_string(value.get("name"), [f'{CREATE_REQUEST}["name"]'])
    config = as_string_map(value.get("config"), [f'{CREATE_REQUEST}["config"]'])
    state = value.get("initial_state")
    if state is not None:
        state = as_string(state, [f'{CREATE_REQUEST}["initial_state"]'])
        assert state is not None
        if state.upper() not in ("RUNNING", "PAUSED", "STOPPED"):
            cls = f"{CREATE_REQUEST}$InitialState"
            chain = _chain([_field(CREATE_REQUEST, "initial_state")])
            raise ConnectError(
                f"Cannot construct instance of `{cls}`, problem: No enum constant "
                f"{CREATE_REQUEST}.InitialState.{state.upper()}{chain}"
            )
    return name, config, state


def _as_object_map(value: Json, chain: list[str]) -> dict[str, Json] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise mismatch_error(f"{_MAP}<{_STRING},java.lang.Object>", value, chain)
    return value


def as_offsets(value: Json) -> list[tuple[dict[str, Json] | None, dict[str, Json] | None]] | None:
    """ConnectorOffsets: a list of (partition, offset) pairs, or None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise mismatch_error(OFFSETS, value, [])
    for key in value:
        if key != "offsets":
            raise _unknown_field(OFFSETS, key, ["offsets"])
    entries = value.get("offsets")
    if entries is None:
        return None
    chain = [f'{OFFSETS}["offsets"]']
    if not isinstance(entries, list):
        raise mismatch_error(f"java.util.ArrayList<{OFFSET}>", entries, chain)
    result: list[tuple[dict[str, Json] | None, dict[str, Json] | None]] = []
    for index, entry in enumerate(entries):
        here = [*chain, f"java.util.ArrayList[{index}]"]
        if entry is None:
            result.append((None, None))
            continue
        if not isinstance(entry, dict):
            raise mismatch_error(OFFSET, entry, here)
        for key in entry:
            if key not in ("partition", "offset"):
                raise _unknown_field(OFFSET, key, ["partition", "offset"])
        partition = _as_object_map(entry.get("partition"), [*here, f'{OFFSET}["partition"]'])
        offset = _as_object_map(entry.get("offset"), [*here, f'{OFFSET}["offset"]'])
        result.append((partition, offset))
    return result
