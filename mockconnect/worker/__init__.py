"""The emulated Kafka Connect worker: what a real worker of the release does, with no HTTP and no mocking."""
