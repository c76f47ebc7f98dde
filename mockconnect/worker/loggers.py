"""Logger levels: list, read and set them, as the worker's log4j (3.x) or log4j2 (4.x) does."""

from __future__ import annotations

from collections.abc import Mapping

from mockconnect.worker.core import ClusterCore
from mockconnect.worker.errors import BadRequest, ConnectError, NotFound
from mockconnect.worker.models import Json

LOG_LEVELS = ("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL")


class LoggerOps(ClusterCore):
    """LoggingResource."""

    def _effective_level(self, name: str) -> str:
        probe = name
        while True:
            level = self.loggers.get(probe, (None, None))[0]
            if level is not None:
                return level
            if "." not in probe:
                return self.loggers["root"][0] or "INFO"
            probe = probe.rsplit(".", 1)[0]

    def _level(self, level: str, modified: int | None) -> dict[str, Json]:
        """A level object; ``last_modified`` came with KIP-976 (3.7)."""
        if self.release.has("logger_last_modified"):
            return {"level": level, "last_modified": modified}
        return {"level": level}

    def list_loggers(self) -> dict[str, Json]:
        """log4j lists the loggers with a level of their own; log4j2 every logger, at its effective level."""
        with self.lock:
            if self.release.has("log4j2_loggers"):
                return {
                    name: {"level": self._effective_level(name), "last_modified": modified}
                    for name, (_, modified) in sorted(self.loggers.items())
                }
            return {
                name: self._level(level, modified)
                for name, (level, modified) in sorted(self.loggers.items())
                if level is not None
            }

    def get_logger(self, logger: str) -> dict[str, Json]:
        with self.lock:
            name = "root" if logger.lower() == "root" else logger
            if name not in self.loggers:
                raise NotFound(f"Logger {logger} not found.")
            return self._level(self._effective_level(name), self.loggers[name][1])

    def set_level(
        self, logger: str, body: Mapping[str, str | None] | None, scope: str | None = None
    ) -> list[str] | None:
        """Worker scope returns the affected logger names (200); cluster scope returns None (204). Before
        KIP-976 (3.7) there is no scope: every change is the worker's own and answers with the names.

        log4j (3.x) names every logger in the namespace; log4j2 (4.x) only those whose level changed,
        and reads the level trimmed (``" debug "`` is DEBUG).
        """
        if body is None:
            raise ConnectError(self.release.text("level_map_npe"))
        level = body.get("level")
        if level is None:
            raise BadRequest("Desired 'level' parameter was not specified in request.")
        if level == "" and self.release.has("empty_log_level_illegal"):
            raise ConnectError("Illegal null or empty Level name.")  # log4j2's Level.getLevel (4.1)
        log4j2 = self.release.has("log4j2_loggers")
        wanted = (level.strip() if log4j2 else level).upper()
        if wanted not in LOG_LEVELS:
            raise NotFound(f"invalid log level '{level}'.")
        level = wanted
        with self.lock:
            if logger.lower() == "root":
                order = sorted(n for n in self.loggers if n != "root") + ["root"]
            else:
                order = sorted(n for n in self.loggers if n.startswith(logger))
                if logger not in self.loggers:  # log4j creates the namespace logger, listed last
                    self.loggers[logger] = (None, None)
                    order.append(logger)
            now = self._now_ms()
            changed = []
            for name in order:
                current = self.loggers[name][0] or self._effective_level(name)
                if current != level:
                    self.loggers[name] = (level, now)
                    changed.append(name)
                elif log4j2:  # Configurator.setAllLevels gives each its own level, changed or not
                    self.loggers[name] = (level, self.loggers[name][1])
            if scope is not None and scope.lower() == "cluster" and self.release.has("logger_last_modified"):
                return None
            return sorted(changed if log4j2 else order)
