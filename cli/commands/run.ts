import cluster from 'node:cluster';
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { instanceNumber, superviseWorkers } from '../../lib/cluster.ts';
import { type Component, runComponents } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { OpsServer } from '../../lib/ops-server.ts';
import { DemoProducer } from '../../producers/demo/demo-producer.ts';
import { httpGatewaySettings } from '../../producers/http-gateway/config.ts';
import { mqttBridgeSettings } from '../../producers/mqtt-bridge/config.ts';
import type { ProducerName } from '../../producers/telemetry-producers.ts';
import { createClickHouseSink } from '../../sinks/clickhouse/clickhouse-sink.ts';
import { createPostgresArchiveSink, createPostgresSink } from '../../sinks/postgres/postgres-sink.ts';
import { done } from '../output.ts';
import { apiWithOverview, type PlatformOptions, parseInstanceCounts, runPlatform } from '../platform.ts';
import { createProcessor, type PipelineName, pipelines } from './processors.ts';

interface Running {
  components: Component[];
  /** Aborted when the process can no longer do its job (a sink's fatal error): it stops and exits 1. */
  failed?: AbortSignal;
  graceMs?: number;
  /** Runs after the components stopped. */
  close?: () => Promise<void>;
}

/**
 * Runs one component (or a few that belong together) in this process until SIGINT/SIGTERM, with
 * /healthz, /readyz and /metrics on OPS_PORT: what a container runs.
 */
async function serve(label: string, build: () => Promise<Running>): Promise<void> {
  const logger = componentLogger(label);
  const ops = new OpsServer();
  await ops.start();
  try {
    const running = await build();
    ops.watch(running.components);
    try {
      await runComponents(running.components, logger, {
        graceMs: running.graceMs,
        stopSignal: running.failed,
        onStarted: () => {
          if (cluster.isPrimary)
            done(label, `running ${running.components.map((c) => c.name).join(', ')}; Ctrl-C stops`);
        },
      });
    } finally {
      await running.close?.();
    }
    if (running.failed?.aborted) process.exitCode = 1;
  } finally {
    await ops.stop();
  }
  // Everything stopped. Timers a client library still holds (kafkajs retrying a transaction call
  // that a new owner of the partition fenced, seen with two processor instances) would keep the
  // process alive for up to a minute after a graceful stop.
  process.exit();
}

/**
 * Runs `run` in this process, or in `instances` copies of it (worker processes sharing its
 * listening sockets, each replaced if it dies; see superviseWorkers): consumers of one group
 * share the partitions, servers share the port.
 */
async function inInstances(label: string, instances: number, run: () => Promise<void>): Promise<void> {
  if (instances > 1 && cluster.isPrimary) {
    done(label, `in ${instances} processes; Ctrl-C stops`);
    process.exitCode = await superviseWorkers(instances, componentLogger(label));
    return;
  }
  try {
    await run();
  } finally {
    // a cluster worker's channel to the primary would keep it alive once its component stopped (or failed)
    if (cluster.isWorker) cluster.worker?.disconnect();
  }
}

function parseInstances(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a positive integer');
  return value;
}

const instancesOption = () =>
  new Option('--instances <n>', 'run n copies of it, each its own process').argParser(parseInstances);

/** A telemetry producer; the gateway's copies serve one port (HTTP_GATEWAY_WORKERS when --instances is not given). */
async function runProducer(name: ProducerName, instances?: number): Promise<void> {
  const copies = instances ?? (name === 'http-gateway' ? loadSettings(httpGatewaySettings).workers : 1);
  const instance = instanceNumber();
  if (name === 'mqtt-bridge' && instance !== undefined) {
    // each bridge its own MQTT session (a replacement resumes it), all in one shared subscription
    const { clientId } = loadSettings(mqttBridgeSettings);
    process.env.MQTT_BRIDGE_CLIENT_ID = `${clientId}-${instance}`;
  }
  await inInstances(name, copies, async () => {
    // The producers load Express, MQTT and protocol libraries: imported when one runs.
    const { telemetryProducers } = await import('../../producers/telemetry-producers.ts');
    await serve(name, async () => {
      const serde = await prepareTopicsAndSchemas(createKafka(name));
      return { components: await telemetryProducers(serde, [name]) };
    });
  });
}

/** Each sink by its command name. */
const sinks = {
  postgres: createPostgresSink,
  'postgres-archive': createPostgresArchiveSink,
  clickhouse: createClickHouseSink,
} as const;
type SinkName = keyof typeof sinks;

/** `sluice run <component>`: each component as its own process, the way containers run them. */
export function registerRunCommands(program: Command): void {
  const run = program
    .command('run')
    .description('run a component in the foreground until SIGINT/SIGTERM (one per container in production)');

  const producers: [command: string, name: ProducerName, what: string, copies: boolean][] = [
    ['gateway', 'http-gateway', 'the HTTP ingest gateway (HTTP_GATEWAY_WORKERS processes)', true],
    ['mqtt-bridge', 'mqtt-bridge', 'the MQTT bridge (copies share the subscription)', true],
    ['opcua', 'opcua-client', 'the OPC UA client (OPCUA_NODES)', false],
    ['modbus', 'modbus-poller', 'the Modbus TCP poller (MODBUS_REGISTERS)', false],
  ];
  for (const [command, name, what, copies] of producers) {
    const producer = run.command(command).description(`${what} → raw.telemetry.readings.v1`);
    // pollers poll their devices: two copies would read every value twice
    if (copies) producer.addOption(instancesOption());
    producer.action(({ instances }: { instances?: number }) => runProducer(name, instances));
  }

  run
    .command('processor')
    .description('a processor: raw topic → stages → normalized topic, exactly once')
    .addArgument(new Argument('<pipeline>').choices(pipelines))
    .addOption(instancesOption())
    .action((name: PipelineName, { instances = 1 }: { instances?: number }) =>
      inInstances(`processor-${name}`, instances, () =>
        serve(`processor-${name}`, async () => ({
          components: [createProcessor(name).component],
          graceMs: 15_000,
        })),
      ),
    );

  run
    .command('sink')
    .description(
      'a sink: normalized topics into PostgreSQL or ClickHouse, or the raw archive into PostgreSQL; exits 1 on a fatal error',
    )
    .addArgument(new Argument('<sink>').choices(Object.keys(sinks)))
    .addOption(instancesOption())
    .action((name: SinkName, { instances = 1 }: { instances?: number }) =>
      inInstances(`sink-${name}`, instances, () =>
        serve(`sink-${name}`, async () => {
          const sink = sinks[name]();
          return { components: [sink], failed: sink.failed };
        }),
      ),
    );

  run
    .command('api')
    .description('the API: REST, dashboard, /metrics')
    .action(() =>
      serve('api', async () => {
        const components: Component[] = [];
        const { api, close } = await apiWithOverview(() => components);
        components.push(api);
        return { components, close };
      }),
    );

  run
    .command('demo')
    .description('the demo producer: made-up readings from a few sites (DEMO_READINGS_PER_SECOND)')
    .action(() =>
      serve('demo', async () => ({
        components: [new DemoProducer(await prepareTopicsAndSchemas(createKafka('demo')))],
      })),
    );

  run
    .command('platform')
    .description('every component in this process (what `sluice up` runs)')
    .option('--state <dir>', 'state directory of the background process (`sluice up --detach`)')
    .option('--no-demo', 'do not start the demo producer')
    .option('--instances <counts>', 'copies of components, e.g. processor-telemetry=2', parseInstanceCounts)
    .action(({ demo, instances }: PlatformOptions) => runPlatform({ demo, instances }));
}
