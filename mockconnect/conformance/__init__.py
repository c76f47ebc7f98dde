"""``mockconnect conformance``: check a Kafka Connect worker against the contract, and the mock against it.

The runner drives a scripted lifecycle suite and schemathesis (examples, coverage, fuzzing and
stateful phases) against a target worker, optionally sends every request to a second target as well
(``--compare-with URL`` or an in-process mock) and reports where the two answer differently.

Every request of a run, the runner's own and the fuzzer's, goes through :mod:`.transport`, which
enforces :mod:`.policy`: the run only ever writes to connectors whose names carry a run-unique
prefix. Nothing in the rest of mockconnect imports this package, and schemathesis is imported only
when fuzzing starts, so the plain mock never needs it.
"""

from __future__ import annotations
