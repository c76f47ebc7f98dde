"""Java stack traces for injected failures, shaped as a 3.7 worker writes them into a status ``trace``.

Connect stores ``Throwable.printStackTrace()`` output: the exception line, tab-indented ``at`` frames,
``Caused by:`` chains ending in ``... N more``, and a final newline. The frames below follow the
3.7 runtime's call paths (WorkerSinkTask, WorkerSourceTask, WorkerConnector); the connector's and
task's own frames use the classes of the connector that failed.
"""

from __future__ import annotations

_EXECUTOR_FRAMES = (
    "org.apache.kafka.connect.runtime.isolation.Plugins.lambda$withClassLoader$1(Plugins.java:236)",
    "java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:539)",
    "java.base/java.util.concurrent.FutureTask.run(FutureTask.java:264)",
    "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
    "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)",
    "java.base/java.lang.Thread.run(Thread.java:840)",
)


def _trace(*sections: tuple[str, tuple[str, ...], int]) -> str:
    """Sections of (exception line, frames, frames in common with the enclosing trace)."""
    lines: list[str] = []
    for index, (headline, frames, common) in enumerate(sections):
        lines.append(headline if index == 0 else f"Caused by: {headline}")
        lines.extend(f"\tat {frame}" for frame in frames)
        if common:
            lines.append(f"\t... {common} more")
    return "\n".join(lines) + "\n"


def _simple(cls: str) -> str:
    return cls.rsplit(".", 1)[-1]


def sink_task_failure(task_class: str | None = None) -> str:
    """A sink task stopped by a record its converter cannot read (``errors.tolerance=none``)."""
    del task_class  # the converter fails before the task's own code sees the record
    return _trace(
        (
            "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler",
            (
                "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execAndHandleError"
                "(RetryWithToleranceOperator.java:230)",
                "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execute"
                "(RetryWithToleranceOperator.java:156)",
                "org.apache.kafka.connect.runtime.WorkerSinkTask.convertAndTransformRecord(WorkerSinkTask.java:536)",
                "org.apache.kafka.connect.runtime.WorkerSinkTask.convertMessages(WorkerSinkTask.java:513)",
                "org.apache.kafka.connect.runtime.WorkerSinkTask.poll(WorkerSinkTask.java:349)",
                "org.apache.kafka.connect.runtime.WorkerSinkTask.iteration(WorkerSinkTask.java:250)",
                "org.apache.kafka.connect.runtime.WorkerSinkTask.execute(WorkerSinkTask.java:219)",
                "org.apache.kafka.connect.runtime.WorkerTask.doRun(WorkerTask.java:204)",
                "org.apache.kafka.connect.runtime.WorkerTask.run(WorkerTask.java:259)",
                *_EXECUTOR_FRAMES,
            ),
            0,
        ),
        (
            "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed due to "
            "serialization error: ",
            (
                "org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:333)",
                "org.apache.kafka.connect.storage.Converter.toConnectData(Converter.java:91)",
                "org.apache.kafka.connect.runtime.WorkerSinkTask.lambda$convertAndTransformRecord$4"
                "(WorkerSinkTask.java:536)",
                "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execAndRetry"
                "(RetryWithToleranceOperator.java:180)",
                "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator.execAndHandleError"
                "(RetryWithToleranceOperator.java:214)",
            ),
            14,
        ),
        (
            "org.apache.kafka.common.errors.SerializationException: com.fasterxml.jackson.core.JsonParseException: "
            "Unrecognized token 'orders': was expecting (JSON String, Number, Array, Object or token 'null', "
            "'true' or 'false')",
            (
                "org.apache.kafka.connect.json.JsonDeserializer.deserialize(JsonDeserializer.java:66)",
                "org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:331)",
            ),
            18,
        ),
    )


def source_task_failure(task_class: str | None = None) -> str:
    """A source task stopped because the producer refused a record that is too large."""
    del task_class  # the producer's callback fails the task after its poll() returned
    return _trace(
        (
            "org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception from producer send callback",
            (
                "org.apache.kafka.connect.runtime.WorkerSourceTask.maybeThrowProducerSendException"
                "(WorkerSourceTask.java:340)",
                "org.apache.kafka.connect.runtime.WorkerSourceTask.prepareToSendRecord(WorkerSourceTask.java:133)",
                "org.apache.kafka.connect.runtime.AbstractWorkerSourceTask.sendRecords"
                "(AbstractWorkerSourceTask.java:395)",
                "org.apache.kafka.connect.runtime.AbstractWorkerSourceTask.execute(AbstractWorkerSourceTask.java:354)",
                "org.apache.kafka.connect.runtime.WorkerTask.doRun(WorkerTask.java:204)",
                "org.apache.kafka.connect.runtime.WorkerTask.run(WorkerTask.java:259)",
                "org.apache.kafka.connect.runtime.AbstractWorkerSourceTask.run(AbstractWorkerSourceTask.java:77)",
                *_EXECUTOR_FRAMES,
            ),
            0,
        ),
        (
            "org.apache.kafka.common.errors.RecordTooLargeException: The message is 1572910 bytes when serialized "
            "which is larger than 1048576, which is the value of the max.request.size configuration.",
            (),
            0,
        ),
    )


def connector_failure(connector_class: str | None = None) -> str:
    """A connector whose ``start()`` cannot reach the system it copies data from or to."""
    cls = connector_class or "org.apache.kafka.connect.connector.Connector"
    return _trace(
        (
            "org.apache.kafka.connect.errors.ConnectException: Failed to connect to the external system: "
            "Connection refused",
            (
                f"{cls}.start({_simple(cls)}.java:84)",
                "org.apache.kafka.connect.runtime.WorkerConnector.doStart(WorkerConnector.java:190)",
                "org.apache.kafka.connect.runtime.WorkerConnector.start(WorkerConnector.java:215)",
                "org.apache.kafka.connect.runtime.WorkerConnector.doTransitionTo(WorkerConnector.java:360)",
                "org.apache.kafka.connect.runtime.WorkerConnector.doTransitionTo(WorkerConnector.java:343)",
                "org.apache.kafka.connect.runtime.WorkerConnector.doRun(WorkerConnector.java:143)",
                "org.apache.kafka.connect.runtime.WorkerConnector.run(WorkerConnector.java:121)",
                *_EXECUTOR_FRAMES,
            ),
            0,
        ),
        (
            "java.net.ConnectException: Connection refused",
            (
                "java.base/sun.nio.ch.Net.pollConnect(Native Method)",
                "java.base/sun.nio.ch.Net.pollConnectNow(Net.java:672)",
                "java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:547)",
                "java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:602)",
                "java.base/java.net.Socket.connect(Socket.java:633)",
                f"{cls}.start({_simple(cls)}.java:79)",
            ),
            13,
        ),
    )


def task_failure(connector_type: str, task_class: str | None = None) -> str:
    """The default trace of a failed task of a ``sink`` or ``source`` connector."""
    if connector_type == "sink":
        return sink_task_failure(task_class)
    return source_task_failure(task_class)
