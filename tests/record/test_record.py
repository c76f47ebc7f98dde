"""``mockconnect record`` against a served mock standing in for a user's cluster: the recording
checks clean, replays every GET it covers, leaks no secret, and sends nothing but GETs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from recording import JSON, SECRETS, compare_gets, covered_paths, serve_file

from mockconnect.cli import main
from mockconnect.conformance.normalise import differences
from mockconnect.conformance.policy import Refused
from mockconnect.mock import scenario
from mockconnect.record.reader import Access, Reader
from mockconnect.record.recorder import Options, record
from mockconnect.record.secrets import REDACTED
from mockconnect.server import MockConnect

VAULT = "com.example.vault.VaultSourceConnector"
REDACTED_JSON = f'"{REDACTED}"'
MODE_AT = 22  # the vault plugin's "mode" key in a validate answer: after the framework's keys


def run_record(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["record", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def recorded(capsys: pytest.CaptureFixture[str], url: str, path: Path, *args: str) -> dict[str, Any]:
    code, _, err = run_record(capsys, url, "-o", str(path), "--loggers", *args)
    assert code == 0, err
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_a_recording_replays_every_get_it_covers(
    source: MockConnect, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cluster.yaml"
    data = recorded(capsys, source.url, path, "--keep-secrets")
    assert sorted(data["state"]["connectors"]) == ["audit-stopped", "lines-paused", "orders-failing", "vault-source"]
    assert [p["class"] for p in data["cluster"]["plugins"]["add"]] == [
        VAULT,
        "com.example.smt.MaskSecrets",
        "com.example.avro.ExampleAvroConverter",
    ]
    assert main(["scenario", "check", str(path)]) == 0
    replay = serve_file(path)
    try:
        paths = covered_paths(source.url)
        assert len(paths) > 60
        assert sorted(covered_paths(replay.url)) == sorted(paths)
        assert compare_gets(source.url, replay.url, paths) == []
    finally:
        replay.stop()
    # The comparison does see a difference when there is one.
    data["state"]["connectors"]["orders-failing"]["tasks"][0]["status"]["state"] = "PAUSED"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    replay = serve_file(path)
    try:
        found = compare_gets(source.url, replay.url, paths)
    finally:
        replay.stop()
    assert 'GET /connectors/orders-failing/tasks/0/status: body.state: "RUNNING" != "PAUSED"' in found


def test_a_redacted_recording_differs_only_where_it_redacted(
    source: MockConnect, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cluster.yaml"
    recorded(capsys, source.url, path)
    replay = serve_file(path)
    try:
        found = compare_gets(source.url, replay.url, covered_paths(source.url))
    finally:
        replay.stop()
    assert found, "the recording redacted secrets, so their answers differ"
    assert all(line.endswith(REDACTED_JSON) or f"{REDACTED}@" in line for line in found), found


def test_the_recording_holds_what_the_cluster_showed(
    source: MockConnect, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = recorded(capsys, source.url, tmp_path / "cluster.yaml")
    cluster, connectors = data["cluster"], data["state"]["connectors"]
    assert cluster["worker_id"] == "connect-1:8083"
    assert cluster["workers"] == ["connect-2:8083"]
    assert cluster["cluster_id"] == "rEcOrDeDcLuStEr1234567"
    assert connectors["lines-paused"]["target_state"] == "PAUSED"
    assert connectors["audit-stopped"]["target_state"] == "STOPPED"
    assert connectors["audit-stopped"]["tasks"] == []
    assert len(connectors["audit-stopped"]["offsets"]) == 2
    failed = connectors["orders-failing"]["tasks"][1]["status"]
    assert failed["state"] == "FAILED"
    assert "disk full" in failed["trace"]
    assert data["state"]["loggers"]["org.apache.kafka.connect"]["level"] == "DEBUG"
    vault = cluster["plugins"]["add"][0]
    # The plugin's own keys, without the framework keys the worker appends to its config answer.
    assert [key["name"] for key in vault["config"]] == ["vault.url", "vault.token", "poll.interval.ms", "mode"]
    assert vault["config"][0]["dependents"] == ["vault.token"]
    assert vault["config"][1]["type"] == "PASSWORD"
    assert vault["task_class"] == "com.example.vault.VaultSourceTask"
    assert vault["tasks"] == "one"  # tasks.max 3, one task


def test_no_secret_leaves_the_cluster(source: MockConnect, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cluster.yaml"
    data = recorded(capsys, source.url, path)
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text
        assert secret[5:20] not in text  # no part of it either
    config = data["state"]["connectors"]["vault-source"]["config"]
    assert config["vault.token"] == REDACTED  # PASSWORD in the plugin's config definitions
    assert config["aws.secret.key"] == REDACTED  # by its name
    assert config["connection.url"] == f"jdbc:postgresql://app:{REDACTED}@db.internal:5432/app"
    assert config["key.converter"] == "com.example.avro.ExampleAvroConverter"  # not a key
    assert data["state"]["connectors"]["vault-source"]["tasks"][0]["config"]["vault.token"] == REDACTED
    # The placeholders still validate on the mock that serves the recording.
    replay = serve_file(path)
    try:
        answer = requests.put(
            f"{replay.url}/connector-plugins/VaultSourceConnector/config/validate", json=config, timeout=10
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["error_count"] == 0, answer.text
    finally:
        replay.stop()


def test_keep_secrets_keeps_them_and_warns(
    source: MockConnect, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cluster.json"
    code, _, err = run_record(capsys, source.url, "-o", str(path), "--keep-secrets")
    assert code == 0, err
    assert "--keep-secrets" in err
    assert "clear text" in err
    text = path.read_text(encoding="utf-8")
    assert all(secret in text for secret in SECRETS)
    assert json.loads(text)["state"]["connectors"]["vault-source"]["config"]["vault.token"] == SECRETS[0]


def test_only_get_requests_leave_the_process(source: MockConnect, tmp_path: Path) -> None:
    before = len(source.journal)
    refused: list[str] = []

    class Meddling(io.StringIO):
        """A progress stream that tries to write to the cluster while the recording runs."""

        def write(self, text: str) -> int:
            try:
                requests.post(f"{source.url}/connectors", json={"name": "x", "config": {}}, timeout=5)
            except Refused as exc:
                refused.append(exc.reason)
            return super().write(text)

    recording = record(Options(url=source.url, loggers=True, progress=Meddling()))
    entries = source.journal.entries()[before:]
    assert recording.requests == len(entries) > 10
    assert {entry.method for entry in entries} == {"GET"}
    assert refused
    assert set(refused) == {"read-only run: only GET requests are sent"}

    reader = Reader(source.url, Access(), timeout=5, concurrency=1)
    with pytest.raises(Refused):
        reader._session().post(f"{source.url}/connectors", data=b"{}", headers=JSON)
    with pytest.raises(Refused):  # another address, even with GET
        reader._session().get("http://127.0.0.2:9/connectors")
    assert len(source.journal) == before + len(entries)


def test_validate_answers_as_the_definitions_allow_and_a_validator_can_be_added(
    source: MockConnect, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cluster.yaml"
    data = recorded(capsys, source.url, path)

    def validate(url: str, config: dict[str, str]) -> Any:
        answer = requests.put(f"{url}/connector-plugins/{VAULT}/config/validate", json=config, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    missing = {"connector.class": VAULT, "name": "v", "poll.interval.ms": "soon"}
    bad_mode = {"connector.class": VAULT, "name": "v", "vault.url": "u", "vault.token": "t", "mode": "sometimes"}
    replay = serve_file(path)
    try:
        # GET .../config shows neither validators nor recommenders: only those answers differ.
        found = differences(validate(source.url, missing), validate(replay.url, missing))
        assert found == [f'configs[{MODE_AT}].value.recommended_values: ["bulk", "incremental"] != []']
        assert validate(source.url, bad_mode)["error_count"] == 1
        assert validate(replay.url, bad_mode)["error_count"] == 0
    finally:
        replay.stop()
    # What the recording cannot know, the user adds by hand: the validator and recommended values.
    mode = data["cluster"]["plugins"]["add"][0]["config"][3]
    mode["validator"] = {"kind": "in", "values": ["bulk", "incremental"]}
    mode["recommended_values"] = ["bulk", "incremental"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    replay = serve_file(path)
    try:
        assert validate(replay.url, bad_mode) == validate(source.url, bad_mode)
        assert validate(replay.url, missing) == validate(source.url, missing)
    finally:
        replay.stop()


def test_the_recorded_connectors_can_be_driven(
    source: MockConnect, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cluster.yaml"
    recorded(capsys, source.url, path)
    replay = serve_file(path)
    base = replay.url
    try:
        assert requests.put(f"{base}/connectors/vault-source/pause", timeout=10).status_code == 202
        state = requests.get(f"{base}/connectors/vault-source/status", timeout=10).json()["connector"]["state"]
        assert state == "PAUSED"
        assert requests.put(f"{base}/connectors/orders-failing/stop", timeout=10).status_code == 204
        moved = {"partition": {"kafka_topic": "audit", "kafka_partition": 0}, "offset": {"kafka_offset": 5}}
        offsets = {"offsets": [moved]}
        answer = requests.patch(f"{base}/connectors/audit-stopped/offsets", json=offsets, timeout=10)
        assert answer.status_code == 200, answer.text
        listed = requests.get(f"{base}/connectors/audit-stopped/offsets", timeout=10).json()["offsets"]
        assert moved in listed
        assert requests.delete(f"{base}/connectors/lines-paused", timeout=10).status_code == 204
        assert sorted(requests.get(f"{base}/connectors", timeout=10).json()) == [
            "audit-stopped",
            "orders-failing",
            "vault-source",
        ]
        # A new connector of a recorded plugin gets the task rules the recording inferred.
        config = {"connector.class": VAULT, "vault.url": "u", "vault.token": "t", "tasks.max": "4"}
        answer = requests.post(f"{base}/connectors", json={"name": "vault-2", "config": config}, timeout=10)
        assert answer.status_code == 201, answer.text
        tasks = requests.get(f"{base}/connectors/vault-2/tasks", timeout=10).json()
        assert [task["config"]["task.class"] for task in tasks] == ["com.example.vault.VaultSourceTask"]
    finally:
        replay.stop()


def test_progress_for_many_connectors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    connectors = {
        f"sink-{index:03d}": {
            "config": {"connector.class": "FileStreamSink", "topics": f"t{index}", "tasks.max": "2"},
            "offsets": [
                {"partition": {"kafka_topic": f"t{index}", "kafka_partition": 0}, "offset": {"kafka_offset": 1}}
            ],
        }
        for index in range(120)
    }
    with MockConnect() as mock:
        answer = requests.put(f"{mock.url}/_mockconnect/state", json={"connectors": connectors}, timeout=30)
        assert answer.status_code in (200, 204), answer.text
        path = tmp_path / "many.yaml"
        code, _, err = run_record(capsys, mock.url, "-o", str(path), "--concurrency", "3")
    assert code == 0, err
    assert "connectors: reading tasks, offsets and topics (3 at a time)" in err
    assert "connectors 120/120" in err
    assert "120 connectors" in err
    assert "bytes written to" in err
    loaded = scenario.load(path)
    assert len(loaded.state["connectors"]) == 120


def test_usage_errors_are_clear(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cases = [
        (["http://127.0.0.1:9"], "cannot reach http://127.0.0.1:9"),
        (["ftp://example"], "is not a worker URL"),
        (["http://alice:pw@127.0.0.1:9"], "the worker URL holds credentials"),
        (["http://127.0.0.1:9", "-o", str(tmp_path / "x.txt")], "must end in .yaml, .yml or .json"),
        (["http://127.0.0.1:9", "--user", "alice"], "needs a password"),
        (["http://127.0.0.1:9", "--cacert", str(tmp_path / "none.pem")], "no such file"),
    ]
    for args, message in cases:
        code, out, err = run_record(capsys, *args)
        assert code == 2, (args, err)
        assert message in err, (args, err)
        assert "Traceback" not in err
        assert out == ""


def test_a_url_that_is_no_worker(capsys: pytest.CaptureFixture[str]) -> None:
    with MockConnect() as mock:
        code, _, err = run_record(capsys, mock.url + "/connectors")
    assert code == 2
    assert "base URL" in err


def test_a_slow_worker_times_out_and_a_rebalance_is_waited_out(capsys: pytest.CaptureFixture[str]) -> None:
    with MockConnect() as mock:
        mock.state.load_scenario(scenario.load("healthy-cluster"))
        faults = f"{mock.url}/_mockconnect/faults"
        rebalance = {
            "when": {"operation": "getConnectorOffsets", "first": 2},
            "respond": {"status": 409, "message": "Request cannot be completed because a rebalance is expected"},
            "off_spec": True,
        }
        assert requests.post(faults, json=rebalance, timeout=10).status_code == 201, "fault refused"
        code, out, err = run_record(capsys, mock.url, "--concurrency", "1")
        assert code == 0, err
        assert out.startswith("version: 1\n")  # YAML on standard output without -o
        assert "could not be read" not in err  # both 409s were asked again
        slow = {"when": {"operation": "getConnectorActiveTopics"}, "delay": 1.0}
        assert requests.post(faults, json=slow, timeout=10).status_code == 201
        code, _, err = run_record(capsys, mock.url, "--request-timeout", "0.3", "--concurrency", "1")
    assert code == 2
    assert "got no answer within 0.3 s (3 tries)" in err
    assert "--request-timeout" in err
