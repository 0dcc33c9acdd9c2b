import cluster from 'node:cluster';
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import { instanceNumber, superviseWorkers } from '../../lib/cluster.ts';
import { type ComponentFactory, type RunOptions, runComponents } from '../../lib/component.ts';
import { startedByPlatform } from '../../lib/component-process.ts';
import { loadSettings } from '../../lib/config.ts';
import { componentLogger } from '../../lib/logger.ts';
import type { Observed } from '../../lib/ops.ts';
import { httpGatewaySettings } from '../../producers/http-gateway/config.ts';
import { mqttBridgeSettings } from '../../producers/mqtt-bridge/config.ts';
import type { ProducerName } from '../../producers/telemetry-producers.ts';
import {
  apiFactory,
  demoFactory,
  processorFactory,
  type SinkName,
  sharedSerde,
  sinkFactory,
  sinkNames,
} from '../components.ts';
import { done } from '../output.ts';
import { oneProcessHelp, type PlatformOptions, parseInstanceCounts, runPlatform } from '../platform.ts';
import { type PipelineName, pipelines } from './processors.ts';

/**
 * Runs one component (or a few that belong together) in this process until SIGINT/SIGTERM, with
 * /healthz, /readyz and /metrics on OPS_PORT: what a container runs. Each is restarted with
 * backoff when it fails; the process exits 2 on a settings error and 1 when a component kept
 * failing (SUPERVISION_GIVE_UP_MS), for systemd or Kubernetes to restart it.
 */
async function serve(
  label: string,
  factories: ComponentFactory[],
  {
    graceMs,
    onSupervised,
    close,
  }: Pick<RunOptions, 'graceMs' | 'onSupervised'> & { close?: () => Promise<void> } = {},
): Promise<void> {
  try {
    process.exitCode = await runComponents(factories, componentLogger(label), {
      graceMs,
      onSupervised,
      ops: true,
      onStarted: () => {
        // a process the platform started is one of its components: the platform says when it runs
        if (cluster.isPrimary && !startedByPlatform())
          done(label, `running ${factories.map((c) => c.name).join(', ')}; Ctrl-C stops`);
      },
    });
  } finally {
    await close?.();
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
    await serve(name, telemetryProducers(sharedSerde(name), [name]));
  });
}

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
        serve(`processor-${name}`, [processorFactory(name)], { graceMs: 15_000 }),
      ),
    );

  run
    .command('sink')
    .description(
      'a sink: normalized topics into PostgreSQL or ClickHouse, or the raw archive into PostgreSQL',
    )
    .addArgument(new Argument('<sink>').choices(sinkNames))
    .addOption(instancesOption())
    .action((name: SinkName, { instances = 1 }: { instances?: number }) =>
      inInstances(`sink-${name}`, instances, () => serve(`sink-${name}`, [sinkFactory(name)])),
    );

  run
    .command('api')
    .description('the API: REST, dashboard, /metrics')
    .action(() => {
      let components: Observed[] = [];
      const api = apiFactory(() => components);
      return serve('api', [api.factory], {
        close: api.close,
        onSupervised: (supervised) => {
          components = supervised;
        },
      });
    });

  run
    .command('demo')
    .description('the demo producer: made-up readings from a few sites (DEMO_READINGS_PER_SECOND)')
    .action(() => serve('demo', [demoFactory(sharedSerde('demo'))]));

  run
    .command('platform')
    .description('every component in this process (what `sluice up` runs)')
    .option('--state <dir>', 'state directory of the background process (`sluice up --detach`)')
    .option('--no-demo', 'do not start the demo producer')
    .option('--instances <counts>', 'copies of components, e.g. processor-telemetry=2', parseInstanceCounts)
    .option('--one-process', oneProcessHelp)
    .option(
      '--attached',
      'in the terminal of `sluice up`: prints the URLs once started and the run’s warnings and errors at the end',
    )
    .action(async (options: PlatformOptions & { attached?: boolean }) => {
      process.exitCode = await runPlatform(options);
    });
}
