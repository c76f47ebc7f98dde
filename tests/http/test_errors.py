"""Every error a single worker produces, with Kafka's exact status and text, through the test client."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from helpers import FILE_SOURCE, Connect, error, sink_config, source_config

JACKSON_SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/connectors/nope", "Connector nope not found"),
        ("DELETE", "/connectors/nope", "Connector nope not found"),
        ("GET", "/connectors/nope/config", "Connector nope not found"),
        ("GET", "/connectors/nope/tasks", "Connector nope not found"),
        ("GET", "/connectors/nope/tasks-config", "Connector nope not found"),
        ("GET", "/connectors/nope/offsets", "Connector nope not found"),
        ("DELETE", "/connectors/nope/offsets", "Connector nope not found"),
        ("GET", "/connectors/nope/status", "No status found for connector nope"),
        ("GET", "/connectors/nope/tasks/0/status", "No status found for task nope-0"),
        ("PUT", "/connectors/nope/pause", "Unknown connector nope"),
        ("PUT", "/connectors/nope/resume", "Unknown connector nope"),
        ("PUT", "/connectors/nope/stop", "Unknown connector nope"),
        ("POST", "/connectors/nope/restart", "Unknown connector: nope"),
        ("POST", "/connectors/nope/restart?onlyFailed=true", "Unknown connector: nope"),
        ("POST", "/connectors/nope/tasks/0/restart", "Unknown connector: nope"),
        ("GET", "/connector-plugins/Nope/config", "Unknown plugin Nope."),
        ("GET", "/admin/loggers/com.example.none", "Logger com.example.none not found."),
        ("GET", "/no/such/path", "HTTP 404 Not Found"),
        ("GET", "/connectors/src/bogus", "HTTP 404 Not Found"),
        ("GET", "/connectors/src/tasks/abc/status", "HTTP 404 Not Found"),
        ("GET", "/connectors/src/tasks/2147483648/status", "HTTP 404 Not Found"),
        ("GET", "/health", "HTTP 404 Not Found"),
    ],
)
def test_404s(client: FlaskClient, method: str, path: str, message: str) -> None:
    error(client.open(path, method=method), 404, message)


def test_unknown_task(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    error(client.post("/connectors/src/tasks/5/restart"), 404, "Unknown task: src-5")
    error(client.get("/connectors/src/tasks/-1/status"), 404, "No status found for task src--1")


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/connectors"), ("POST", "/connectors/x/pause"), ("PATCH", "/connectors/x/config"), ("POST", "/")],
)
def test_405_has_no_allow_header(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method)
    error(response, 405, "HTTP 405 Method Not Allowed")
    assert "Allow" not in response.headers


def test_409_on_an_existing_name(connect: Connect) -> None:
    connect.create("src")
    error(connect.create("src"), 409, "Connector src already exists")


def test_400_texts(connect: Connect, client: FlaskClient) -> None:
    error(
        connect.create("a", source_config(name="b")),
        400,
        "Connector name configuration (b) doesn't match connector name in the URL (a)",
    )
    error(connect.create("a", {"topic": "t"}), 400, "Connector config {name=a, topic=t} contains no connector type")
    error(
        connect.create("a", {"connector.class": FILE_SOURCE}),
        400,
        "Connector configuration is invalid and contains the following 1 error(s):\n"
        'Missing required configuration "topic" which has no default value.\n'
        "You can also find the above list of errors at the endpoint "
        "`/connector-plugins/{connectorType}/config/validate`",
    )
    error(
        client.put("/connector-plugins/FileStreamSink/config/validate", json=source_config()),
        400,
        "Included connector type org.apache.kafka.connect.file.FileStreamSourceConnector does not match request type "
        "FileStreamSink",
    )
    error(
        client.put("/admin/loggers/x", json={"levl": "INFO"}),
        400,
        "Desired 'level' parameter was not specified in request.",
    )
    error(client.put("/admin/loggers/x", json={"level": "LOUD"}), 404, "invalid log level 'LOUD'.")


def test_offsets_errors(connect: Connect, client: FlaskClient) -> None:
    connect.create_sink("sink")
    one = {"offsets": [{"partition": {"kafka_topic": "t", "kafka_partition": 0}, "offset": None}]}
    error(
        client.patch("/connectors/sink/offsets", json=one),
        400,
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the "
        "specified connector by issuing a 'PUT' request to the '/connectors/sink/stop' endpoint",
    )
    client.put("/connectors/sink/stop")
    for empty in ({}, {"offsets": []}):
        error(
            client.patch("/connectors/sink/offsets", json=empty),
            400,
            "Partitions / offsets need to be provided for an alter offsets request",
        )


def test_unknown_connector_class_is_500(connect: Connect) -> None:
    response = connect.create("a", {"connector.class": "Nope"})
    assert response.status_code == 500
    assert response.get_json()["message"].startswith(
        "Failed to find any class that implements Connector and which name matches Nope, available connectors are: "
    )


def test_internal_endpoints_answer_like_an_unsigned_request(client: FlaskClient) -> None:
    error(client.post("/connectors/x/tasks", json=[]), 400, "Internal request missing required signature")
    error(client.put("/connectors/x/fence"), 400, "Internal request missing required signature")


class TestContentTypes:
    def test_non_json_content_type_is_415_even_without_a_body(self, connect: Connect, client: FlaskClient) -> None:
        connect.create("src")
        error(client.put("/connectors/src/pause", content_type="text/plain"), 415, "HTTP 415 Unsupported Media Type")
        error(
            client.post("/connectors/src/restart", data="", content_type="application/x-www-form-urlencoded"),
            415,
            "HTTP 415 Unsupported Media Type",
        )

    def test_a_body_without_content_type_is_415(self, client: FlaskClient) -> None:
        error(client.post("/connectors", data=b'{"name":"a"}'), 415, "HTTP 415 Unsupported Media Type")

    def test_json_with_parameters_is_fine(self, client: FlaskClient) -> None:
        response = client.post(
            "/connectors",
            data='{"name":"a","config":{"connector.class":"FileStreamSink","topics":"t"}}',
            content_type="application/json; charset=utf-8",
        )
        assert response.status_code == 201

    def test_vendor_json_is_not_json(self, client: FlaskClient) -> None:
        error(client.get("/connectors", content_type="application/vnd.x+json"), 415, "HTTP 415 Unsupported Media Type")

    def test_root_accepts_any_content_type(self, client: FlaskClient) -> None:
        assert client.get("/", content_type="text/plain").status_code == 200

    def test_method_is_checked_before_content_type(self, client: FlaskClient) -> None:
        error(client.post("/connectors/x/pause", content_type="text/plain"), 405, "HTTP 405 Method Not Allowed")

    def test_accept_excluding_json_is_406(self, client: FlaskClient) -> None:
        error(client.get("/connectors", headers={"Accept": "text/plain"}), 406, "HTTP 406 Not Acceptable")


class TestMalformedBodies:
    def post(self, client: FlaskClient, raw: str | bytes) -> dict[str, object]:
        response = client.post("/connectors", data=raw, content_type="application/json")
        assert response.status_code == 500
        body = response.get_json()
        assert body["error_code"] == 500
        return body

    def test_truncated_json(self, client: FlaskClient) -> None:
        message = str(self.post(client, '{"name": "x",')["message"])
        assert message.startswith("Unexpected end-of-input")
        assert JACKSON_SOURCE in message

    def test_bad_field_name(self, client: FlaskClient) -> None:
        message = str(self.post(client, '{"name": "x", }')["message"])
        assert message.startswith(
            "Unexpected character ('}' (code 125)): was expecting double-quote to start field name"
        )

    def test_unknown_field(self, client: FlaskClient) -> None:
        message = str(self.post(client, '{"name": "x", "config": {}, "extra": 1}')["message"])
        assert message.startswith('Unrecognized field "extra" (class org.apache.kafka.connect.runtime.rest.entities.')

    def test_nested_config_value(self, client: FlaskClient) -> None:
        message = str(self.post(client, '{"name": "x", "config": {"a": {"b": 1}}}')["message"])
        assert message.startswith(
            "Cannot deserialize value of type `java.lang.String` from Object value (token `JsonToken.START_OBJECT`)"
        )

    def test_array_body(self, client: FlaskClient) -> None:
        assert str(self.post(client, "[]")["message"]).startswith("Cannot deserialize value of type")

    def test_bad_initial_state(self, client: FlaskClient) -> None:
        message = str(self.post(client, '{"name":"x","config":{},"initial_state":"asleep"}')["message"])
        assert (
            "No enum constant org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.InitialState.ASLEEP"
            in message
        )

    def test_empty_and_null_bodies_are_null_pointer_500s(self, client: FlaskClient) -> None:
        expected = (
            'Cannot invoke "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest.name()" '
            'because "createRequest" is null'
        )
        assert self.post(client, "")["message"] == expected
        assert self.post(client, "null")["message"] == expected
        assert self.post(client, '{"name":"x"}')["message"] == (
            'Cannot invoke "java.util.Map.get(Object)" because "connectorConfig" is null'
        )

    def test_invalid_utf8(self, client: FlaskClient) -> None:
        assert str(self.post(client, b'{"name": "\xff"}')["message"]).startswith("Invalid UTF-8")

    def test_state_is_unchanged_after_bad_input(self, client: FlaskClient) -> None:
        self.post(client, '{"name": "x", "config": {"a": [1]}}')
        assert client.get("/connectors").get_json() == []


def test_trailing_slashes_are_accepted(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    assert client.get("/connectors/").status_code == 200
    assert client.get("/connectors/src/status/").status_code == 200


def test_head_and_options(connect: Connect, client: FlaskClient) -> None:
    connect.create("src")
    head = client.head("/connectors/src")
    assert (head.status_code, head.data) == (200, b"")
    options = client.options("/connectors/src/config")
    assert options.status_code == 200
    # Jersey's automatic OPTIONS: a text/plain list, in Java HashSet order, as a real worker sends it.
    assert options.headers["Allow"] == "HEAD,GET,OPTIONS,PUT"
    assert options.headers["Content-Type"] == "text/plain"
    assert options.get_data(as_text=True) == "HEAD, GET, OPTIONS, PUT"


def test_body_over_the_limit_is_413(client: FlaskClient) -> None:
    big = {"name": "x", "config": {**sink_config(), "pad": "x" * (1024 * 1024)}}
    error(client.post("/connectors", json=big), 413, "HTTP 413 Request Entity Too Large")
    assert client.get("/connectors").get_json() == []


@pytest.mark.parametrize(
    ("accept", "content_type", "body"),
    [
        (None, "text/plain", "HEAD, POST, GET, OPTIONS"),
        ("*/*", "text/plain", "HEAD, POST, GET, OPTIONS"),
        ("text/*", "text/plain", "HEAD, POST, GET, OPTIONS"),
        ("application/json, text/plain", "text/plain", "HEAD, POST, GET, OPTIONS"),
        ("text/plain;q=0", "text/plain", "HEAD, POST, GET, OPTIONS"),
        ("application/json", "application/json", ""),
        ("application/json;q=0.5, text/html", "text/html", ""),
        ("image/png;q=0.9, application/json", "application/json", ""),
        ("application/json;charset=utf-8", "application/json;charset=utf-8", ""),
        ("foo", "foo/*", ""),
    ],
)
def test_options_follows_accept(client: FlaskClient, accept: str | None, content_type: str, body: str) -> None:
    """Measured on a real 3.7.0 worker: the method list only for clients that accept text/plain,
    otherwise an empty 200 typed as the preferred accepted media type; Allow either way."""
    answer = client.options("/connectors", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 200
    assert answer.headers["Allow"] == "HEAD,POST,GET,OPTIONS"
    assert answer.headers["Content-Type"] == content_type
    assert answer.get_data(as_text=True) == body
