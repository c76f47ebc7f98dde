"""``mockconnect record``: a live cluster, read with GET requests only, written as a scenario file."""
