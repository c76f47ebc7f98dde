"""Run a real Apache Kafka Connect worker on loopback, the authority the mock is checked against."""
