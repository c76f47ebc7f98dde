"""Put a real worker's logger levels back as they were (live tests that change them share one worker)."""

from __future__ import annotations

from urllib.parse import quote

from mockconnect.live.worker import http_json


def _inherited(levels: dict[str, dict[str, object]], name: str) -> str:
    probe = name
    while probe:
        entry = levels.get(probe)
        if entry and entry.get("level"):
            return str(entry["level"])
        probe = probe.rpartition(".")[0]
    return str(levels["root"]["level"])


def restore_levels(url: str, before: dict[str, dict[str, object]]) -> None:
    """Set every logger back to the level it had (or inherited); root first, as it resets the others."""
    for _ in range(3):
        _, now = http_json("GET", f"{url}/admin/loggers")
        wrong = [name for name, entry in (now or {}).items() if entry.get("level") != _inherited(before, name)]
        if not wrong:
            return
        for name in sorted(wrong, key=lambda n: (n != "root", len(n))):
            http_json("PUT", f"{url}/admin/loggers/{quote(name, safe='')}", {"level": _inherited(before, name)})
