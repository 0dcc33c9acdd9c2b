import cluster from 'node:cluster';
import { Argument, type Command } from 'commander';
import { superviseWorkers } from '../../lib/cluster.ts';
import { type ComponentFactory, type RunOptions, runComponents } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { componentLogger } from '../../lib/logger.ts';
import type { Observed } from '../../lib/ops.ts';
import { httpGatewaySettings } from '../../producers/http-gateway/config.ts';
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
import { runPlatform } from '../platform.ts';
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
        if (cluster.isPrimary)
          done(label, `running ${factories.map((c) => c.name).join(', ')}; Ctrl-C stops`);
      },
    });
  } finally {
    await close?.();
  }
}

/** A telemetry producer; the gateway alone may serve its port from several processes. */
async function runProducer(name: ProducerName): Promise<void> {
  const { workers } = loadSettings(httpGatewaySettings);
  if (name === 'http-gateway' && workers > 1 && cluster.isPrimary) {
    done('gateway', `in ${workers} worker processes; Ctrl-C stops`);
    process.exitCode = await superviseWorkers(workers, componentLogger('gateway'));
    return;
  }
  // The producers load Express, MQTT and protocol libraries: imported when one runs.
  const { telemetryProducers } = await import('../../producers/telemetry-producers.ts');
  try {
    await serve(name, telemetryProducers(sharedSerde(name), [name]));
  } finally {
    // a cluster worker's channel to the primary would keep it alive once its gateway stopped (or failed)
    if (cluster.isWorker) cluster.worker?.disconnect();
  }
}

/** `sluice run <component>`: each component as its own process, the way containers run them. */
export function registerRunCommands(program: Command): void {
  const run = program
    .command('run')
    .description('run a component in the foreground until SIGINT/SIGTERM (one per container in production)');

  const producers: [command: string, name: ProducerName, what: string][] = [
    ['gateway', 'http-gateway', 'the HTTP ingest gateway (HTTP_GATEWAY_WORKERS processes)'],
    ['mqtt-bridge', 'mqtt-bridge', 'the MQTT bridge'],
    ['opcua', 'opcua-client', 'the OPC UA client (OPCUA_NODES)'],
    ['modbus', 'modbus-poller', 'the Modbus TCP poller (MODBUS_REGISTERS)'],
  ];
  for (const [command, name, what] of producers) {
    run
      .command(command)
      .description(`${what} → raw.telemetry.readings.v1`)
      .action(() => runProducer(name));
  }

  run
    .command('processor')
    .description('a processor: raw topic → stages → normalized topic, exactly once')
    .addArgument(new Argument('<pipeline>').choices(pipelines))
    .action((name: PipelineName) =>
      serve(`processor-${name}`, [processorFactory(name)], { graceMs: 15_000 }),
    );

  run
    .command('sink')
    .description(
      'a sink: normalized topics into PostgreSQL or ClickHouse, or the raw archive into PostgreSQL',
    )
    .addArgument(new Argument('<sink>').choices(sinkNames))
    .action((name: SinkName) => serve(`sink-${name}`, [sinkFactory(name)]));

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
    .action(async ({ demo }: { demo: boolean }) => {
      process.exitCode = await runPlatform({ demo });
    });
}
