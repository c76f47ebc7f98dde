"""Summarise what differs between recordings of two Kafka Connect releases, as Markdown.

Compares two folders written by tools/record_worker.py (tests/live/recorded/kafka-<version>/):
every probe (status, headers, normalised body), the plugin list, plugin config definitions,
validate answers, start-up loggers, client-override validation and the JSON body corpus. Values
that differ between any two runs (ports, temp folders, timestamps, the release's own version
string, commit ids) are normalised first, so what is left is what a mock of the newer release
must do differently. Usage::

    python tools/diff_recordings.py tests/live/recorded/kafka-3.8.1 tests/live/recorded/kafka-3.9.2
    python tools/diff_recordings.py --chain 3.6.2 3.7.2 3.8.1 ...   # consecutive pairs
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_worker import is_racy  # noqa: E402  (a sibling script)

RECORDED = REPO / "tests" / "live" / "recorded"
MAX_ITEMS = 6
MAX_TEXT = 220


@dataclass
class Recording:
    """One release's recording folder, loaded, with what must be normalised away."""

    folder: Path
    version: str
    meta: dict[str, Any]
    replacements: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    def load(self, name: str) -> Any:
        path = self.folder / name
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise SystemExit(f"{path}: not JSON ({err}); re-record it with tools/record_worker.py") from None

    def norm_text(self, text: str) -> str:
        for pattern, repl in self.replacements:
            text = pattern.sub(repl, text)
        return text

    def norm(self, value: Any) -> Any:
        """Normalise a parsed JSON value (strings and keys), recursively."""
        if isinstance(value, str):
            return self.norm_text(value)
        if isinstance(value, list):
            return [self.norm(item) for item in value]
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key == "last_modified" and isinstance(item, int):
                    item = "<epoch-ms>"
                out[self.norm_text(key)] = self.norm(item)
            return out
        return value


