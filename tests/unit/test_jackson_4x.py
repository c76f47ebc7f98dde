"""Jackson 2.19 (Kafka 4.1), 2.21.6 (4.2) and 2.21.7 (4.3, 4.4), each against the one before it; bodies
and texts from tests/live/recorded/kafka-{4.0.2,4.1.2,4.2.2,4.3.2}/jackson-bodies.json."""

from __future__ import annotations

import dataclasses

import pytest

from mockconnect.http.body import CREATE_SHAPES, Body, as_create_request, as_offsets, as_string_map
from mockconnect.http.jackson import (
    DIALECTS,
    JACKSON_2_13_STREAM,
    JACKSON_2_16,
    JACKSON_2_18,
    JACKSON_2_19,
    JACKSON_2_21,
    JACKSON_2_21_7,
    Dialect,
    JsonProblem,
    dialect_of,
)
from mockconnect.release import get_release

AT = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: "
VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"


def problem(raw: bytes, dialect: Dialect) -> str:
    with pytest.raises(JsonProblem) as caught:
        as_string_map(Body(raw, dialect=dialect))
    return caught.value.message


def test_each_dialect_is_named_by_one_release_feature() -> None:
    assert DIALECTS == {
        "jackson_2_21_7": JACKSON_2_21_7,
        "jackson_2_21": JACKSON_2_21,
        "jackson_2_19": JACKSON_2_19,
        "jackson_2_18": JACKSON_2_18,
        "json_source_in_location": JACKSON_2_13_STREAM,
    }
    base = get_release("4.0.2")
    for feature, dialect in DIALECTS.items():
        others = {f for f in base.features if f not in DIALECTS}
        assert dialect_of(dataclasses.replace(base, features=frozenset(others | {feature}))) is dialect
    assert dialect_of(get_release("3.9.2")) is JACKSON_2_16
    assert dialect_of(get_release("4.0.2")) is JACKSON_2_18


@pytest.mark.parametrize(("raw", "kind"), [(b"]-] ", "Array"), (b"}2I0es", "Object")])
def test_jackson_2_19_has_no_open_scope_to_close_at_the_root(raw: bytes, kind: str) -> None:
    close = raw[:1].decode()
    assert problem(raw, JACKSON_2_18).startswith(
        f"Unexpected close marker '{close}': expected '{']' if close == '}' else '}'}' (for root starting at"
    )
    assert problem(raw, JACKSON_2_19) == f"Unexpected close marker '{close}': no open {kind} to close{AT}1]"


def test_jackson_2_19_keeps_the_mismatch_text_inside_a_scope() -> None:
    assert problem(b'{"a":1]', JACKSON_2_19).startswith("Unexpected close marker ']': expected '}' (for Object")


@pytest.mark.parametrize(
    ("raw", "token", "column_2_19", "column_2_21"),
    [
        (b"tru", "tru", 4, 1),
        (b"true1", "true1", 6, 1),
        (b'{"a":tx}', "tx", 9, 6),
        (b"null x", "x", 7, 6),
        (b"\xef\xbb\xbfcla", "cla", 7, 4),
        (b"\x00c\x00l", "cl", 3, 1),  # UTF-16: char columns
        (b"-In", "-In", 4, 1),
    ],
)
def test_jackson_2_21_locates_an_unrecognized_token_at_its_start(
    raw: bytes, token: str, column_2_19: int, column_2_21: int
) -> None:
    text = f"Unrecognized token '{token}': was expecting {VALUES}{AT}"
    assert problem(raw, JACKSON_2_19) == f"{text}{column_2_19}]"
    assert problem(raw, JACKSON_2_21) == f"{text}{column_2_21}]"


def test_jackson_2_21_closes_the_known_properties_without_a_bracket() -> None:
    for dialect, end in ((JACKSON_2_19, '"initial_state"])'), (JACKSON_2_21, '"initial_state")')):
        with pytest.raises(JsonProblem) as caught:
            as_create_request(Body(b'{"a":"b"}', dialect=dialect), CREATE_SHAPES["initial_state"])
        assert f'(3 known properties: "config", "name", {end}' in caught.value.message
    with pytest.raises(JsonProblem) as caught:
        as_offsets(Body(b'{"a":1}x', dialect=JACKSON_2_21))
    assert '(one known property: "offsets")\n at' in caught.value.message


@pytest.mark.parametrize(
    ("raw", "text_2_21_6", "text_2_21_7"),
    [
        (b"\xc3\xa9", "Invalid UTF-8 start byte 0xa9{AT}3]", "Unrecognized token '\xe9': was expecting {VALUES}{AT}2]"),
        (
            b"\x87abc",
            "Unexpected character ((CTRL-CHAR, code 135)): expected a valid value {VALUES}{AT}1]",
            "Invalid UTF-8 start byte 0x87{AT}2]",
        ),
        (
            b"true\xc3\xa9",
            "Invalid UTF-8 middle byte 0xc3{AT}6]",
            "Unrecognized token 'true\xe9': was expecting {VALUES}{AT}2]",
        ),
        (
            b"\xe2\x95\x84\x9b\xb7|R",
            "Invalid UTF-8 start byte 0x95{AT}3]",
            "Unexpected character ('\u2544' (code 9540 / 0x2544)): expected a valid value {VALUES}{AT}3]",
        ),
        (
            b"\xc3E5+II",
            "Unrecognized token '\xc3E5': was expecting {VALUES}{AT}1]",
            "Invalid UTF-8 middle byte 0x45{AT}3]",
        ),
        (b"\xc1", "Unrecognized token '\xc1': was expecting {VALUES}{AT}1]", "Unexpected end-of-input in null{AT}2]"),
    ],
)
def test_jackson_2_21_7_reads_a_non_ascii_value_start_as_utf_8(raw: bytes, text_2_21_6: str, text_2_21_7: str) -> None:
    assert problem(raw, JACKSON_2_21) == text_2_21_6.format(AT=AT, VALUES=VALUES)
    assert problem(raw, JACKSON_2_21_7) == text_2_21_7.format(AT=AT, VALUES=VALUES)


def test_jackson_2_21_7_counts_an_unrecognized_token_back_in_chars_from_its_first_character() -> None:
    """The token starts at byte column 10; its first character, three bytes long, moves it to 12."""
    raw = b'{",\xc3\xa9": [\xe6\x97\xa5\xe6\x9c\xac"}'
    for dialect, text in (
        (JACKSON_2_21, f"Invalid UTF-8 start byte 0x97{AT}12]"),
        (JACKSON_2_21_7, f"Unrecognized token '\u65e5\u672c': was expecting {VALUES}{AT}12]"),
    ):
        with pytest.raises(JsonProblem) as caught:
            as_create_request(Body(raw, dialect=dialect), CREATE_SHAPES["initial_state"])
        assert caught.value.message == text
