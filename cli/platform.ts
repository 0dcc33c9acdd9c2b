import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { apiSettings, apiUrl } from '../api/config.ts';
import { buildOverview } from '../api/overview.ts';
import { ApiServer } from '../api/server.ts';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { type Component, componentNodeFlags, runComponents } from '../lib/component.ts';
import { loadSettings, projectRoot, sluiceHome } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { componentLogger } from '../lib/logger.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { createPricingProcessor } from '../processors/pricing/pricing-processor.ts';
import { createTelemetryProcessor } from '../processors/telemetry/telemetry-processor.ts';
import { DemoProducer } from '../producers/demo/demo-producer.ts';
import { telemetryProducers } from '../producers/telemetry-producers.ts';
import { createClickHouseSink } from '../sinks/clickhouse/clickhouse-sink.ts';
import { createPostgresArchiveSink, createPostgresSink } from '../sinks/postgres/postgres-sink.ts';
import { CollectionScheduler, PlatformActions } from './operations.ts';
import { bold, done, say } from './output.ts';
import { LocalService } from './stack/service.ts';
import { stackDown, stackUp } from './stack/stack.ts';

/** The platform's components of which it can run several copies (members of one consumer group). */
export const copyableComponents = [
  'processor-telemetry',
  'processor-pricing',
  'sink-postgres',
  'sink-postgres-archive',
  'sink-clickhouse',
] as const;
export type CopyableComponent = (typeof copyableComponents)[number];

export interface PlatformOptions {
  demo: boolean;
  /** Copies of a component (1 when not named). */
  instances?: Partial<Record<CopyableComponent, number>>;
}

/** Parses `component=count[,component=count…]` (the `--instances` of `sluice up`). */
export function parseInstanceCounts(text: string): Partial<Record<CopyableComponent, number>> {
  const counts: Partial<Record<CopyableComponent, number>> = {};
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name, count] = entry.split('=');
    if (!copyableComponents.includes(name as CopyableComponent) || !/^[1-9]\d*$/.test(count ?? '')) {
      throw new InvalidArgumentError(
        `expected component=count[,…] with components ${copyableComponents.join(', ')}; "${entry}" is not one`,
      );
    }
    counts[name as CopyableComponent] = Number(count);
  }
  return counts;
}

/** The `--instances` argument that gives these counts back. */
function instancesArgument(counts: Partial<Record<CopyableComponent, number>> = {}): string[] {
  const text = Object.entries(counts)
    .map(([name, count]) => `${name}=${count}`)
    .join(',');
  return text ? ['--instances', text] : [];
}

/** Runs every platform component in this process until SIGINT/SIGTERM. */
export async function runPlatform(
  options: PlatformOptions,
  onStarted?: (api: ApiServer) => void,
): Promise<void> {
  const logger = componentLogger('platform');
  const serde = await prepareTopicsAndSchemas(createKafka('platform'));
  const components: Component[] = [];
  const { api, actions, close } = await apiWithOverview(() => components, serde);
  // copies in this process share its core: they show the group sharing partitions and taking over
  // from each other; for throughput, `sluice run <component> --instances N` runs processes
  const copies = <T>(name: CopyableComponent, create: () => T): T[] =>
    Array.from({ length: options.instances?.[name] ?? 1 }, () => create());
  // Started downstream first and stopped in reverse, so intake stops before what drains it.
  components.push(
    api,
    ...copies('sink-postgres', createPostgresSink),
    ...copies('sink-postgres-archive', createPostgresArchiveSink),
    ...copies('sink-clickhouse', createClickHouseSink),
  );
  components.push(
    ...copies('processor-telemetry', createTelemetryProcessor),
    ...copies('processor-pricing', createPricingProcessor),
  );
  components.push(new CollectionScheduler(actions));
  components.push(...(await telemetryProducers(serde)));
  if (options.demo) components.push(new DemoProducer(serde));
  try {
    await runComponents(components, logger, { onStarted: () => onStarted?.(api) });
  } finally {
    await close();
  }
}

/** The API with the overview of Sluice's topics and of `components` (those running in this process), and the platform's actions. */
export async function apiWithOverview(
  components: () => Component[],
  serde?: AvroSerde,
): Promise<{ api: ApiServer; actions: PlatformActions; close: () => Promise<void> }> {
  const kafka = createKafka('api');
  const admin = kafka.admin();
  await admin.connect();
  const actions = new PlatformActions({ kafka });
  const api = new ApiServer({
    components,
    overview: () => buildOverview(admin, components()),
    operations: { kafka, serde, actions },
  });
  return {
    api,
    actions,
    close: async () => {
      await actions.close();
      await admin.disconnect();
    },
  };
}

function printUrls(apiUrl: string): void {
  say('');
  say(`${bold('Sluice is running')}`);
  say(`  API        ${apiUrl}/api/v1/overview`);
  say(`  API docs   ${apiUrl}/api/docs`);
  say(`  GraphQL    ${apiUrl}/graphql`);
  say(`  dashboard  ${apiUrl}/`);
  say(`  metrics    ${apiUrl}/metrics`);
  say(`  health     ${apiUrl}/readyz`);
  say('');
}

/** The platform as a background process (`sluice up --detach`), managed like a stack server. */
function platformService(options: PlatformOptions): LocalService {
  const settings = loadSettings(apiSettings);
  const url = apiUrl(settings);
  return new LocalService(
    {
      name: 'platform',
      connection: {},
      url,
      ports: [settings.port],
      readyTimeoutMs: 90_000,
      install: async () => {},
      prepare: async () => {},
      launch: (dir) => ({
        command: process.execPath,
        args: [
          ...componentNodeFlags,
          // the entry this process runs: bin/sluice.mjs in a checkout, dist/cli/main.js when built
          process.argv[1] ?? join(projectRoot, 'bin', 'sluice.mjs'),
          'run',
          'platform',
          '--state',
          dir,
          ...(options.demo ? [] : ['--no-demo']),
          ...instancesArgument(options.instances),
        ],
      }),
      probe: async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok,
    },
    sluiceHome(),
  );
}

export async function platformUp({
  detach,
  demo,
  instances,
}: PlatformOptions & { detach: boolean }): Promise<void> {
  const startedServers = await stackUp();
  if (detach) {
    const service = platformService({ demo, instances });
    const startedNow = await service.start((message) => say(`  platform   ${message}`));
    done(
      'platform',
      `${startedNow ? 'started' : 'already running'} (log: ${service.logFile}); stop with \`sluice down\``,
    );
    printUrls(service.definition.url);
    return;
  }
  try {
    await runPlatform({ demo, instances }, (api) => {
      printUrls(api.url);
      say('Press Ctrl-C to stop.');
    });
  } finally {
    if (startedServers.length > 0) await stackDown(startedServers);
  }
}

export async function platformDown(): Promise<void> {
  if (await platformService({ demo: false }).stop()) done('platform', 'stopped');
  await stackDown();
}
