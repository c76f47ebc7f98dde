"""Which config values a recording redacts, and that no copy of a secret survives anywhere."""

from __future__ import annotations

import pytest

from mockconnect.record.secrets import REDACTED, Redactor, is_secret, secret_name


@pytest.mark.parametrize(
    "key",
    [
        "connection.password",
        "ssl.key.password",
        "ssl.keystore.key",
        "sasl.jaas.config",
        "producer.override.sasl.jaas.config",
        "aws.secret.key",
        "aws.secret.access.key",
        "secretAccessKey",
        "apiKey",
        "api.key",
        "auth.token",
        "github.access.token",
        "azure.sas.token",
        "basic.auth.user.info",
        "value.converter.basic.auth.user.info",
        "gcs.credentials.json",
        "client_secret",
        "db-passwd",
        "key",
    ],
)
def test_secret_names(key: str) -> None:
    assert secret_name(key)


@pytest.mark.parametrize(
    "key",
    [
        "key.converter",
        "key.converter.schemas.enable",
        "key.ignore",
        "transforms.extract.field",
        "pk.fields",
        "partition.key",
        "primary.key",
        "token.expiry.ms",
        "sasl.oauthbearer.token.endpoint.url",
        "ssl.keystore.location",
        "ssl.keystore.type",
        "ssl.keymanager.algorithm",
        "sasl.login.callback.handler.class",
        "connection.url",
        "topics",
        "tasks.max",
        "aws.access.key.id",
        "secret.name",
        "password.file",
    ],
)
def test_names_that_are_not_secrets(key: str) -> None:
    assert not secret_name(key)


def test_the_config_definition_decides_first() -> None:
    assert is_secret("vault.thing", "PASSWORD")  # any name, when the plugin says PASSWORD
    assert not is_secret("token.count", "INT")  # a number is no secret, and must stay one to validate
    assert not is_secret("secret.provider", "CLASS")
    assert is_secret("db.password", "STRING")
    assert is_secret("db.password", None)


def test_a_config_is_redacted_and_references_are_kept() -> None:
    redactor = Redactor()
    types = {"vault.token": "PASSWORD"}
    config = {
        "vault.token": "hvs.abcdef",
        "db.password": "${file:/etc/secrets.properties:db.password}",
        "aws.secret.key": "",
        "connection.url": "jdbc:postgresql://app:pg-pw-1234@db:5432/app?sslmode=require",
        "jdbc.url": "jdbc:sqlserver://db;user=app;password=sql-pw-5678;encrypt=true",
        "sasl.jaas.config": 'PlainLoginModule required username="u" password="pw";',
        "login.options": 'PlainLoginModule required username="u" password="jaas-pw-9012";',
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    }
    redacted = redactor.config(config, types.get)
    assert redacted == {
        "vault.token": REDACTED,
        "db.password": "${file:/etc/secrets.properties:db.password}",
        "aws.secret.key": "",
        "connection.url": f"jdbc:postgresql://app:{REDACTED}@db:5432/app?sslmode=require",
        "jdbc.url": f"jdbc:sqlserver://db;user=app;password={REDACTED};encrypt=true",
        "sasl.jaas.config": REDACTED,
        "login.options": f'PlainLoginModule required username="u" password="{REDACTED}";',
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    }
    assert redactor.redacted == 5


def test_every_copy_of_a_secret_is_scrubbed() -> None:
    redactor = Redactor()
    redactor.config({"db.password": "hunter2-long", "pin.password": "123"}, lambda key: None)
    document = {
        "config": {"other": "uses hunter2-long too", "note": "123 is a number"},
        "trace": "java.sql.SQLException: login failed for password hunter2-long\n\tat x",
        "list": ["hunter2-long"],
    }
    scrubbed = redactor.scrub(document)
    assert "hunter2-long" not in str(scrubbed)
    assert scrubbed["list"] == [REDACTED]
    assert scrubbed["config"]["note"] == "123 is a number"  # too short to search for without harm
