"""Java hashCode() and HashMap order for JSON values, checked against a JDK 17 (jshell) and a real worker."""

from __future__ import annotations

from flask.testing import FlaskClient

from mockconnect.worker.javamap import hash_map_entries, java_hash


def test_hash_codes_as_the_jdk_computes_them() -> None:
    # Values printed by jshell (JDK 17) for the same objects Jackson builds.
    assert java_hash(7) == 7
    assert java_hash(-193391398807) == 117870523  # Long
    assert java_hash(123456789012345678901234567890) == 1915528825  # BigInteger
    assert java_hash(-123456789012345678901234567890) == -1915528825
    assert java_hash(1.5) == 1073217536  # Double
    assert java_hash(-1e300) == 1983353248
    assert java_hash([False, None, "x", 3]) == 37778711  # ArrayList
    assert java_hash({"filename": "/tmp/a", "n": 5, "l": [False, None, "x", 3]}) == -2059508093


def test_hash_map_order_of_partition_maps_as_the_jdk_iterates_them() -> None:
    names = ["a", "b", "c", "zz", "/tmp/x", "", "éä", *(f"q{i}" for i in range(1, 14))]
    entries: list[tuple[dict[str, str] | None, int]] = [({"filename": f}, 1) for f in names]
    entries.append((None, 2))
    order = ["null" if key is None else key["filename"] for key, _ in hash_map_entries(entries)]
    assert ",".join(order) == "q12,null,q13,q10,q11,éä,/tmp/x,c,q4,b,q3,a,q2,zz,,q1,q8,q7,q6,q5,q9"


def test_a_repeated_key_keeps_its_place_and_takes_the_last_value() -> None:
    entries = hash_map_entries([({"f": "a"}, 1), ({"f": "b"}, 2), ({"f": "a"}, 3)])
    assert {key["f"]: value for key, value in entries} == {"a": 3, "b": 2}
    # Java's equals: Integer 1 and Double 1.0 are different keys.
    assert len(hash_map_entries([({"n": 1}, 1), ({"n": 1.0}, 2)])) == 2


SOURCE = {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "topic": "t", "file": "/tmp/x"}


def test_offsets_are_checked_in_the_order_a_real_worker_checks_them(client: FlaskClient) -> None:
    assert client.put("/connectors/src/config", json=SOURCE).status_code == 201
    assert client.put("/connectors/src/stop").status_code == 204
    many = {"offsets": [{"partition": {"filename": f"f{i}"}, "offset": {f"k{i}": []}} for i in range(20)]}
    answer = client.patch("/connectors/src/offsets", json=many)
    # A real 3.7.0 worker names k9: the HashMap of ConnectorOffsets.toMap(), not the list order.
    assert (
        answer.get_json()["message"]
        == "Offsets may only contain primitive types as values, but field k9 contains ARRAY"
    )
    repeated = {
        "offsets": [
            {"partition": {"filename": "a"}, "offset": {"p": []}},
            {"partition": {"filename": "a"}, "offset": {"q": {}}},
        ]
    }
    answer = client.patch("/connectors/src/offsets", json=repeated)
    assert (
        answer.get_json()["message"] == "Offsets may only contain primitive types as values, but field q contains MAP"
    )


def test_an_immutable_map_iterates_from_its_salted_slot() -> None:
    from mockconnect.worker.javamap import immutable_map_order

    # Keys 0 and 1 of Map.copyOf sit in slots 0 and 1 of 4; the iterator moves before it reads.
    assert immutable_map_order([0, 1], 0.0, upward=True) == [1, 0]
    assert immutable_map_order([0, 1], 0.3, upward=True) == [0, 1]
    assert immutable_map_order([0, 1], 0.3, upward=False) == [0, 1]
    assert immutable_map_order([0, 1], 0.6, upward=False) == [1, 0]
    assert immutable_map_order([0, 1, 2], 0.3, upward=True) == [2, 0, 1]
    assert immutable_map_order([0, 1, 2], 0.9, upward=False) == [2, 1, 0]
    assert immutable_map_order([0, 4], 0.0, upward=True) == [4, 0]  # 4 probes past 0 into slot 1
    assert immutable_map_order([7], 0.5, upward=True) == [7]
