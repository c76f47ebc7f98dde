"""Public: what a fault's transport effects raise and record (``ConnectionDropped``)."""

from mockconnect.http.transport import ConnectionDropped

__all__ = ["ConnectionDropped"]
