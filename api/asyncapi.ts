import { loadSettings } from '../lib/config.ts';
import { type KafkaSettings, kafkaSettings } from '../lib/kafka.ts';
import { type RegistrySettings, registrySettings } from '../lib/registry.ts';
import { allContracts, readSchema, subjectOf, type TopicContract } from '../schemas/catalog.ts';
import { apiVersion } from './config.ts';

/**
 * The AsyncAPI 3 document of every Sluice topic, for services that subscribe to them: each
 * channel's payload is its `.avsc` (Avro schema format), with the message key and the Kafka
 * headers from the topic catalogue, and the Confluent wire format (schema id in the payload)
 * that lets a consumer decode with only the registry URL.
 */

const kafkaBinding = '0.5.0';
const avroFormat = 'application/vnd.apache.avro;version=1.9.0';

/** `normalized.telemetry.readings.v1` → `normalizedTelemetryReadingsV1`. */
function idOf(topic: string): string {
  return topic
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part, index) => (index === 0 ? part : part[0]?.toUpperCase() + part.slice(1)))
    .join('');
}

function message(contract: TopicContract) {
  const schema = readSchema(contract.schemaFile);
  const headerNames = Object.keys(contract.headers);
  return {
    name: String(schema.name),
    title: `${String(schema.name)} on ${contract.topic}`,
    summary: typeof schema.doc === 'string' ? schema.doc : undefined,
    contentType: 'application/octet-stream',
    payload: { schemaFormat: avroFormat, schema },
    ...(headerNames.length > 0
      ? {
          headers: {
            type: 'object',
            properties: Object.fromEntries(
              Object.entries(contract.headers).map(([name, description]) => [
                name,
                { type: 'string', description },
              ]),
            ),
          },
        }
      : {}),
    bindings: {
      kafka: {
        key: { type: 'string', description: contract.key },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        schemaLookupStrategy: 'TopicNameStrategy',
        bindingVersion: kafkaBinding,
      },
    },
    'x-registry-subject': subjectOf(contract.topic),
    'x-compatibility': contract.compatibility,
  };
}

export function asyncApiDocument({
  kafka = loadSettings(kafkaSettings),
  registry = loadSettings(registrySettings),
}: {
  kafka?: Pick<KafkaSettings, 'brokers'>;
  registry?: Pick<RegistrySettings, 'url'>;
} = {}) {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const contract of allContracts) {
    const id = idOf(contract.topic);
    messages[id] = message(contract);
    channels[id] = {
      address: contract.topic,
      title: contract.topic,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: { kafka: { topic: contract.topic, bindingVersion: kafkaBinding } },
    };
    operations[`receive${id[0]?.toUpperCase()}${id.slice(1)}`] = {
      action: 'receive',
      title: `Subscribe to ${contract.topic}`,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Sluice topics',
      version: apiVersion,
      description:
        'Every Kafka topic Sluice writes. Values are Avro in the Confluent wire format: byte 0, a 4-byte big-endian schema id, the Avro body; fetch the writer schema by id from the registry (GET <registry>/schemas/ids/<id>). Normalized topics evolve FULL_TRANSITIVE only. Read with isolation read_committed: processors write in Kafka transactions.',
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: 'application/octet-stream',
    servers: {
      kafka: {
        host: kafka.brokers.join(','),
        protocol: 'kafka',
        description: 'The brokers this API is configured with (KAFKA_BROKERS).',
        bindings: {
          kafka: {
            schemaRegistryUrl: registry.url,
            schemaRegistryVendor: 'confluent-compatible',
            bindingVersion: kafkaBinding,
          },
        },
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
