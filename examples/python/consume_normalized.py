"""Subscribe to a Sluice topic from Python, knowing only the broker and registry URLs.

Values are Avro in the Confluent wire format (byte 0, a 4-byte big-endian schema id, the Avro
body): the writer schema is fetched once per id from the registry (GET /schemas/ids/<id>) and
decoded with fastavro. Processors write in Kafka transactions, so read_committed.

    pip install -r examples/python/requirements.txt
    python3 examples/python/consume_normalized.py \
        --bootstrap 127.0.0.1:19092 --registry http://127.0.0.1:18081/apis/ccompat/v7 \
        --topic normalized.telemetry.readings.v1 --from-beginning --max-messages 10

Prints one JSON object per message: topic, partition, offset, key, headers, schemaId and the
value (timestamps as epoch milliseconds, decimals as strings, bytes as base64).
"""

import argparse
import base64
import datetime
import decimal
import io
import json
import struct
import sys
import time
import urllib.request

import fastavro
from confluent_kafka import Consumer, KafkaError, KafkaException


class Registry:
    """Writer schemas by id, fetched once each."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.schemas: dict[int, dict] = {}

    def schema(self, schema_id: int) -> dict:
        if schema_id not in self.schemas:
            with urllib.request.urlopen(f"{self.url}/schemas/ids/{schema_id}", timeout=10) as response:
                self.schemas[schema_id] = fastavro.parse_schema(json.loads(json.load(response)["schema"]))
        return self.schemas[schema_id]

    def decode(self, data: bytes) -> tuple[int, dict]:
        magic, schema_id = struct.unpack(">bI", data[:5])
        if magic != 0:
            raise ValueError(f"not the Confluent wire format (magic byte {magic})")
        return schema_id, fastavro.schemaless_reader(io.BytesIO(data[5:]), self.schema(schema_id))


def plain(value):
    """What json.dumps cannot write: timestamps as epoch ms, decimals as text, bytes as base64."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp() * 1000)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot write {type(value).__name__}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers, host:port[,…]")
    parser.add_argument("--registry", required=True, help="schema registry URL (Apicurio: …/apis/ccompat/v7)")
    parser.add_argument("--topic", default="normalized.telemetry.readings.v1")
    parser.add_argument("--group", default="sluice-python-example")
    parser.add_argument("--from-beginning", action="store_true", help="a new group starts at the oldest event")
    parser.add_argument("--max-messages", type=int, default=0, help="stop after this many (0: run until Ctrl-C)")
    parser.add_argument("--idle-seconds", type=float, default=0, help="stop after this long without a message")
    args = parser.parse_args()

    registry = Registry(args.registry)
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            "auto.offset.reset": "earliest" if args.from_beginning else "latest",
            "isolation.level": "read_committed",
            "enable.auto.commit": True,
        }
    )
    consumer.subscribe([args.topic])
    received = 0
    last = time.monotonic()
    try:
        while args.max_messages == 0 or received < args.max_messages:
            if args.idle_seconds and time.monotonic() - last > args.idle_seconds:
                break
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise KafkaException(message.error())
            schema_id, value = registry.decode(message.value())
            headers = {name: raw.decode("utf-8", "replace") for name, raw in (message.headers() or [])}
            key = message.key().decode("utf-8", "replace") if message.key() is not None else None
            print(
                json.dumps(
                    {
                        "topic": message.topic(),
                        "partition": message.partition(),
                        "offset": message.offset(),
                        "key": key,
                        "headers": headers,
                        "schemaId": schema_id,
                        "value": value,
                    },
                    default=plain,
                ),
                flush=True,
            )
            received += 1
            last = time.monotonic()
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
