import type { Admin } from 'kafkajs';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import type { ComponentFactory } from '../lib/component.ts';
import { createKafka } from '../lib/kafka.ts';
import type { Observed } from '../lib/ops.ts';
import { sharedOnce } from '../lib/retry.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { DemoProducer } from '../producers/demo/demo-producer.ts';
import { createClickHouseSink } from '../sinks/clickhouse/clickhouse-sink.ts';
import { createPostgresArchiveSink, createPostgresSink } from '../sinks/postgres/postgres-sink.ts';
import { createProcessor, type PipelineName } from './commands/processors.ts';
// its setting is listed by `sluice config` though the scheduler loads with the API
import './collection-schedule.ts';
import type { PlatformActions } from './operations.ts';

/**
 * The long-running components as factories a supervisor starts and starts again: one list for
 * `sluice run <component>` (one per process) and the platform (all in one).
 */

/** Each sink by its command name. */
const sinks = {
  postgres: createPostgresSink,
  'postgres-archive': createPostgresArchiveSink,
  clickhouse: createClickHouseSink,
} as const;
export type SinkName = keyof typeof sinks;
export const sinkNames = Object.keys(sinks) as SinkName[];

export function sinkFactory(name: SinkName): ComponentFactory {
  return { name: `sink-${name}`, create: () => sinks[name]() };
}

export function processorFactory(name: PipelineName): ComponentFactory {
  return { name: `${name}-processor`, create: () => createProcessor(name).component };
}

/** Topics and schemas prepared once for every producer of the process (again after a failure). */
export function sharedSerde(client: string): () => Promise<AvroSerde> {
  const kafka = createKafka(client);
  return sharedOnce(() => prepareTopicsAndSchemas(kafka));
}

export function demoFactory(serde: () => Promise<AvroSerde>): ComponentFactory {
  return { name: 'demo-producer', create: async () => new DemoProducer(await serde()) };
}

/**
 * The API with the overview of Sluice's topics and of `components` (those running in this
 * process). Its Kafka admin client connects at the first overview, so the API answers without Kafka.
 */
export function apiFactory(components: () => Observed[]): {
  factory: ComponentFactory;
  /** Scheduled collections (PRICING_COLLECTION_SCHEDULE), started through the API's actions. */
  scheduler: ComponentFactory;
  close: () => Promise<void>;
} {
  const kafka = createKafka('api');
  let adminClient: Admin | undefined;
  const admin = sharedOnce(async () => {
    const client = kafka.admin();
    await client.connect();
    adminClient = client;
    return client;
  });
  let actions: PlatformActions | undefined;
  // The API (Express, GraphQL, OpenAPI) and its operations (the collectors) are imported when it starts: every
  // other component's process imports this module too, and they cost it 25 MiB resident.
  const api = sharedOnce(async () => {
    const [{ ApiServer }, { buildOverview }, operations] = await Promise.all([
      import('../api/server.ts'),
      import('../api/overview.ts'),
      import('./operations.ts'),
    ]);
    actions ??= new operations.PlatformActions({ kafka });
    return { ApiServer, buildOverview, CollectionScheduler: operations.CollectionScheduler, actions };
  });
  return {
    factory: {
      name: 'api',
      create: async () => {
        const { ApiServer, buildOverview, actions } = await api();
        return new ApiServer({
          components,
          overview: () => buildOverview(admin, components()),
          operations: { kafka, actions },
        });
      },
    },
    scheduler: {
      name: 'collection-scheduler',
      create: async () => {
        const { CollectionScheduler, actions } = await api();
        return new CollectionScheduler(actions);
      },
    },
    close: async () => {
      await actions?.close();
      await adminClient?.disconnect().catch(() => {});
    },
  };
}