def open_recording(spec: str) -> Recording:
    folder = Path(spec)
    if not folder.is_dir():
        folder = RECORDED / f"kafka-{spec}"
    if not folder.is_dir():
        raise SystemExit(f"{spec}: no such recording folder (looked for {folder})")
    meta_path = folder / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SystemExit(f"{meta_path}: cannot read it ({err}); is {folder} a record_worker.py output?") from None
    version = str(meta.get("kafka_version") or folder.name.removeprefix("kafka-"))
    rec = Recording(folder, version, meta)
    subs: list[tuple[str, str]] = []
    files_dir = meta.get("files_dir")
    if files_dir:
        subs.append((re.escape(str(files_dir)), "<files>"))
    subs.append((r"/tmp/mockconnect-record-[A-Za-z0-9_]+", "<files>"))
    subs.append((r"(localhost|127\.0\.0\.1):\d{2,5}", "<host>"))
    subs.append((r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<instant>"))
    root = rec.load("root.json") or {}
    if root.get("commit"):
        subs.append((re.escape(str(root["commit"])), "<commit>"))
    # the release's own version, and the connect-file version if it differs
    plugins = rec.load("plugins.json") or []
    versions = {version} | {str(p.get("version")) for p in plugins if isinstance(p, dict) and p.get("version")}
    for v in sorted(versions, key=len, reverse=True):
        if re.fullmatch(r"\d+\.\d+\.\d+", v):
            subs.append((rf"(?<![\d.]){re.escape(v)}(?![\d])", "<version>" if v == version else "<plugin-version>"))
    rec.replacements = [(re.compile(p), r) for p, r in subs]
    return rec


def short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=False)
    text = text.replace("\n", "\\n").replace("|", "\\|")
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def text_change(old: str, new: str, context: int = 40) -> str:
    """A string change shown as ``...prefix«old» -> «new»suffix...`` around the part that differs."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    delimiters = " ,([{\"'=:"
    while start > 0 and old[start - 1] not in delimiters:
        start -= 1
    while end > 0 and old[len(old) - end - 1] not in delimiters:
        end -= 1
    head = old[max(0, start - context) : start]
    tail = old[len(old) - end : len(old) - end + context] if end else ""
    mid_old, mid_new = old[start : len(old) - end], new[start : len(new) - end]
    text = f"{'...' if start > context else ''}{head}«{mid_old[:300]}» -> «{mid_new[:300]}»{tail}"
    text += "..." if end > context else ""
    return text.replace("\n", "\\n").replace("|", "\\|")


def element_key(item: Any) -> str | None:
    """How list elements are matched up: config definitions and values by name, plugins by class."""
    if not isinstance(item, dict):
        return None
    for candidate in (item.get("name"), (item.get("definition") or {}).get("name"), item.get("class")):
        if isinstance(candidate, str):
            return candidate
    if isinstance(item.get("value"), dict) and isinstance(item["value"].get("name"), str):
        return str(item["value"]["name"])
    return None


def json_diff(old: Any, new: Any, path: str = "$") -> list[str]:
    """Paths that differ between two JSON values (key order of objects counts as a difference)."""
    if type(old) is not type(new):
        return [f"`{path}`: {short(old)} -> {short(new)}"]
    if isinstance(old, dict):
        out = []
        for key in old.keys() - new.keys():
            out.append(f"`{path}.{key}` removed (was {short(old[key])})")
        for key in new.keys() - old.keys():
            out.append(f"`{path}.{key}` added: {short(new[key])}")
        for key in old.keys() & new.keys():
            out.extend(json_diff(old[key], new[key], f"{path}.{key}"))
        common_old = [k for k in old if k in new]
        common_new = [k for k in new if k in old]
        if common_old != common_new:
            out.append(f"`{path}` key order: {short(common_old)} -> {short(common_new)}")
        return out
    if isinstance(old, list):
        keys_old = [element_key(x) for x in old]
        keys_new = [element_key(x) for x in new]
        if (
            old
            and new
            and None not in keys_old + keys_new
            and len(set(keys_old)) == len(keys_old)
            and len(set(keys_new)) == len(keys_new)
        ):
            return diff_named(old, new, path)
        if len(old) != len(new):
            return [f"`{path}` length {len(old)} -> {len(new)}: {short(old)} -> {short(new)}"]
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out.extend(json_diff(a, b, f"{path}[{i}]"))
        return out
    if old == new:
        return []
    if isinstance(old, str) and isinstance(new, str) and len(old) + len(new) > 60:
        return [f"`{path}`: {text_change(old, new)}"]
    return [f"`{path}`: {short(old)} -> {short(new)}"]


def diff_named(old: list[Any], new: list[Any], path: str) -> list[str]:
    """Lists of keyed objects (config definitions, config values, plugins): compare by key."""
    before = {element_key(x): x for x in old}
    after = {element_key(x): x for x in new}
    out = [f"`{path}` entry `{n}` removed" for n in before if n not in after]
    out += [f"`{path}` entry `{n}` added: {short(after[n])}" for n in after if n not in before]
    for name in before:
        if name in after:
            out.extend(json_diff(before[name], after[name], f"{path}[{name}]"))
    order_old = [k for k in before if k in after]
    order_new = [k for k in after if k in before]
    if order_old != order_new:
        out.append(f"`{path}` order of entries changed")
    return out


def capped(lines: list[str], limit: int = MAX_ITEMS) -> list[str]:
    if len(lines) <= limit:
        return lines
    return [*lines[:limit], f"... and {len(lines) - limit} more"]


# ------------------------------------------------------------------------------------------------


def probe_key(record: dict[str, Any], rec: Recording) -> dict[str, Any]:
    response = record["response"]
    body = response.get("body_json")
    text = response.get("body_text") or ""
    return {
        "status": response["status"],
        "content-type": response.get("headers", {}).get("content-type"),
        "allow": response.get("headers", {}).get("allow"),
        "header_names": sorted(set(response.get("header_names", [])) - {"date"}),
        "body": rec.norm(body) if body is not None else rec.norm_text(text),
    }


def diff_probes(old: Recording, new: Recording) -> list[str]:
    before = {r["name"]: r for r in old.load("probes.json") or []}
    after = {r["name"]: r for r in new.load("probes.json") or []}

    def stable(name: str, table: dict[str, Any]) -> bool:
        # the recorder's current list of racy probes also applies to older recordings
        return not (table[name].get("racy") or is_racy(name))

    lines: list[str] = []
    only_old = [n for n in before if n not in after and stable(n, before)]
    only_new = [n for n in after if n not in before and stable(n, after)]
    if only_old:
        lines.append(f"- probes only in {old.version} (not asked of {new.version}): {', '.join(only_old[:20])}")
    if only_new:
        lines.append(f"- probes only in {new.version} (not asked of {old.version}): {', '.join(only_new[:20])}")
    status_changes, other_changes, racy_changes = [], [], []
    for name, record in before.items():
        if name not in after:
            continue
        a, b = probe_key(record, old), probe_key(after[name], new)
        if a == b:
            continue
        racy = not (stable(name, before) and stable(name, after))
        request = record["request"]
        head = f"`{name}` ({request['method']} {request['path']}{'?' + request['query'] if request['query'] else ''})"
        details: list[str] = []
        for key in ("status", "content-type", "allow"):
            if a[key] != b[key]:
                details.append(f"{key} {a[key]} -> {b[key]}")
        if a["header_names"] != b["header_names"]:
            gone = sorted(set(a["header_names"]) - set(b["header_names"]))
            came = sorted(set(b["header_names"]) - set(a["header_names"]))
            details.append(f"headers -{gone} +{came}")
        if a["body"] != b["body"]:
            if isinstance(a["body"], str) or isinstance(b["body"], str):
                details.append(f"body {short(a['body'])} -> {short(b['body'])}")
            else:
                details.extend(capped(json_diff(a["body"], b["body"]), 4))
        generic = re.sub(r"`\$\.configs\[[^\]]+\]", "`$.configs[*]", "; ".join(details))
        target = racy_changes if racy else status_changes if a["status"] != b["status"] else other_changes
        target.append((generic, head, name))
    for title, changes, limit in (
        ("Status code changes", status_changes, 400),
        ("Same status, different headers or body", other_changes, 400),
        ("Racy probes that differ (timing snapshots; may differ run to run)", racy_changes, 15),
    ):
        if changes:
            lines.append(f"\n**{title}: {len(changes)} probes (probes.json)**\n")
            lines.extend(capped(grouped(changes), limit))
    return lines


def grouped(changes: list[tuple[str, str, str]]) -> list[str]:
    """One line per distinct change, naming every probe that shows it."""
    by_change: dict[str, list[tuple[str, str]]] = {}
    for change, head, name in changes:
        by_change.setdefault(change, []).append((head, name))
    lines = []
    for change, heads in by_change.items():
        if len(heads) == 1:
            lines.append(f"- {heads[0][0]}: {change}")
        else:
            names = ", ".join(f"`{n}`" for _, n in heads[:8]) + (" ..." if len(heads) > 8 else "")
            lines.append(f"- {len(heads)} probes ({names}): {change}")
    return lines


def diff_plugins(old: Recording, new: Recording) -> list[str]:
    a = [(p["class"], p["type"]) for p in old.load("plugins.json") or []]
    b = [(p["class"], p["type"]) for p in new.load("plugins.json") or []]
    lines = [f"- plugin removed: `{c}` ({t})" for c, t in a if (c, t) not in b]
    lines += [f"- plugin added: `{c}` ({t})" for c, t in b if (c, t) not in a]
    common_a = [x for x in a if x in b]
    common_b = [x for x in b if x in a]
    if common_a != common_b:
        lines.append("- plugin order changed")
    va = {p["class"] + "/" + p["type"]: p.get("version") for p in old.load("plugins.json") or []}
    vb = {p["class"] + "/" + p["type"]: p.get("version") for p in new.load("plugins.json") or []}
    odd = sorted(k for k in vb if vb[k] not in (new.version, None) and va.get(k) in (old.version, None))
    if odd:
        lines.append(
            f"- plugins reporting a version other than {new.version}: {', '.join(f'{k}={vb[k]}' for k in odd)}"
        )
    return lines


def diff_plugin_configs(old: Recording, new: Recording) -> list[str]:
    a = old.norm(old.load("plugin-configs.json") or {})
    b = new.norm(new.load("plugin-configs.json") or {})
    lines: list[str] = []
    pattern_count: dict[str, list[str]] = {}
    for klass in sorted(a.keys() & b.keys()):
        diffs = json_diff(a[klass], b[klass])
        for line in diffs:
            generic = re.sub(r"^`\$\[[^\]]+\]", "`$[*]", line)
            generic = re.sub(r"removed \(was -?\d+\)$", "removed (was <n>)", generic)
            generic = re.sub(r"added: -?\d+$", "added: <n>", generic)
            shift = re.fullmatch(r"`\$\[\*\]\.(order\w*)`: (-?\d+) -> (-?\d+)", generic)
            if shift:
                generic = f"`$[*].{shift.group(1)}` shifted by {int(shift.group(3)) - int(shift.group(2)):+d}"
            pattern_count.setdefault(generic, []).append(klass.rsplit(".", 1)[-1])
    for generic, classes in pattern_count.items():
        where = ", ".join(sorted(set(classes))[:4]) + (" ..." if len(set(classes)) > 4 else "")
        lines.append(f"- {generic} [{len(classes)}x: {where}]")
    return capped(lines, 40)


def diff_validate(old: Recording, new: Recording) -> list[str]:
    a = old.load("validate.json") or {}
    b = new.load("validate.json") or {}
    lines = []
    for case in a.keys() & b.keys():
        x, y = a[case], b[case]
        bits = []
        if x["status"] != y["status"]:
            bits.append(f"status {x['status']} -> {y['status']}")
        bx, by = old.norm(x["body_json"]), new.norm(y["body_json"])
        if isinstance(bx, dict) and isinstance(by, dict) and "configs" in bx and "configs" in by:
            if bx.get("error_count") != by.get("error_count"):
                bits.append(f"error_count {bx.get('error_count')} -> {by.get('error_count')}")
            if bx.get("groups") != by.get("groups"):
                bits.append(f"groups {short(bx.get('groups'))} -> {short(by.get('groups'))}")
            va = {c["value"]["name"]: c["value"] for c in bx["configs"]}
            vb = {c["value"]["name"]: c["value"] for c in by["configs"]}
            gone = sorted(va.keys() - vb.keys())
            came = sorted(vb.keys() - va.keys())
            if gone:
                bits.append(f"keys removed {short(gone)}")
            if came:
                bits.append(f"keys added {short(came)}")
            for key in sorted(va.keys() & vb.keys()):
                if va[key]["errors"] != vb[key]["errors"]:
                    bits.append(f"`{key}` errors {short(va[key]['errors'])} -> {short(vb[key]['errors'])}")
                elif va[key].get("value") != vb[key].get("value"):
                    bits.append(f"`{key}` value {short(va[key].get('value'))} -> {short(vb[key].get('value'))}")
        elif bx != by:
            bits.append(f"body {short(bx)} -> {short(by)}")
        if bits:
            lines.append(f"- `{case}`: " + "; ".join(capped(bits, 6)))
    return sorted(lines)


def diff_loggers(old: Recording, new: Recording) -> list[str]:
    a = old.load("loggers.json") or {}
    b = new.load("loggers.json") or {}
    lines = []
    gone, came = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    if gone:
        lines.append(f"- loggers at start-up no longer listed ({len(gone)}): {short(gone)}")
    if came:
        lines.append(f"- loggers at start-up newly listed ({len(came)}): {short(came)}")
    for key in sorted(a.keys() & b.keys()):
        if old.norm(a[key]) != new.norm(b[key]):
            lines.append(f"- `{key}`: {short(a[key])} -> {short(b[key])}")
    lines.append(f"- count: {len(a)} -> {len(b)}")
    return lines


def diff_overrides(old: Recording, new: Recording) -> list[str]:
    a = (old.load("client-overrides.json") or {}).get("answers", [])
    b = (new.load("client-overrides.json") or {}).get("answers", [])
    lines = []
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x["config"] != y["config"]:
            lines.append(f"- answer {i}: request differs, not compared")
            continue
        bx, by = old.norm(x["body"]), new.norm(y["body"])
        if x["status"] != y["status"] or bx != by:
            bits = [f"status {x['status']} -> {y['status']}"] if x["status"] != y["status"] else []
            if isinstance(bx, dict) and isinstance(by, dict) and "configs" in bx and "configs" in by:
                na = {c["value"]["name"] for c in bx["configs"]}
                nb = {c["value"]["name"] for c in by["configs"]}
                if na - nb:
                    bits.append(f"keys removed {short(sorted(na - nb))}")
                if nb - na:
                    bits.append(f"keys added {short(sorted(nb - na))}")
                if bx.get("error_count") != by.get("error_count"):
                    bits.append(f"error_count {bx.get('error_count')} -> {by.get('error_count')}")
            if not bits:
                bits = capped(json_diff(bx, by), 3)
            lines.append(f"- answer {i} ({x['plugin']}, {short(sorted(x['config']))[:80]}): " + "; ".join(bits))
    return lines


def diff_corpus(old: Recording, new: Recording) -> list[str]:
    a = (old.load("jackson-bodies.json") or {}).get("answers", [])
    b = (new.load("jackson-bodies.json") or {}).get("answers", [])
    index = {(x["endpoint"], x["body_hex"]): x for x in a}
    changed: dict[str, list[str]] = {}
    total = 0
    for y in b:
        x = index.get((y["endpoint"], y["body_hex"]))
        if x is None:
            continue
        mx, my = old.norm_text(str(x["message"])), new.norm_text(str(y["message"]))
        if x["status"] != y["status"] or mx != my:
            total += 1
            body = short(bytes.fromhex(y["body_hex"]).decode("utf-8", "replace"))[:60]
            if x["status"] != y["status"]:
                label = f"{y['endpoint']}: status {x['status']} -> {y['status']}"
                changed.setdefault(label, []).append(f"body `{body}`: {short(mx)[:150]} -> {short(my)[:150]}")
            else:
                change = text_change(mx, my, 30)
                changed.setdefault(f"{y['endpoint']}: message {change}", []).append(f"body `{body}`")
    lines = [f"- {total} of {len(b)} answers differ"] if b else []
    for label, items in list(changed.items())[:25]:
        lines.append(f"- {label} ({len(items)} bodies), e.g.:")
        lines.extend(f"  - {item}" for item in items[:2])
    if len(changed) > 25:
        lines.append(f"- ... and {len(changed) - 25} more kinds of change")
    return lines


def diff_meta(old: Recording, new: Recording) -> list[str]:
    lines = [
        f"- start-up to writable (s): {old.meta.get('startup_seconds')} -> {new.meta.get('startup_seconds')}",
        f"- probes recorded: {old.meta.get('probes')} -> {new.meta.get('probes')}",
    ]
    ja, jb = old.meta.get("jars") or {}, new.meta.get("jars") or {}
    if ja and jb:

        def stem(name: str) -> str:
            return re.sub(r"-\d[\w.+-]*\.jar$", "", name)

        for folder in ("lib", "plugin.path"):
            sa = {stem(j): j for j in ja.get(folder, [])}
            sb = {stem(j): j for j in jb.get(folder, [])}
            gone = sorted(sa.keys() - sb.keys())
            came = sorted(sb.keys() - sa.keys())
            if gone:
                lines.append(f"- {folder}: artifacts gone: {', '.join(gone)}")
            if came:
                lines.append(f"- {folder}: artifacts new: {', '.join(came)}")
            bumped = [f"{sa[k]} -> {sb[k]}" for k in sorted(sa.keys() & sb.keys()) if sa[k] != sb[k]]
            interesting = [b for b in bumped if re.search(r"jetty|jersey|jackson|log4j|slf4j|connect-file", b)]
            if interesting:
                lines.append(f"- {folder}: HTTP/JSON/logging jars: {'; '.join(interesting[:12])}")
    return lines


SECTIONS = (
    ("Start-up and jars (meta.json)", diff_meta),
    ("Plugins (plugins.json)", diff_plugins),
    ("Plugin config definitions (plugin-configs.json)", diff_plugin_configs),
    ("Validate (validate.json)", diff_validate),
    ("Loggers at start-up (loggers.json)", diff_loggers),
    ("Client overrides in validate (client-overrides.json)", diff_overrides),
    ("Body corpus (jackson-bodies.json)", diff_corpus),
    ("Probes (probes.json)", diff_probes),
)


def report(old: Recording, new: Recording) -> str:
    out = [f"## {old.version} -> {new.version}\n"]
    out.append(
        f"Recordings: `{old.folder.relative_to(REPO) if old.folder.is_relative_to(REPO) else old.folder}`"
        f" vs `{new.folder.relative_to(REPO) if new.folder.is_relative_to(REPO) else new.folder}`.\n"
    )
    for title, function in SECTIONS:
        lines = function(old, new)
        out.append(f"### {title}\n")
        out.extend(lines or ["- no difference"])
        out.append("")
    return "\n".join(out)


def jar_version(jars: list[str], artifact: str) -> str:
    """The version of ``artifact`` among jar file names, or an em dash if it is not there."""
    for name in jars:
        match = re.fullmatch(rf"{re.escape(artifact)}-(\d[\w.+-]*)\.jar", name)
        if match:
            return match.group(1)
    return "—"


TABLE_COLUMNS = (
    ("connect-runtime", "lib", "connect-runtime"),
    ("kafka_2.13 (broker)", "lib", "kafka_2.13"),
    ("kafka-clients", "lib", "kafka-clients"),
    ("connect-mirror", "lib", "connect-mirror"),
    ("connect-mirror-client", "lib", "connect-mirror-client"),
    ("plugin.path: connect-file", "plugin.path", "connect-file"),
    ("jetty-server", "lib", "jetty-server"),
    ("jersey-server", "lib", "jersey-server"),
    ("jackson-databind", "lib", "jackson-databind"),
    ("reload4j", "lib", "reload4j"),
    ("log4j-core", "lib", "log4j-core"),
)


def table(specs: list[str]) -> str:
    """Markdown table: per recorded release, the jar versions the worker ran and its start-up time."""
    head = ["release", *(c[0] for c in TABLE_COLUMNS), "lib jars", "broker+worker start (s)"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for spec in specs:
        rec = open_recording(spec)
        jars = rec.meta.get("jars") or {}
        timings = rec.meta.get("startup_timings") or {}
        start = "—"
        if "rest_writable" in timings:
            start = f"{timings['rest_writable'] - timings.get('resolve_jars', 0.0):.1f}"
        cells = [rec.version, *(jar_version(jars.get(folder, []), art) for _, folder, art in TABLE_COLUMNS)]
        cells += [str(len(jars.get("lib", []))) if jars else "—", start]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def status_matrix(specs: list[str]) -> str:
    """Markdown table of every settled probe whose status code is not the same in all recordings."""
    recordings = [open_recording(spec) for spec in specs]
    tables = [{r["name"]: r for r in rec.load("probes.json") or []} for rec in recordings]
    names: list[str] = []
    for table_ in tables:
        names.extend(n for n in table_ if n not in names)
    head = ["probe", "request", *(rec.version for rec in recordings)]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        records = [t.get(name) for t in tables]
        if any(r is not None and (r.get("racy") or is_racy(name)) for r in records):
            continue
        statuses = [str(r["response"]["status"]) if r else "—" for r in records]
        if len({s for s in statuses if s != "—"}) <= 1:
            continue
        request = next(r for r in records if r)["request"]
        target = request["path"] + ("?" + request["query"] if request["query"] else "")
        cells = [f"`{name}`", f"{request['method']} `{target}`", *statuses]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


def pairs(items: list[str]) -> Iterable[tuple[str, str]]:
    return zip(items, items[1:], strict=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", nargs="?", help="older recording: folder or version (e.g. 3.8.1)")
    parser.add_argument("new", nargs="?", help="newer recording: folder or version")
    parser.add_argument("--chain", nargs="+", metavar="V", help="versions in order: diff each consecutive pair")
    parser.add_argument("--table", nargs="+", metavar="V", help="only print the jar table of these recordings")
    parser.add_argument(
        "--status-matrix", nargs="+", metavar="V", help="only print the probes whose status differs across these"
    )
    parser.add_argument("--output", type=Path, help="write the Markdown here instead of stdout")
    args = parser.parse_args(argv)
    if args.status_matrix:
        sys.stdout.write(status_matrix(args.status_matrix))
        return 0
    if args.table:
        sys.stdout.write(table(args.table))
        return 0
    if args.chain:
        specs = list(pairs(args.chain))
    elif args.old and args.new:
        specs = [(args.old, args.new)]
    else:
        parser.error("give OLD and NEW, or --chain V1 V2 ...")
    text = "\n".join(report(open_recording(a), open_recording(b)) for a, b in specs)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
