import type avro from 'avsc';
import { readSchema, type TopicContract } from '../schemas/catalog.ts';
import { AvroEncoder, avroType, decodeAvro } from './avro.ts';
import { SluiceError } from './errors.ts';
import type { SchemaRegistryClient } from './registry.ts';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro body. */
const MAGIC = 0;
const HEADER_BYTES = 5;

interface Writer {
  id: number;
  type: avro.Type;
  /** Magic byte and schema id: what precedes every body this writer encodes. */
  header: Buffer;
}

export interface Decoded<T> {
  schemaId: number;
  value: T;
}

/**
 * The one serde. Encodes with the schema this build ships (registered under `<topic>-value`)
 * and decodes any registered version: the writer's schema is fetched by id once, and resolved
 * against the reader schema so old and new events read alike.
 */
export class AvroSerde {
  private readonly writers = new Map<string, Writer>();
  private readonly writerTypes = new Map<number, avro.Type>();
  private readonly pendingWriterTypes = new Map<number, Promise<avro.Type>>();
  private readonly readers = new Map<
    string,
    { type: avro.Type; resolvers: Map<number, avro.Resolver | null> }
  >();
  private readonly encoder = new AvroEncoder();

  constructor(private readonly registry: SchemaRegistryClient) {}

  /** Registers the topic's schema (and its compatibility rule) and keeps its id for encoding and as reader. */
  async register(contract: TopicContract, schema = readSchema(contract.schemaFile)): Promise<number> {
    const id = await this.registry.register(contract, schema);
    this.adopt(contract, id, schema);
    return id;
  }

  /** Uses a schema id registered elsewhere (by the thread that started this one), without asking the registry. */
  adopt(contract: TopicContract, id: number, schema = readSchema(contract.schemaFile)): void {
    const type = avroType(schema);
    this.writers.set(contract.topic, { id, type, header: frameHeader(id) });
    this.writerTypes.set(id, type);
    this.readers.set(contract.topic, { type, resolvers: new Map([[id, null]]) });
  }

  async registerAll(contracts: TopicContract[]): Promise<void> {
    for (const contract of contracts) await this.register(contract);
  }

  schemaId(topic: string): number {
    return this.writer(topic).id;
  }

  /**
   * Where the Avro body of `message` starts when it is framed with the schema registered for
   * `topic` (so it reads without schema resolution); -1 for any other message.
   */
  ownSchemaBody(topic: string, message: Buffer | null): number {
    if (!message || message.length < HEADER_BYTES || message[0] !== MAGIC) return -1;
    return message.readInt32BE(1) === this.schemaId(topic) ? HEADER_BYTES : -1;
  }

  private writer(topic: string): Writer {
    const writer = this.writers.get(topic);
    if (!writer) throw new SluiceError('ING_PROGRAMMING', `no schema registered for topic ${topic}`);
    return writer;
  }

  /**
   * Encodes in the Confluent framing; a value that does not fit the schema is a poison error naming
   * the fields. The bytes are a view on a slab shared with other encoded values (see AvroEncoder).
   */
  encode(topic: string, value: unknown): Buffer {
    const { type, header } = this.writer(topic);
    try {
      return this.encoder.encode(type, value, header);
    } catch (err) {
      throw invalidValue(type, value, topic, err);
    }
  }

  /** Decodes when the writer schema is already known; throws a poison error otherwise. */
  decodeSync<T>(topic: string, message: Buffer | null): Decoded<T> {
    const schemaId = frameSchemaId(message);
    const writerType = this.writerTypes.get(schemaId);
    if (!writerType) {
      throw new SluiceError(
        'ING_SERDE_UNKNOWN_SCHEMA',
        `schema id ${schemaId} is not loaded (use decode to fetch it)`,
      );
    }
    const reader = this.readers.get(topic);
    if (!reader) throw new SluiceError('ING_PROGRAMMING', `no schema registered for topic ${topic}`);
    let resolver = reader.resolvers.get(schemaId);
    if (resolver === undefined) {
      try {
        resolver = writerType.equals(reader.type) ? null : reader.type.createResolver(writerType);
      } catch (err) {
        throw new SluiceError(
          'ING_SERDE_INVALID',
          `schema id ${schemaId} cannot be read as ${reader.type.name}`,
          {
            cause: err,
          },
        );
      }
      reader.resolvers.set(schemaId, resolver);
    }
    try {
      const value = decodeAvro(resolver ?? reader.type, message as Buffer, HEADER_BYTES);
      return { schemaId, value: value as T };
    } catch (err) {
      throw new SluiceError(
        'ING_SERDE_INVALID',
        `Avro body does not match schema id ${schemaId}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Decodes any message of the topic, fetching an unknown writer schema from the registry once. */
  async decode<T>(topic: string, message: Buffer | null): Promise<Decoded<T>> {
    const schemaId = frameSchemaId(message);
    if (!this.writerTypes.has(schemaId)) await this.loadWriterType(schemaId);
    return this.decodeSync<T>(topic, message);
  }

  private async loadWriterType(id: number): Promise<avro.Type> {
    let pending = this.pendingWriterTypes.get(id);
    if (!pending) {
      pending = this.registry
        .schemaById(id)
        .then((schema) => {
          if (schema === undefined) {
            throw new SluiceError('ING_SERDE_UNKNOWN_SCHEMA', `schema id ${id} is not in the registry`);
          }
          const type = avroType(schema);
          this.writerTypes.set(id, type);
          return type;
        })
        .finally(() => this.pendingWriterTypes.delete(id));
      this.pendingWriterTypes.set(id, pending);
    }
    return pending;
  }
}

function frameHeader(schemaId: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = MAGIC;
  header.writeInt32BE(schemaId, 1);
  return header;
}

/** Reads the schema id from the 5-byte header; anything else is poison. */
export function frameSchemaId(message: Buffer | null): number {
  if (!message || message.length < HEADER_BYTES) {
    throw new SluiceError(
      'ING_SERDE_INVALID',
      `message of ${message?.length ?? 0} bytes is too short for the Confluent framing`,
    );
  }
  if (message[0] !== MAGIC) {
    throw new SluiceError(
      'ING_SERDE_INVALID',
      `unknown magic byte ${message[0]} (expected 0, Confluent wire format)`,
    );
  }
  return message.readInt32BE(1);
}

function invalidValue(type: avro.Type, value: unknown, topic: string, cause: unknown): SluiceError {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(root)') });
  const where = paths.length > 0 ? `invalid field(s) ${paths.join(', ')}` : (cause as Error).message;
  return new SluiceError('ING_SERDE_INVALID', `value does not fit the ${topic} schema: ${where}`, { cause });
}
