"""What follows the body's value, and control characters between tokens, as a real 3.7.0 worker reads them.

Kafka's mapper has FAIL_ON_TRAILING_TOKENS: after binding the root value, any further token is a 500
(binding errors come first). Every message below was read from a live worker.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers import error

AT = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {}, column: {}]"
ROOT = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1]"
ENTITIES = "org.apache.kafka.connect.runtime.rest.entities"
VALIDATE = "/connector-plugins/FileStreamSink/config/validate"
VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
BASE = '{"connector.class":"x"}'


def trailing(kind: str, bound: str, column: int) -> str:
    return (
        f"Trailing token (of type {kind}) found after value (bound as `{bound}`): not allowed as per "
        f"`DeserializationFeature.FAIL_ON_TRAILING_TOKENS`" + AT.format(1, column)
    )


def illegal(code: int, column: int) -> str:
    return (
        f"Illegal character ((CTRL-CHAR, code {code})): only regular white space (\\r, \\n, \\t) is allowed "
        "between tokens" + AT.format(1, column)
    )


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (" {}", trailing("START_OBJECT", "java.util.Map", 25)),
        (' "s"', trailing("VALUE_STRING", "java.util.Map", 25)),
        (" 5", trailing("VALUE_NUMBER_INT", "java.util.Map", 25)),
        (" -5", trailing("VALUE_NUMBER_INT", "java.util.Map", 25)),
        (" 1.5", trailing("VALUE_NUMBER_FLOAT", "java.util.Map", 25)),
        (" [", trailing("START_ARRAY", "java.util.Map", 25)),
        (" null", trailing("VALUE_NULL", "java.util.Map", 25)),
        (" true", trailing("VALUE_TRUE", "java.util.Map", 25)),
        (" x", f"Unrecognized token 'x': was expecting {VALUE}" + AT.format(1, 26)),
        ("x", f"Unrecognized token 'x': was expecting {VALUE}" + AT.format(1, 25)),
        ("\n\n x", f"Unrecognized token 'x': was expecting {VALUE}" + AT.format(3, 3)),
        (" nul", f"Unrecognized token 'nul': was expecting {VALUE}" + AT.format(1, 28)),
        (" }", f"Unexpected close marker '}}': expected ']' (for root starting at {ROOT})" + AT.format(1, 26)),
        (" ]", f"Unexpected close marker ']': expected '}}' (for root starting at {ROOT})" + AT.format(1, 26)),
        (" ,", "Unexpected character (',' (code 44)): expected a value" + AT.format(1, 26)),
        (" :", f"Unexpected character (':' (code 58)): expected a valid value {VALUE}" + AT.format(1, 26)),
        (" #", f"Unexpected character ('#' (code 35)): expected a valid value {VALUE}" + AT.format(1, 26)),
        (
            " /",
            "Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since "
            "Feature 'ALLOW_COMMENTS' not enabled for parser)" + AT.format(1, 26),
        ),
        (" \x01", illegal(1, 26)),
    ],
)
def test_trailing_content_after_a_config_map(client: FlaskClient, tail: str, message: str) -> None:
    answer = client.put(VALIDATE, data=(BASE + tail).encode(), content_type="application/json")
    error(answer, 500, message)


def test_trailing_white_space_is_fine(client: FlaskClient) -> None:
    answer = client.put(
        VALIDATE, data=b'{"connector.class": "FileStreamSink"} \r\n\t ', content_type="application/json"
    )
    assert answer.status_code == 200  # validated: white space after the value is no token


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        (
            "POST",
            "/connectors",
            b'{"name":"t","config":{"connector.class":"nope"}} {}',
            trailing("START_OBJECT", f"{ENTITIES}.CreateConnectorRequest", 50),
        ),
        ("POST", "/connectors", b"null 5", trailing("VALUE_NUMBER_INT", f"{ENTITIES}.CreateConnectorRequest", 6)),
        (
            "PATCH",
            "/connectors/nope/offsets",
            b'{"offsets":[]} 5',
            trailing("VALUE_NUMBER_INT", f"{ENTITIES}.ConnectorOffsets", 16),
        ),
        ("PUT", "/admin/loggers/root", b'{"level":"INFO"} 5', trailing("VALUE_NUMBER_INT", "java.util.Map", 18)),
    ],
)
def test_trailing_token_names_the_bound_type(
    client: FlaskClient, method: str, path: str, body: bytes, message: str
) -> None:
    error(client.open(path, method=method, data=body, content_type="application/json"), 500, message)


def test_binding_errors_come_before_trailing_tokens(client: FlaskClient) -> None:
    answer = client.post("/connectors", data=b"5 x", content_type="application/json")
    assert answer.get_json()["message"].startswith(f"Cannot construct instance of `{ENTITIES}.CreateConnectorRequest`")


def test_the_internal_task_endpoint_ignores_trailing_tokens(client: FlaskClient) -> None:
    error(
        client.post("/connectors/nope/tasks", data=b"[] 5", content_type="application/json"),
        400,
        "Internal request missing required signature",
    )


@pytest.mark.parametrize(
    ("body", "code", "column"),
    [
        (b"\x00", 0, 2),
        (b" \x01", 1, 3),
        (b"{\x01", 1, 3),
        (b"{ \x00", 0, 4),
        (b'{\x01"a":"b"}', 1, 3),
        (b'{"a"\x01:"b"}', 1, 6),
        (b'{"a":\x02}', 2, 7),
        (b'{"a":"b"\x03}', 3, 10),
        (b'{"a":"b",\x00}', 0, 11),
        (b'{"a":"b" , \x05"c":"d"}', 5, 13),
        (b'{"a":"b"}\x00', 0, 11),
    ],
)
def test_control_characters_between_tokens(client: FlaskClient, body: bytes, code: int, column: int) -> None:
    error(client.put(VALIDATE, data=body, content_type="application/json"), 500, illegal(code, column))
