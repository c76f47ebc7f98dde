"""Which unknown field a bean body is refused for: the first in document order, as Jackson 2.16 does.

Kafka's request beans (CreateConnectorRequest, ConnectorOffsets, ConnectorOffset) are read through a
properties-based creator: unknown properties are buffered until the creator has run, then the first
buffered one fails; after that, an unknown property fails at once. Either way the first unknown in
document order is named, an empty name ``""`` included, unless a known property's value fails first.
Every case here was answered so by a real 3.7.0 worker (docs: /work/notes/issue12-research.md;
recorded in tests/live/recorded/kafka-3.7.0/jackson-bodies.json).
"""

from __future__ import annotations

import json

import pytest

from mockconnect import create_app

FLAG = "\U0001f1fa\U0001f1f8"
OFFSET = '{"partition":{"kafka_topic":"t","kafka_partition":0},"offset":{"kafka_offset":1}}'
CONFIG = '{"connector.class":"FileStreamSink","topics":"t"}'
CREATE = "CreateConnectorRequest"


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "bean"),
    [
        ("PATCH", "/connectors/zz/offsets", '{"a":1,"":2,"' + FLAG + '":3}', "a", "ConnectorOffsets"),
        ("PATCH", "/connectors/zz/offsets", '{"' + FLAG + '":3,"":2,"a":1}', FLAG, "ConnectorOffsets"),
        ("PATCH", "/connectors/zz/offsets", '{"":2,"' + FLAG + '":3}', "", "ConnectorOffsets"),
        ("PATCH", "/connectors/zz/offsets", '{"b":1,"offsets":[' + OFFSET + '],"a":2}', "b", "ConnectorOffsets"),
        ("PATCH", "/connectors/zz/offsets", '{"offsets":[' + OFFSET + '],"b":1,"a":2}', "b", "ConnectorOffsets"),
        ("PATCH", "/connectors/zz/offsets", '{"offsets":[],"":1,"a":2}', "", "ConnectorOffsets"),
        ("PATCH", "/connectors/zz/offsets", '{"offsets":[{"":1,"x":2,' + OFFSET[1:] + "]}", "", "ConnectorOffset"),
        ("PATCH", "/connectors/zz/offsets", '{"offsets":[{"x":1,"":2,' + OFFSET[1:] + "]}", "x", "ConnectorOffset"),
        ("PATCH", "/connectors/zz/offsets", '{"":1,"offsets":[{"x":1}]}', "x", "ConnectorOffset"),
        ("POST", "/connectors", '{"":1,"x":2}', "", CREATE),
        ("POST", "/connectors", '{"x":1,"":2}', "x", CREATE),
        ("POST", "/connectors", '{"name":"j1","":1,"config":' + CONFIG + ',"x":2}', "", CREATE),
        ("POST", "/connectors", '{"":{"a":[1,2]},"z":1}', "", CREATE),
        ("POST", "/connectors", '{"' + FLAG + '":1,"":2,"name":"j1"}', FLAG, CREATE),
    ],
)
def test_the_first_unknown_field_is_named(method: str, path: str, body: str, field: str, bean: str) -> None:
    answer = (
        create_app()
        .test_client()
        .open(path, method=method, data=body.encode(), headers={"Content-Type": "application/json"})
    )
    assert answer.status_code == 500
    message = json.loads(answer.get_data())["message"]
    prefix = f'Unrecognized field "{field}" (class org.apache.kafka.connect.runtime.rest.entities.{bean}), '
    assert message.startswith(prefix), message


def test_a_known_propertys_bad_value_wins_over_an_earlier_unknown() -> None:
    client = create_app().test_client()
    for path, method, body, text in [
        ("/connectors/zz/offsets", "PATCH", '{"zz":1,"aa":2,"offsets":"x"}', "Cannot deserialize value of type"),
        ("/connectors", "POST", '{"":1,"name":"j1","config":{},"initial_state":"bogus"}', "No enum constant"),
    ]:
        answer = client.open(path, method=method, data=body.encode(), headers={"Content-Type": "application/json"})
        assert answer.status_code == 500
        assert text in json.loads(answer.get_data())["message"]
