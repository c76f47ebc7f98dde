"""The traffic the benchmarks send: the mixed workload and the single operations.

The mixed workload is one fixed cycle of 40 requests that a client walks round and round. It is
shaped like a dashboard or an operator polling a Connect cluster, with a deploy now and then:

====================================================  =====  =====
request                                               count  share
====================================================  =====  =====
``GET /connectors/{c}/status``                        16     40 %
``GET /connectors/{c}`` (info)                        8      20 %
``GET /connectors/{c}/config``                        2      5 %
``GET /connectors/{c}/tasks/0/status``                2      5 %
``GET /`` (worker info)                               2      5 %
``GET /connectors?expand=status&expand=info``         4      10 %
``PUT /connectors/{c}/config`` (same config again)    2      5 %
``PUT /connectors/{c}/pause`` then ``.../resume``     2      5 %
``POST /connectors`` (a new connector, 3 tasks)       1      2.5 %
``DELETE /connectors/{c}`` (the previous cycle's)     1      2.5 %
====================================================  =====  =====

85 % reads, 15 % writes. ``{c}`` is one of the 20 sink connectors (3 tasks each) that every target
is loaded with before the run (``load-00`` ... ``load-19``). Cycle ``n`` of load-generator thread
``t`` in run ``r`` creates ``tmp-r-t-n`` and deletes ``tmp-r-t-(n-1)``, so creates and deletes stay balanced and the
number of connectors stays at 20 or 21 however long the run is.

The same definition feeds wrk (``wrk_workload`` writes it as a Lua table for ``mixed.lua``) and the
in-process runs through the Flask test client (``expand``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
PRELOADED = 20
TASKS = 3


def sink_config(name: str | None = None) -> dict[str, str]:
    """A FileStreamSink with 3 tasks (``tasks.max``), writing nowhere."""
    config = {"connector.class": SINK, "tasks.max": str(TASKS), "topics": "bench-in", "file": "/dev/null"}
    if name is not None:
        config["name"] = name
    return config


def loaded(index: int) -> str:
    return f"load-{index % PRELOADED:02d}"


@dataclass(frozen=True)
class Call:
    """One request. ``path`` and ``body`` may hold ``{r}`` (run), ``{t}`` (thread), ``{n}`` (cycle), ``{p}`` (n-1)."""

    label: str
    method: str
    path: str
    body: Any = None
    expect: tuple[int, ...] = (200,)

    def body_text(self) -> str | None:
        return None if self.body is None else json.dumps(self.body, separators=(",", ":"))

    def concrete(self, thread: int, cycle: int, run: str = "0") -> tuple[str, str, str | None]:
        """(method, path, body) with the placeholders filled in."""
        values = {"{r}": run, "{t}": str(thread), "{n}": str(cycle), "{p}": str(cycle - 1)}
        path, body = self.path, self.body_text()
        for key, value in values.items():
            path = path.replace(key, value)
            body = None if body is None else body.replace(key, value)
        return self.method, path, body


def _status(i: int) -> Call:
    return Call("status", "GET", f"/connectors/{loaded(i)}/status")


def _info(i: int) -> Call:
    return Call("info", "GET", f"/connectors/{loaded(i)}")


LISTING = "/connectors?expand=status&expand=info"
_LIST = Call("expanded listing", "GET", LISTING)
_ROOT = Call("worker info", "GET", "/")
_PAUSED = loaded(19)

MIXED: tuple[Call, ...] = (
    _status(0),
    _info(1),
    _status(2),
    _LIST,
    Call("create", "POST", "/connectors", {"name": "tmp-{r}-{t}-{n}", "config": sink_config()}, (201,)),
    _status(3),
    _info(4),
    Call("config", "GET", f"/connectors/{loaded(5)}/config"),
    _status(6),
    Call("config update", "PUT", f"/connectors/{loaded(7)}/config", sink_config(loaded(7))),
    _status(8),
    _ROOT,
    _info(9),
    Call("pause", "PUT", f"/connectors/{_PAUSED}/pause", expect=(202,)),
    _status(10),
    Call("task status", "GET", f"/connectors/{loaded(11)}/tasks/0/status"),
    _status(12),
    _LIST,
    _info(13),
    _status(14),
    _info(15),
    _status(16),
    Call("config", "GET", f"/connectors/{loaded(17)}/config"),
    _status(18),
    Call("resume", "PUT", f"/connectors/{_PAUSED}/resume", expect=(202,)),
    _info(0),
    _status(1),
    _LIST,
    _status(2),
    Call("config update", "PUT", f"/connectors/{loaded(3)}/config", sink_config(loaded(3))),
    _info(4),
    _status(5),
    Call("task status", "GET", f"/connectors/{loaded(6)}/tasks/0/status"),
    _ROOT,
    _status(7),
    Call("delete", "DELETE", "/connectors/tmp-{r}-{t}-{p}", expect=(204, 404)),  # 404 only in cycle 0
    _info(8),
    _LIST,
    _status(9),
    _info(10),
)

SINGLE: dict[str, tuple[Call, ...]] = {
    "GET /": (_ROOT,),
    "GET status": (_status(0),),
    "GET expanded listing": (_LIST,),
    "PUT config": (Call("config update", "PUT", f"/connectors/{loaded(1)}/config", sink_config(loaded(1))),),
}
"""Single operations, each repeated on its own (same request every time)."""


def mix_table() -> list[tuple[str, int, float]]:
    """(label, count, share) of the mixed workload, most frequent first."""
    counts = Counter(call.label for call in MIXED)
    return [(label, n, n / len(MIXED)) for label, n in counts.most_common()]


def preload_calls() -> list[tuple[str, str, str]]:
    """The creates that load a target with the 20 connectors the workloads read."""
    return [("POST", "/connectors", json.dumps({"name": loaded(i), "config": sink_config()})) for i in range(PRELOADED)]


def _lua_string(text: str) -> str:
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def wrk_workload(calls: tuple[Call, ...], path: Path) -> Path:
    """Write ``calls`` as the Lua table that ``mixed.lua`` walks."""
    rows = []
    for call in calls:
        body = call.body_text()
        rows.append(
            "  {"
            + ", ".join(
                [_lua_string(call.method), _lua_string(call.path), "nil" if body is None else _lua_string(body)]
            )
            + "},"
        )
    path.write_text("-- generated by benchmarks/workload.py; do not edit\nreturn {\n" + "\n".join(rows) + "\n}\n")
    return path


_LIFE = "/connectors/life-{n}"
LIFECYCLE: tuple[Call, ...] = (
    Call("create", "POST", "/connectors", {"name": "life-{n}", "config": sink_config()}, (201,)),
    Call("status", "GET", _LIFE + "/status"),
    Call("info", "GET", _LIFE),
    Call("config update", "PUT", _LIFE + "/config", {**sink_config("life-{n}"), "tasks.max": "2"}),
    Call("pause", "PUT", _LIFE + "/pause", expect=(202,)),
    Call("status", "GET", _LIFE + "/status"),
    Call("resume", "PUT", _LIFE + "/resume", expect=(202,)),
    Call("expanded listing", "GET", LISTING),
    Call("restart", "POST", _LIFE + "/restart?includeTasks=true", expect=(202,)),
    Call("delete", "DELETE", _LIFE, expect=(204,)),
)
"""The 10 calls of one test in the per-test and pytest measurements (one connector, start to end)."""
