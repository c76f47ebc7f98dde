"""Client overrides on create and config replacement, with the texts a real 3.7.0 worker answered."""

from __future__ import annotations

from flask.testing import FlaskClient

UNPARSEABLE = {"connector.class": "FileStreamSource", "topic": "t", "producer.override.linger.ms": "abc"}


def test_an_override_its_type_cannot_parse_fails_create_and_replace_with_a_500(client: FlaskClient) -> None:
    message = "Invalid value abc for configuration linger.ms: Not a number of type LONG"
    created = client.post("/connectors", json={"name": "ovr", "config": UNPARSEABLE})
    replaced = client.put("/connectors/ovr2/config", json=UNPARSEABLE)
    assert (created.status_code, created.get_json()["message"]) == (500, message)
    assert (replaced.status_code, replaced.get_json()["message"]) == (500, message)
    assert client.get("/connectors").get_json() == []


def test_validate_names_the_config_exception_class(client: FlaskClient) -> None:
    answer = client.put("/connector-plugins/FileStreamSource/config/validate", json=UNPARSEABLE)
    assert answer.status_code == 500
    assert answer.get_json()["message"] == (
        "org.apache.kafka.common.config.ConfigException: Invalid value abc for configuration linger.ms: "
        "Not a number of type LONG"
    )


def test_a_sink_consumer_group_that_is_the_worker_group_is_refused(client: FlaskClient) -> None:
    config = {"connector.class": "FileStreamSink", "topics": "t", "consumer.override.group.id": "connect-cluster"}
    answer = client.post("/connectors", json={"name": "ovr3", "config": config})
    assert answer.status_code == 400
    assert answer.get_json()["message"] == (
        "Connector configuration is invalid and contains the following 1 error(s):\n"
        "Consumer group connect-cluster conflicts with Connect worker group connect-cluster\n"
        "You can also find the above list of errors at the endpoint "
        "`/connector-plugins/{connectorType}/config/validate`"
    )


def test_overrides_a_connector_has_no_client_for_are_not_listed(client: FlaskClient) -> None:
    config = {"connector.class": "FileStreamSource", "topic": "t", "consumer.override.max.poll.records": "x"}
    answer = client.put("/connector-plugins/FileStreamSource/config/validate", json=config)
    assert answer.status_code == 200
    names = [(c["definition"] or c["value"])["name"] for c in answer.get_json()["configs"]]
    assert not any("override" in name for name in names)
