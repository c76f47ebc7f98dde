"""Checks on the contract itself: openapi/kafka-connect.yaml.

The document describes a real Apache Kafka 3.7.0 Connect worker. These tests keep it valid,
loadable by openapi-core, self-consistent (every example matches its schema) and faithful to the
conventions the mock is written against (operationIds, status codes per operation, strict objects).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_core import OpenAPI
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT = Path(__file__).resolve().parents[2] / "openapi" / "kafka-connect.yaml"
BASE_URI = "urn:mockconnect:kafka-connect"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

OPERATIONS = {
    "getWorkerInfo": ("get", "/"),
    "listConnectors": ("get", "/connectors"),
    "createConnector": ("post", "/connectors"),
    "getConnector": ("get", "/connectors/{connector}"),
    "deleteConnector": ("delete", "/connectors/{connector}"),
    "getConnectorConfig": ("get", "/connectors/{connector}/config"),
    "putConnectorConfig": ("put", "/connectors/{connector}/config"),
    "getConnectorStatus": ("get", "/connectors/{connector}/status"),
    "restartConnector": ("post", "/connectors/{connector}/restart"),
    "pauseConnector": ("put", "/connectors/{connector}/pause"),
    "resumeConnector": ("put", "/connectors/{connector}/resume"),
    "stopConnector": ("put", "/connectors/{connector}/stop"),
    "listConnectorTasks": ("get", "/connectors/{connector}/tasks"),
    "getTasksConfig": ("get", "/connectors/{connector}/tasks-config"),
    "getTaskStatus": ("get", "/connectors/{connector}/tasks/{task}/status"),
    "restartTask": ("post", "/connectors/{connector}/tasks/{task}/restart"),
    "getConnectorActiveTopics": ("get", "/connectors/{connector}/topics"),
    "resetConnectorActiveTopics": ("put", "/connectors/{connector}/topics/reset"),
    "getConnectorOffsets": ("get", "/connectors/{connector}/offsets"),
    "alterConnectorOffsets": ("patch", "/connectors/{connector}/offsets"),
    "resetConnectorOffsets": ("delete", "/connectors/{connector}/offsets"),
    "listConnectorPlugins": ("get", "/connector-plugins"),
    "getConnectorConfigDef": ("get", "/connector-plugins/{plugin}/config"),
    "validateConnectorConfig": ("put", "/connector-plugins/{plugin}/config/validate"),
    "listLoggers": ("get", "/admin/loggers"),
    "getLogger": ("get", "/admin/loggers/{logger}"),
    "setLevel": ("put", "/admin/loggers/{logger}"),
}

# Operations that go through HerderRequestHandler.completeOrForwardRequest (reference 1.6).
FORWARDING = {
    "createConnector",
    "putConnectorConfig",
    "deleteConnector",
    "restartConnector",
    "restartTask",
    "stopConnector",
    "alterConnectorOffsets",
    "resetConnectorOffsets",
}

LINK_TARGETS = {
    "getConnector",
    "getConnectorConfig",
    "putConnectorConfig",
    "pauseConnector",
    "resumeConnector",
    "stopConnector",
    "listConnectorTasks",
    "getConnectorOffsets",
    "deleteConnector",
}

SHARED_RESPONSES = {
    "400": "BadRequest",
    "403": "Forbidden",
    "404": "NotFound",
    "406": "NotAcceptable",
    "409": "Conflict",
    "413": "PayloadTooLarge",
    "415": "UnsupportedMediaType",
    "500": "ServerError",
}


def _load() -> dict[str, Any]:
    with DOCUMENT.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


DOC = _load()


def _resolve(node: Any) -> Any:
    """Follow local `$ref`s until a non-reference object is reached."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = DOC
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _pointer(path: tuple[str, ...]) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path)


