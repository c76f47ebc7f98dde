"""Scalar JSON where Kafka expects a map, a list or an object: Jackson's texts, as a real 3.7.0 worker sent them.

Every message below was read from a live worker (``mockconnect conformance`` found the differences).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers import error

AT = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: {}]"
STRING_MAP = "java.util.LinkedHashMap<java.lang.String,java.lang.String>"
ENTITIES = "org.apache.kafka.connect.runtime.rest.entities"
OFFSETS_CHAIN = f' (through reference chain: {ENTITIES}.ConnectorOffsets["offsets"])'
JSON = "application/json"


@pytest.mark.parametrize(
    ("body", "shown", "token"),
    [
        ("false", "Boolean", "VALUE_FALSE"),
        ("true", "Boolean", "VALUE_TRUE"),
        ("1", "Integer", "VALUE_NUMBER_INT"),
        ("-7", "Integer", "VALUE_NUMBER_INT"),
        ("12345678901234567890", "Integer", "VALUE_NUMBER_INT"),
        ("1.5", "Floating-point", "VALUE_NUMBER_FLOAT"),
        ("1e3", "Floating-point", "VALUE_NUMBER_FLOAT"),
    ],
)
def test_scalar_for_a_config_map(client: FlaskClient, body: str, shown: str, token: str) -> None:
    answer = client.put("/connector-plugins/FileStreamSink/config/validate", data=body, content_type=JSON)
    error(
        answer,
        500,
        f"Cannot deserialize value of type `{STRING_MAP}` from {shown} value (token `JsonToken.{token}`)"
        + AT.format(1),
    )


def test_string_for_a_config_map_tries_a_string_creator(client: FlaskClient) -> None:
    answer = client.put("/connector-plugins/FileStreamSink/config/validate", data='"x"', content_type=JSON)
    error(
        answer,
        500,
        "Cannot construct instance of `java.util.LinkedHashMap` (although at least one Creator exists): no "
        "String-argument constructor/factory method to deserialize from String value ('x')" + AT.format(1),
    )


@pytest.mark.parametrize(
    ("offsets", "shown", "token"),
    [
        ("5", "Integer", "VALUE_NUMBER_INT"),
        ('"x"', "String", "VALUE_STRING"),
        ("true", "Boolean", "VALUE_TRUE"),
        ("1.5", "Floating-point", "VALUE_NUMBER_FLOAT"),
    ],
)
def test_scalar_for_the_offsets_list(client: FlaskClient, offsets: str, shown: str, token: str) -> None:
    answer = client.patch("/connectors/nope/offsets", data=f'{{"offsets":{offsets}}}', content_type=JSON)
    target = f"java.util.ArrayList<{ENTITIES}.ConnectorOffset>"
    expected = f"Cannot deserialize value of type `{target}` from {shown} value (token `JsonToken.{token}`)"
    error(answer, 500, expected + AT.format(12) + OFFSETS_CHAIN)


def test_scalar_for_a_partition_map(client: FlaskClient) -> None:
    answer = client.patch(
        "/connectors/nope/offsets", data='{"offsets":[{"partition":true,"offset":{}}]}', content_type=JSON
    )
    chain = (
        f' (through reference chain: {ENTITIES}.ConnectorOffsets["offsets"]->java.util.ArrayList[0]->'
        f'{ENTITIES}.ConnectorOffset["partition"])'
    )
    error(
        answer,
        500,
        "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,java.lang.Object>` from Boolean "
        "value (token `JsonToken.VALUE_TRUE`)" + AT.format(26) + chain,
    )


@pytest.mark.parametrize("body", ['{"offsets":[null]}', '{"offsets":[{"partition":{},"offset":{}}, null]}'])
def test_null_offset_entry_is_a_null_pointer_before_the_connector_is_looked_up(client: FlaskClient, body: str) -> None:
    answer = client.patch("/connectors/nope/offsets", data=body, content_type=JSON)
    error(answer, 500, f'Cannot invoke "{ENTITIES}.ConnectorOffset.partition()" because "offset" is null')


def test_jackson_errors_come_before_the_null_entry(client: FlaskClient) -> None:
    answer = client.patch("/connectors/nope/offsets", data='{"offsets":[null, {"x":1}]}', content_type=JSON)
    assert answer.status_code == 500
    assert answer.get_json()["message"].startswith('Unrecognized field "x"')


@pytest.mark.parametrize(
    ("body", "source"),
    [
        ("1.5", "double/Double-argument constructor/factory method to deserialize from Number value (1.5)"),
        ("1e20", "double/Double-argument constructor/factory method to deserialize from Number value (1.0E20)"),
        ("5", "int/Int-argument constructor/factory method to deserialize from Number value (5)"),
    ],
)
def test_number_for_the_create_request(client: FlaskClient, body: str, source: str) -> None:
    answer = client.post("/connectors", data=body, content_type=JSON)
    expected = (
        f"Cannot construct instance of `{ENTITIES}.CreateConnectorRequest` (although at least one Creator "
        f"exists): no {source}"
    )
    error(answer, 500, expected + AT.format(1))


@pytest.mark.parametrize(
    ("body", "shown", "token"), [("5", "Integer", "VALUE_NUMBER_INT"), ('"x"', "String", "VALUE_STRING")]
)
def test_scalar_for_the_internal_task_list(client: FlaskClient, body: str, shown: str, token: str) -> None:
    answer = client.post("/connectors/nope/tasks", data=body, content_type=JSON)
    target = "java.util.ArrayList<java.util.Map<java.lang.String,java.lang.String>>"
    error(
        answer,
        500,
        f"Cannot deserialize value of type `{target}` from {shown} value (token `JsonToken.{token}`)" + AT.format(1),
    )


@pytest.mark.parametrize(
    ("path", "method", "body", "message"),
    [
        (
            "/connector-plugins/FileStreamSink/config/validate",
            "PUT",
            b'"n\\r"',
            "Cannot construct instance of `java.util.LinkedHashMap` (although at least one Creator exists): no "
            "String-argument constructor/factory method to deserialize from String value ('n')" + AT.format(1),
        ),
        (
            "/connectors",
            "POST",
            b'"\\tx "',
            f"Cannot construct instance of `{ENTITIES}.CreateConnectorRequest` (although at least one Creator "
            "exists): no String-argument constructor/factory method to deserialize from String value ('x')"
            + AT.format(1),
        ),
        (
            "/connector-plugins/FileStreamSink/config/validate",
            "PUT",
            b'"  "',
            'Cannot coerce empty String ("") to element of `java.util.LinkedHashMap` (but could if coercion was '
            "enabled using `CoercionConfig`)" + AT.format(1),
        ),
        (
            "/connectors/x/offsets",
            "PATCH",
            b'""',
            f'Cannot coerce empty String ("") to `{ENTITIES}.ConnectorOffsets` value (but could if coercion was '
            "enabled using `CoercionConfig`)" + AT.format(1),
        ),
        (
            "/connectors",
            "POST",
            b'{"name":"x","config":""}',
            'Cannot coerce empty String ("") to element of `java.util.LinkedHashMap` (but could if coercion was '
            "enabled using `CoercionConfig`)"
            + AT.format(22)
            + f' (through reference chain: {ENTITIES}.CreateConnectorRequest["config"])',
        ),
    ],
)
def test_strings_are_trimmed_and_blank_ones_are_empty_coercions(
    client: FlaskClient, path: str, method: str, body: bytes, message: str
) -> None:
    error(client.open(path, method=method, data=body, content_type=JSON), 500, message)
