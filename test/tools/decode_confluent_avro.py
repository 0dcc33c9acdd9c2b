"""Independent decoder for the Sluice wire format: reads one Kafka message value
(Confluent framing: magic byte 0, 4-byte schema id, Avro body) on stdin, fetches the
writer schema from the registry by id, decodes with fastavro and prints JSON.
It knows nothing of Sluice but the registry URL."""
import base64
import io
import json
import struct
import sys
import urllib.request

import fastavro


def to_json(value):
    """bytes as base64, decimals and timestamps as text."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def main() -> None:
    registry = sys.argv[1].rstrip("/")
    data = sys.stdin.buffer.read()
    magic, schema_id = struct.unpack(">bI", data[:5])
    if magic != 0:
        sys.exit(f"not Confluent framing: magic byte {magic}")
    with urllib.request.urlopen(f"{registry}/schemas/ids/{schema_id}") as response:
        schema = json.loads(json.load(response)["schema"])
    record = fastavro.schemaless_reader(io.BytesIO(data[5:]), fastavro.parse_schema(schema))
    print(json.dumps({"schemaId": schema_id, "value": record}, default=to_json))


if __name__ == "__main__":
    main()
