import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  allContracts,
  dlqContract,
  readSchema,
  schemasDir,
  subjectOf,
  type TopicContract,
  topics,
} from '../schemas/catalog.ts';
import { samples } from '../schemas/samples.ts';
import { sluice, uniqueSuffix } from '../test/support.ts';
import { loadSettings } from './config.ts';
import { SluiceError } from './errors.ts';
import { createKafka, createProducer, ensureTopics, kafkaSettings } from './kafka.ts';
import { createRegistryClient, registrySettings } from './registry.ts';
import { AvroSerde } from './serde.ts';

type Schema = Record<string, unknown> & { fields: Record<string, unknown>[] };

/** A private subject per test: the shared ones must never see experimental schemas. */
function testContract(base: TopicContract): TopicContract {
  return { ...base, topic: `test.serde.${uniqueSuffix()}.${base.topic}` };
}

/** Decoded records are instances of avsc's generated classes: compare their data only. */
function plain(value: unknown): unknown {
  return structuredClone(value);
}

function isPoison(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof SluiceError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.disposition, 'poison');
    return true;
  };
}

describe('Avro serde against the registry', () => {
  const serde = new AvroSerde(createRegistryClient());
  before(async () => {
    await serde.registerAll(allContracts);
  });

  it('round-trips a realistic event of every schema in the Confluent framing', async () => {
    for (const contract of allContracts) {
      const sample = samples[contract.schemaFile.replace(/\.avsc$/, '') as keyof typeof samples];
      const encoded = serde.encode(contract.topic, sample);
      assert.equal(encoded[0], 0, 'magic byte');
      assert.equal(encoded.readInt32BE(1), serde.schemaId(contract.topic));
      const decoded = await serde.decode(contract.topic, encoded);
      assert.deepEqual(plain(decoded.value), plain(sample), contract.topic);
    }
  });

  it('a new subject registered from several places at once (a processor and its threads) gets one id', async () => {
    const registries = Array.from({ length: 8 }, () => createRegistryClient());
    const schema = readSchema(topics.normalizedTelemetry.schemaFile);
    for (let round = 0; round < 8; round++) {
      const contract = testContract(topics.normalizedTelemetry);
      const ids = await Promise.all(registries.map((registry) => registry.register(contract, schema)));
      assert.equal(new Set(ids).size, 1, `ids ${ids.join(', ')}`);
    }
  });

  it('a subject registered elsewhere without a rule gets its compatibility from several places at once', async () => {
    const registries = Array.from({ length: 8 }, () => createRegistryClient());
    const schema = readSchema('dlq.v1.avsc');
    for (let round = 0; round < 4; round++) {
      const subject = subjectOf(testContract(dlqContract(topics.normalizedTelemetry.topic)).topic);
      // registered as another tool would, with no rule: each client then sees NONE and sets BACKWARD
      const plainRegistration = await fetch(
        `${registries[0]?.baseUrl}/subjects/${encodeURIComponent(subject)}/versions`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify({ schema: JSON.stringify(schema) }),
        },
      );
      assert.equal(plainRegistration.status, 200, await plainRegistration.text());
      await Promise.all(registries.map((registry) => registry.setCompatibility(subject, 'BACKWARD')));
      assert.equal(await registries[0]?.compatibility(subject), 'BACKWARD');
    }
  });

  it('a consumer on v1 reads events written with an added optional field, and v2 reads v1 events', async () => {
    const contract = testContract(topics.normalizedTelemetry);
    const v1 = readSchema(contract.schemaFile) as Schema;
    const v2 = {
      ...v1,
      fields: [
        ...v1.fields,
        { name: 'firmware', type: ['null', 'string'], default: null, doc: 'Device firmware.' },
      ],
    };
    const reader = new AvroSerde(createRegistryClient());
    const v1Id = await reader.register(contract, v1);
    const writer = new AvroSerde(createRegistryClient());
    const v2Id = await writer.register(contract, v2);
    assert.notEqual(v1Id, v2Id);

    const sample = samples['normalized.telemetry.readings.v1'];
    const fromV2 = await reader.decode(
      contract.topic,
      writer.encode(contract.topic, { ...sample, firmware: '4.2.1' }),
    );
    assert.equal(fromV2.schemaId, v2Id);
    assert.deepEqual(plain(fromV2.value), plain(sample));

    const fromV1 = await writer.decode(contract.topic, reader.encode(contract.topic, sample));
    assert.deepEqual(plain(fromV1.value), plain({ ...sample, firmware: null }));
  });

  it('the registry refuses a breaking change to a public contract', async () => {
    const contract = testContract(topics.normalizedTelemetry);
    const v1 = readSchema(contract.schemaFile) as Schema;
    await serde.register(contract, v1);
    const removedRequired = { ...v1, fields: v1.fields.filter((f) => f.name !== 'unit') };
    const changedType = {
      ...v1,
      fields: v1.fields.map((f) => (f.name === 'value' ? { ...f, type: 'string' } : f)),
    };
    for (const broken of [removedRequired, changedType]) {
      await assert.rejects(serde.register(contract, broken), (err: unknown) => {
        assert.ok(err instanceof SluiceError);
        assert.equal(err.disposition, 'fatal');
        assert.match(err.message, /breaks FULL_TRANSITIVE compatibility/);
        return true;
      });
    }
  });

  it('a schema the registry cannot read is refused as a fatal serde error naming the subject', async () => {
    const contract = testContract(topics.normalizedTelemetry);
    const unreadable = { type: 'record', name: 'Broken', fields: [{ name: 'a', type: 'no-such-type' }] };
    await assert.rejects(createRegistryClient().register(contract, unreadable), (err: unknown) => {
      assert.ok(err instanceof SluiceError);
      assert.equal(err.code, 'ING_SERDE_INVALID');
      assert.equal(err.disposition, 'fatal');
      assert.match(err.message, new RegExp(`schema for ${contract.topic}-value is not a valid schema`));
      return true;
    });
  });

  it('bad bytes are poison errors, never a crash', async () => {
    const topic = topics.rawTelemetry.topic;
    const good = serde.encode(topic, samples['raw.telemetry.readings.v1']);
    const unknownId = Buffer.from(good);
    unknownId.writeInt32BE(2_000_000_000, 1);
    const wrongMagic = Buffer.from(good);
    wrongMagic[0] = 1;
    const cases: [string, Buffer | null, string][] = [
      ['garbage', Buffer.from('{"deviceId":"boiler-7","value":1}'), 'ING_SERDE_INVALID'],
      ['empty', Buffer.alloc(0), 'ING_SERDE_INVALID'],
      ['null (tombstone)', null, 'ING_SERDE_INVALID'],
      ['wrong magic byte', wrongMagic, 'ING_SERDE_INVALID'],
      ['unknown schema id', unknownId, 'ING_SERDE_UNKNOWN_SCHEMA'],
      ['truncated body', good.subarray(0, good.length - 7), 'ING_SERDE_INVALID'],
      ['trailing bytes', Buffer.concat([good, Buffer.from([1, 2, 3])]), 'ING_SERDE_INVALID'],
    ];
    for (const [label, bytes, code] of cases) {
      await assert.rejects(serde.decode(topic, bytes), isPoison(code), label);
    }
  });

  it('a value that does not fit the schema is a poison error naming the field', () => {
    const bad = { ...samples['raw.telemetry.readings.v1'], value: 'hot', receivedAt: 'now' };
    assert.throws(
      () => serde.encode(topics.rawTelemetry.topic, bad),
      (err: unknown) => {
        isPoison('ING_SERDE_INVALID')(err);
        assert.match((err as Error).message, /invalid field\(s\) value, receivedAt/);
        return true;
      },
    );
  });

  it('an independent decoder that knows only the registry URL reads what Sluice wrote', async () => {
    const kafka = createKafka('serde-test');
    const { brokers } = loadSettings(kafkaSettings);
    const { url } = loadSettings(registrySettings);
    const cases = [
      [topics.rawTelemetry, samples['raw.telemetry.readings.v1']],
      [topics.normalizedPricing, samples['normalized.pricing.prices.v1']],
    ] as const;
    for (const [base, sample] of cases) {
      const contract = testContract(base);
      await serde.register(contract);
      await ensureTopics(kafka, [{ topic: contract.topic, numPartitions: 1 }]);
      const producer = createProducer(kafka);
      await producer.connect();
      await producer.send({
        topic: contract.topic,
        acks: -1,
        messages: [{ value: serde.encode(contract.topic, sample) }],
      });
      await producer.disconnect();

      // kcat (librdkafka) fetches the bytes; Python's fastavro decodes them with the schema from the registry.
      const kcat = spawnSync(
        'kcat',
        ['-b', brokers.join(','), '-C', '-t', contract.topic, '-o', 'beginning', '-c', '1', '-e', '-f', '%s'],
        {
          timeout: 30_000,
        },
      );
      assert.equal(kcat.status, 0, String(kcat.stderr));
      const python = spawnSync(
        'python3',
        [join(import.meta.dirname, '..', 'test', 'tools', 'decode_confluent_avro.py'), url],
        {
          input: kcat.stdout,
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      assert.equal(python.status, 0, python.stderr);
      const { schemaId, value } = JSON.parse(python.stdout);
      assert.equal(schemaId, serde.schemaId(contract.topic));
      assert.equal(value.eventId, sample.eventId);
      if ('deviceId' in sample) {
        assert.equal(value.deviceId, sample.deviceId);
        assert.equal(value.value, sample.value);
        assert.equal(value.source, sample.source);
        assert.ok(Buffer.from(value.payload, 'base64').equals(sample.payload));
        assert.equal(Date.parse(value.receivedAt), sample.receivedAt);
      } else {
        assert.equal(Number(value.pricePerUnitUsd), Number(sample.pricePerUnitUsd));
        assert.equal(value.category, sample.category);
        assert.equal(Date.parse(value.effectiveFrom), sample.effectiveFrom);
      }
    }
  });
});

describe('sluice schemas check', () => {
  it('passes for the committed schemas', () => {
    const result = sluice(['schemas', 'check']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /normalized\.telemetry\.readings\.v1\.avsc compatible \(FULL_TRANSITIVE\)/);
  });

  it('refuses a breaking change with a readable diff, and accepts an added optional field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-schemas-'));
    try {
      cpSync(schemasDir, dir, { recursive: true });
      const file = join(dir, 'normalized.telemetry.readings.v1.avsc');
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Schema;

      writeFileSync(
        file,
        JSON.stringify({ ...schema, fields: schema.fields.filter((f) => f.name !== 'unit') }),
      );
      let result = sluice(['schemas', 'check', '--dir', dir]);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /normalized\.telemetry\.readings\.v1\.avsc breaks FULL_TRANSITIVE/);
      assert.match(result.stderr, /removed field unit \(string, no default\)/);
      assert.match(result.stderr, /registry: normalized\.telemetry\.readings\.v1-value .* refuses it/);

      writeFileSync(
        file,
        JSON.stringify({
          ...schema,
          fields: schema.fields.map((f) => (f.name === 'value' ? { ...f, type: 'string' } : f)),
        }),
      );
      result = sluice(['schemas', 'check', '--dir', dir]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /field value: double → string/);

      const optional = { name: 'firmware', type: ['null', 'string'], default: null, doc: 'Device firmware.' };
      writeFileSync(file, JSON.stringify({ ...schema, fields: [...schema.fields, optional] }));
      result = sluice(['schemas', 'check', '--dir', dir]);
      assert.equal(result.status, 0, result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generated types are up to date with the .avsc files', () => {
    const result = sluice(['schemas', 'codegen', '--check']);
    assert.equal(result.status, 0, result.stderr);
  });
});
