"""Build mockconnect/release/data/<version>/client-configs.json: the producer, consumer and admin client
ConfigDefs that validate reports for ``*.override.*`` keys, read with jshell from the release's own
kafka-clients jar (so each definition is what ConfigDef itself holds), plus the client classes a
CLASS-typed override can name.

    python tools/build_client_configs.py            # jars from the cache, or Maven Central
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from mockconnect.live.worker import DEFAULT_KAFKA_VERSION, resolve_jars  # noqa: E402

CLIENTS = {
    "producer": "org.apache.kafka.clients.producer.ProducerConfig",
    "consumer": "org.apache.kafka.clients.consumer.ConsumerConfig",
    "admin": "org.apache.kafka.clients.admin.AdminClientConfig",
}
CLASS_PACKAGES = (
    "org.apache.kafka.common.serialization.",
    "org.apache.kafka.clients.producer.",
    "org.apache.kafka.clients.consumer.",
    "org.apache.kafka.common.security.",
)
"""Where the classes a client's CLASS-typed keys name live (serializers, partitioners, SASL, SSL)."""

SCRIPT = """
import org.apache.kafka.common.config.ConfigDef;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.*;
List<Map<String, Object>> keys(ConfigDef def) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConfigDef.ConfigKey k : def.configKeys().values()) {
        boolean required = ConfigDef.NO_DEFAULT_VALUE.equals(k.defaultValue);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", k.name);
        d.put("type", k.type.name());
        d.put("required", required);
        d.put("default_value", required ? null : ConfigDef.convertToString(k.defaultValue, k.type));
        d.put("importance", k.importance.name());
        d.put("documentation", k.documentation);
        d.put("group", k.group);
        d.put("width", k.width.name());
        d.put("display_name", k.displayName);
        d.put("dependents", k.dependents);
        d.put("order", k.orderInGroup);
        out.add(d);
    }
    return out;
}
Map<String, Object> all = new LinkedHashMap<>();
%(puts)s
new ObjectMapper().writeValue(new java.io.File("%(out)s"), all);
/exit
"""


def main() -> None:
    version = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_KAFKA_VERSION
    jars = resolve_jars(version)
    with tempfile.TemporaryDirectory() as scratch:
        dumped = Path(scratch) / "defs.json"
        puts = "\n".join(f'all.put("{client}", keys({cls}.configDef()));' for client, cls in CLIENTS.items())
        script = Path(scratch) / "dump.jsh"
        script.write_text(SCRIPT % {"puts": puts, "out": dumped})
        subprocess.run(["jshell", "--class-path", jars.classpath, str(script)], check=True, timeout=300)
        clients = json.loads(dumped.read_text())
    with zipfile.ZipFile(jars.lib / f"kafka-clients-{version}.jar") as jar:
        classes = sorted(
            name[: -len(".class")].replace("/", ".")
            for name in jar.namelist()
            if name.endswith(".class") and "$" not in name
        )
    document = {
        "format": 1,
        "kafka_version": version,
        **clients,
        "classes": [name for name in classes if name.startswith(CLASS_PACKAGES)],
    }
    out = REPO / "mockconnect" / "release" / "data" / version / "client-configs.json"
    out.write_text(json.dumps(document, indent=1) + "\n")
    print(out, {client: len(clients[client]) for client in CLIENTS}, len(document["classes"]), "classes")


if __name__ == "__main__":
    main()