def _operations() -> Iterator[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    for path, item in DOC["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                params = [_resolve(p) for p in item.get("parameters", []) + op.get("parameters", [])]
                yield path, method, op, params


OPS_BY_ID = {op["operationId"]: (path, method, op, params) for path, method, op, params in _operations()}


def _validator_for(pointer: str) -> Draft202012Validator:
    registry = Registry().with_resource(BASE_URI, Resource(contents=DOC, specification=DRAFT202012))
    return Draft202012Validator({"$ref": BASE_URI + pointer}, registry=registry)


def _examples() -> Iterator[tuple[str, str, Any]]:
    """Yield (label, schema pointer, example value) for every example in the document."""

    def walk_schema(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, str, Any]]:
        if isinstance(node, dict):
            if "example" in node and ("type" in node or "properties" in node or "items" in node):
                yield _pointer(path), _pointer(path), node["example"]
            for key, value in node.items():
                if key not in ("example", "examples", "enum", "default", "const"):
                    yield from walk_schema(value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk_schema(value, path + (str(i),))

    def holder_examples(holder: dict[str, Any], path: tuple[str, ...]) -> Iterator[tuple[str, str, Any]]:
        """Examples of a media type, parameter or header object, against its `schema`."""
        if "schema" not in holder:
            return
        schema_pointer = _pointer(path + ("schema",))
        if "example" in holder:
            yield _pointer(path + ("example",)), schema_pointer, holder["example"]
        for name, example in holder.get("examples", {}).items():
            example = _resolve(example)
            if "value" in example:
                yield _pointer(path + ("examples", name)), schema_pointer, example["value"]

    def walk_document(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, str, Any]]:
        if isinstance(node, dict):
            if "schema" in node and isinstance(node["schema"], dict):
                yield from holder_examples(node, path)
            for key, value in node.items():
                if key in ("schema", "schemas", "examples", "example"):
                    continue
                yield from walk_document(value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk_document(value, path + (str(i),))

    yield from walk_schema(DOC["components"]["schemas"], ("components", "schemas"))
    for path, item in DOC["paths"].items():
        yield from walk_schema(item, ("paths", path))
    yield from walk_document(DOC["paths"], ("paths",))
    yield from walk_document({k: v for k, v in DOC["components"].items() if k != "schemas"}, ("components",))


EXAMPLES = list(_examples())


def test_document_passes_openapi_spec_validator() -> None:
    assert DOC["openapi"] == "3.1.0"
    validate(DOC)


def test_document_loads_in_openapi_core() -> None:
    openapi = OpenAPI.from_file_path(str(DOCUMENT))
    assert "3.1" in str(openapi.version)


def test_info_and_servers() -> None:
    assert DOC["info"]["title"] == "Kafka Connect REST API"
    assert DOC["info"]["version"] == "3.7.0"
    assert "3.7.0" in DOC["info"]["description"]
    assert DOC["servers"] == [{"url": "http://localhost:8083", "description": DOC["servers"][0]["description"]}]


def test_exactly_the_27_operations() -> None:
    found = {op["operationId"]: (method, path) for path, method, op, _ in _operations()}
    assert found == OPERATIONS
    assert len(list(_operations())) == 27


def test_internal_endpoints_are_not_documented() -> None:
    assert "post" not in DOC["paths"].get("/connectors/{connector}/tasks", {})
    assert "/connectors/{connector}/fence" not in DOC["paths"]


def test_only_tasks_config_is_deprecated() -> None:
    deprecated = {op["operationId"] for _, _, op, _ in _operations() if op.get("deprecated")}
    assert deprecated == {"getTasksConfig"}


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_operation_has_summary_description_and_tag(operation_id: str) -> None:
    _, _, op, _ = OPS_BY_ID[operation_id]
    assert op.get("summary")
    assert op.get("description")
    assert op.get("tags")


def test_path_parameters_are_shared_components() -> None:
    components = DOC["components"]["parameters"]
    assert components["task"]["schema"] == {"type": "integer", "format": "int32"}
    for name in ("connector", "plugin", "logger"):
        assert components[name]["schema"] == {"type": "string"}
    for name, param in components.items():
        assert param["name"] == name
        assert param["in"] == "path"
        assert param["required"] is True
    for path, item in DOC["paths"].items():
        raw = item.get("parameters", []) + [p for m in METHODS if m in item for p in item[m].get("parameters", [])]
        for param in raw:
            if _resolve(param)["in"] == "path":
                assert param == {"$ref": f"#/components/parameters/{_resolve(param)['name']}"}, path


def _object_schemas(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node and isinstance(node["properties"], dict) and "$ref" not in node:
            yield _pointer(path), node
        for key, value in node.items():
            if key == "properties":
                for name, sub in value.items():
                    yield from _object_schemas(sub, path + (key, name))
            elif key not in ("example", "examples"):
                yield from _object_schemas(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _object_schemas(value, path + (str(i),))


def test_every_object_schema_with_properties_sets_additional_properties() -> None:
    schemas = list(_object_schemas(DOC))
    assert len(schemas) > 20
    missing = [pointer for pointer, schema in schemas if "additionalProperties" not in schema]
    assert missing == []


# Java maps (Map<String, String>) with a key a 3.7.0 worker always refuses to do without: open, but typed.
REQUIRED_KEY_MAPS = {"#/components/schemas/ConnectorConfigInput", "#/components/schemas/LoggerLevelRequest"}


def test_fixed_property_schemas_are_closed() -> None:
    """Schemas with a `required` list describe a fixed Kafka entity: no extra keys allowed.

    The exceptions are the maps of REQUIRED_KEY_MAPS, whose values must then have a type."""
    maps = set()
    for pointer, schema in _object_schemas(DOC):
        if schema.get("required"):
            if pointer in REQUIRED_KEY_MAPS:
                assert isinstance(schema["additionalProperties"], dict), pointer
                assert "type" in schema["additionalProperties"], pointer
                maps.add(pointer)
                continue
            assert schema["additionalProperties"] is False, pointer
    assert maps == REQUIRED_KEY_MAPS


@pytest.mark.parametrize(("label", "schema_pointer", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_validates_against_its_schema(label: str, schema_pointer: str, value: Any) -> None:
    errors = sorted(_validator_for(schema_pointer).iter_errors(value), key=str)
    assert errors == [], f"{label}: {[e.message for e in errors]}"


def test_examples_were_found() -> None:
    labels = {label for label, _, _ in EXAMPLES}
    assert len(EXAMPLES) > 50
    assert "#/components/schemas/ConnectorInfo" in labels
    assert "#/components/responses/NotFound/content/application~1json/examples/route" in labels


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_operation_documents_500_and_404_with_path_parameters(operation_id: str) -> None:
    _, _, op, params = OPS_BY_ID[operation_id]
    responses = op["responses"]
    assert "500" in responses
    if any(p["in"] == "path" for p in params):
        assert "404" in responses
    else:
        assert "404" not in responses


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_error_codes_follow_the_conventions(operation_id: str) -> None:
    path, _, op, _ = OPS_BY_ID[operation_id]
    codes = set(op["responses"])
    assert "default" not in codes
    assert "406" in codes
    assert ("415" in codes) == (path != "/")
    assert ("409" in codes) == (operation_id in FORWARDING)
    assert ("413" in codes) == ("requestBody" in op)
    assert ("403" in codes) == (operation_id in {"getConnectorActiveTopics", "resetConnectorActiveTopics"})
    for code in codes & set(SHARED_RESPONSES):
        assert op["responses"][code] == {"$ref": f"#/components/responses/{SHARED_RESPONSES[code]}"}


BARE_RESPONSES = {"UnsupportedMediaType", "NotAcceptable"}


def test_shared_error_responses_use_the_error_envelope() -> None:
    responses = DOC["components"]["responses"]
    assert set(responses) == set(SHARED_RESPONSES.values())
    for name, response in responses.items():
        assert response["description"].strip(), name
        if name in BARE_RESPONSES:
            # A real worker sends these envelopes without a Content-Type header.
            assert "content" not in response, name
            assert "without a `Content-Type` header" in response["description"], name
            continue
        assert set(response["content"]) == {"application/json"}, name
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorMessage"}
        assert response["description"].strip(), name
    error = DOC["components"]["schemas"]["ErrorMessage"]
    assert error["required"] == ["error_code", "message"]
    assert error["additionalProperties"] is False


SUCCESS = {
    "getWorkerInfo": {"200"},
    "listConnectors": {"200"},
    "createConnector": {"201"},
    "getConnector": {"200"},
    "deleteConnector": {"204"},
    "getConnectorConfig": {"200"},
    "putConnectorConfig": {"200", "201"},
    "getConnectorStatus": {"200"},
    "restartConnector": {"202", "204"},
    "pauseConnector": {"202"},
    "resumeConnector": {"202"},
    "stopConnector": {"204"},
    "listConnectorTasks": {"200"},
    "getTasksConfig": {"200"},
    "getTaskStatus": {"200"},
    "restartTask": {"204"},
    "getConnectorActiveTopics": {"200"},
    "resetConnectorActiveTopics": {"202"},
    "getConnectorOffsets": {"200"},
    "alterConnectorOffsets": {"200"},
    "resetConnectorOffsets": {"200"},
    "listConnectorPlugins": {"200"},
    "getConnectorConfigDef": {"200"},
    "validateConnectorConfig": {"200"},
    "listLoggers": {"200"},
    "getLogger": {"200"},
    "setLevel": {"200", "204"},
}


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_success_codes(operation_id: str) -> None:
    _, _, op, _ = OPS_BY_ID[operation_id]
    responses = op["responses"]
    assert {c for c in responses if c.startswith("2")} == SUCCESS[operation_id]
    for code in SUCCESS[operation_id]:
        bodiless = code == "204" or (code == "202" and operation_id != "restartConnector")
        assert ("content" in responses[code]) != bodiless, f"{operation_id} {code}"
        if code == "201":
            assert responses[code]["headers"]["Location"] == {"$ref": "#/components/headers/Location"}
    location = DOC["components"]["headers"]["Location"]
    assert location["required"] is True
    assert location["schema"] == {"type": "string", "format": "uri"}


def test_restart_202_returns_the_plan() -> None:
    response = OPS_BY_ID["restartConnector"][2]["responses"]["202"]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ConnectorStateInfo"}


def test_request_bodies_are_optional_json() -> None:
    expected = {
        "createConnector": "CreateConnectorRequest",
        "putConnectorConfig": "ConnectorConfigInput",
        "validateConnectorConfig": "ConnectorConfigInput",
        "alterConnectorOffsets": "ConnectorOffsetsRequest",
        "setLevel": "LoggerLevelRequest",
    }
    with_body = {op_id for op_id, (_, _, op, _) in OPS_BY_ID.items() if "requestBody" in op}
    assert with_body == set(expected)
    for op_id, schema in expected.items():
        body = OPS_BY_ID[op_id][2]["requestBody"]
        assert body["required"] is False
        assert body["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{schema}"}


def test_query_parameters_are_not_restricted_more_than_kafka_does() -> None:
    def query(op_id: str) -> dict[str, dict[str, Any]]:
        return {p["name"]: p for p in OPS_BY_ID[op_id][3] if p["in"] == "query"}

    expand = query("listConnectors")["expand"]
    assert expand["schema"] == {"type": "array", "items": {"type": "string"}}
    assert expand["style"] == "form"
    assert expand["explode"] is True
    assert set(query("restartConnector")) == {"includeTasks", "onlyFailed"}
    for param in [*query("restartConnector").values(), query("listConnectorPlugins")["connectorsOnly"]]:
        assert param["schema"]["type"] == "string"
        assert "enum" not in param["schema"]
    scope = query("setLevel")["scope"]
    assert scope["schema"]["type"] == "string"
    assert "enum" not in scope["schema"]


def test_list_connectors_is_names_or_expanded_object() -> None:
    schema = OPS_BY_ID["listConnectors"][2]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {
        "oneOf": [
            {"$ref": "#/components/schemas/ConnectorList"},
            {"$ref": "#/components/schemas/ExpandedConnectors"},
        ]
    }


def test_links_from_created_connectors() -> None:
    for op_id in ("createConnector", "putConnectorConfig"):
        links = {name: _resolve(link) for name, link in OPS_BY_ID[op_id][2]["responses"]["201"]["links"].items()}
        assert {link["operationId"] for link in links.values()} == LINK_TARGETS
        for link in links.values():
            assert link["parameters"] == {"connector": "$response.body#/name"}
    for op_id, (_, _, op, _) in OPS_BY_ID.items():
        for code, response in op["responses"].items():
            if "links" in _resolve(response):
                assert (op_id, code) in {("createConnector", "201"), ("putConnectorConfig", "201")}


def test_states_and_types_are_enumerated() -> None:
    schemas = DOC["components"]["schemas"]
    assert schemas["ConnectorType"]["enum"] == ["source", "sink", "unknown"]
    assert schemas["ConnectorState"]["properties"]["state"]["enum"] == [
        "UNASSIGNED",
        "RUNNING",
        "PAUSED",
        "FAILED",
        "RESTARTING",
        "STOPPED",
    ]
    assert "STOPPED" not in schemas["TaskState"]["properties"]["state"]["enum"]
    assert set(schemas["PluginInfo"]["properties"]["type"]["enum"]) == {
        "source",
        "sink",
        "converter",
        "header_converter",
        "transformation",
        "predicate",
    }
    initial_state = schemas["CreateConnectorRequest"]["properties"]["initial_state"]
    pattern = re.compile(initial_state["pattern"])
    for accepted in ("RUNNING", "paused", "Stopped"):
        assert pattern.fullmatch(accepted)
    assert not pattern.fullmatch("RESTARTING")
    assert "case-insensitive" in schemas["CreateConnectorRequest"]["properties"]["initial_state"]["description"]
