import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { apiSettings, apiUrl } from '../api/config.ts';
import { type ComponentFactory, runComponents, sluiceProcess } from '../lib/component.ts';
import { ComponentProcess, componentProcessProblems } from '../lib/component-process.ts';
import { loadSettings, projectRoot, sluiceHome } from '../lib/config.ts';
import { componentLogger, loggedProblems } from '../lib/logger.ts';
import type { Observed } from '../lib/ops.ts';
import { telemetryProducers } from '../producers/telemetry-producers.ts';
import { pipelines } from './commands/processors.ts';
import {
  apiFactory,
  demoFactory,
  processorFactory,
  sharedSerde,
  sinkFactory,
  sinkNames,
} from './components.ts';
import { exitWithParent, runAttached } from './node-flags.ts';
import { bold, done, red, say, yellow } from './output.ts';
import { LocalService } from './stack/service.ts';
import { stackDown, stackUp } from './stack/stack.ts';

/** The platform's components of which it can run several copies (members of one consumer group). */
export const copyableComponents = [
  ...pipelines.map((pipeline) => `processor-${pipeline}` as const),
  ...sinkNames.map((sink) => `sink-${sink}` as const),
];
export type CopyableComponent = (typeof copyableComponents)[number];

export interface PlatformOptions {
  demo: boolean;
  /** Copies of a component (1 when not named). */
  instances?: Partial<Record<CopyableComponent, number>>;
  /** Every component in this process, where by default each processor and sink has a process of its own. */
  oneProcess?: boolean;
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

export const oneProcessHelp =
  'run the processors and sinks in this process too (less memory in all, one core at most) instead of a process each';

/** The `sluice run` command of each processor and sink, as a process of the platform starts it. */
const runCommands: Record<CopyableComponent, string[]> = Object.fromEntries([
  ...pipelines.map((pipeline) => [`processor-${pipeline}`, ['processor', pipeline]]),
  ...sinkNames.map((sink) => [`sink-${sink}`, ['sink', sink]]),
]) as Record<CopyableComponent, string[]>;

/**
 * A processor or sink in a process of its own: `sluice run processor|sink <name>` with that
 * command's V8 flags, supervised by the platform like any of its components (restarted with
 * backoff when it dies) and reporting its health and metrics to it.
 */
function processFactory(name: string, command: string[]): ComponentFactory {
  const launch = sluiceProcess(thisEntry(), ['run', ...command]);
  return { name, create: () => new ComponentProcess(name, launch) };
}

/** The entry this process runs: bin/sluice.mjs in a checkout, dist/cli/main.js when built. */
function thisEntry(): string {
  return process.argv[1] ?? join(projectRoot, 'bin', 'sluice.mjs');
}

/** `sluice run platform` with `options`, as `sluice up` starts it. */
function platformArgs(options: PlatformOptions): string[] {
  return [
    'run',
    'platform',
    ...(options.demo ? [] : ['--no-demo']),
    ...instancesArgument(options.instances),
    ...(options.oneProcess ? ['--one-process'] : []),
  ];
}

/**
 * Runs the platform until SIGINT/SIGTERM: the API, the producers and the scheduler in this
 * process, and each processor and sink in a process of its own (all in this one with
 * `oneProcess`), every one restarted when it fails (`runComponents`); resolves with the process's
 * exit code. Nothing waits for the servers at start: the API answers at once, and a component
 * whose server is not there yet says so in /readyz and is started again with backoff. `attached`:
 * in the terminal of `sluice up`, which it prints the URLs and the run's problems to.
 */
export async function runPlatform(options: PlatformOptions & { attached?: boolean }): Promise<number> {
  if (options.attached) exitWithParent();
  const logger = componentLogger('platform');
  // topics and schemas, once for every producer (again after a failure)
  const serde = sharedSerde('platform');
  let components: Observed[] = [];
  const api = apiFactory(() => components);
  const copies = (name: CopyableComponent, factory: ComponentFactory): ComponentFactory[] => {
    const count = options.instances?.[name] ?? 1;
    const copyName = (i: number) => (count === 1 ? factory.name : `${factory.name}-${i}`);
    return Array.from({ length: count }, (_, i) =>
      options.oneProcess
        ? // copies in one process share its core: they show the group sharing partitions and taking over
          { name: copyName(i + 1), create: factory.create }
        : processFactory(copyName(i + 1), runCommands[name]),
    );
  };
  // stopped in reverse: intake stops before what drains it
  const factories: ComponentFactory[] = [
    api.factory,
    ...sinkNames.flatMap((sink) => copies(`sink-${sink}`, sinkFactory(sink))),
    ...pipelines.flatMap((pipeline) => copies(`processor-${pipeline}`, processorFactory(pipeline))),
    ...telemetryProducers(serde),
  ];
  factories.push(api.scheduler);
  if (options.demo) factories.push(demoFactory(serde));
  try {
    return await runComponents(factories, logger, {
      // processes stop one after another, each finishing its batches (a processor up to 15 s)
      graceMs: options.oneProcess ? undefined : 18_000,
      onSupervised: (supervised) => {
        components = supervised;
      },
      onStarted: () => {
        if (!options.attached) return;
        printUrls(apiUrl(loadSettings(apiSettings)));
        say('Press Ctrl-C to stop.');
      },
    });
  } finally {
    await api.close();
    if (options.attached) printLoggedProblems();
  }
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

/** The warnings and errors of the run, most frequent first, so a problem is not lost in the scroll. */
function printLoggedProblems(): void {
  const logged = loggedProblems(componentProcessProblems());
  if (logged.length === 0) {
    done('log', 'no warnings or errors in this run');
    return;
  }
  say(bold(`Warnings and errors in this run (${logged.reduce((sum, p) => sum + p.count, 0)} lines):`));
  for (const problem of logged.slice(0, 15)) {
    const level = problem.level === 'warn' ? yellow('warn ') : red(problem.level.padEnd(5));
    say(`  ${String(problem.count).padStart(6)} × ${level} ${problem.component}: ${problem.message}`);
  }
  if (logged.length > 15) say(`  … and ${logged.length - 15} more kinds`);
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
      launch: (dir) => sluiceProcess(thisEntry(), [...platformArgs(options), '--state', dir]),
      probe: async () => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok,
    },
    sluiceHome(),
  );
}

export async function platformUp({
  detach,
  ...options
}: PlatformOptions & { detach: boolean }): Promise<void> {
  const startedServers = await stackUp();
  if (detach) {
    const service = platformService(options);
    const startedNow = await service.start((message) => say(`  platform   ${message}`));
    done(
      'platform',
      `${startedNow ? 'started' : 'already running'} (log: ${service.logFile}); stop with \`sluice down\``,
    );
    printUrls(service.definition.url);
    return;
  }
  try {
    // a process of its own, so that it starts with jemalloc, which stackUp may just have installed
    process.exitCode = await runAttached(
      sluiceProcess(thisEntry(), [...platformArgs(options), '--attached']),
    );
  } finally {
    if (startedServers.length > 0) await stackDown(startedServers);
  }
}

export async function platformDown(): Promise<void> {
  if (await platformService({ demo: false }).stop()) done('platform', 'stopped');
  await stackDown();
}
