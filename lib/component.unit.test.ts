import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Component,
  type Health,
  nodeFlagsOf,
  runComponents,
  SupervisedComponent,
  sluiceProcess,
} from './component.ts';
import { projectRoot } from './config.ts';
import { SluiceError } from './errors.ts';
import { componentLogger } from './logger.ts';
import { jemallocLibrary, mallocEnv, memoryEnv } from './memory.ts';

const logger = componentLogger('supervision-test');
const quick = { restartInitialMs: 20, restartMaxMs: 50, giveUpMs: 60_000 };

/** A component whose start and running life the test scripts. */
class Scripted implements Component {
  private readonly failure = new AbortController();
  private state: Health = { state: 'down', reason: 'not started' };
  stopped = false;

  constructor(
    readonly name: string,
    private readonly script: { startFails?: unknown; startTakesMs?: number; failAfterMs?: unknown } = {},
  ) {}

  get failed(): AbortSignal {
    return this.failure.signal;
  }

  async start(): Promise<void> {
    if (this.script.startTakesMs) await sleep(this.script.startTakesMs);
    if (this.script.startFails) throw this.script.startFails;
    this.state = { state: 'ready' };
    const failAfter = this.script.failAfterMs as [number, unknown] | undefined;
    if (failAfter) setTimeout(() => this.failure.abort(failAfter[1]), failAfter[0]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = { state: 'down', reason: 'stopped' };
  }

  health(): Health {
    return this.state;
  }
}

describe('supervision', () => {
  it('starts components on their own: a slow one holds nobody', async () => {
    const stop = new AbortController();
    let supervised: SupervisedComponent[] = [];
    const running = runComponents(
      [
        { name: 'slow', create: () => new Scripted('slow', { startTakesMs: 3_000 }) },
        { name: 'quick', create: () => new Scripted('quick') },
      ],
      logger,
      { stopSignal: stop.signal, settings: quick, graceMs: 100, onSupervised: (s) => (supervised = s) },
    );
    await sleep(200);
    assert.deepEqual(
      supervised.map((s) => [s.name, s.health().state]),
      [
        ['slow', 'down'],
        ['quick', 'ready'],
      ],
    );
    const stoppedAt = Date.now();
    stop.abort();
    assert.equal(await running, 0);
    assert.ok(Date.now() - stoppedAt < 2_000, 'the shutdown waited for a start that hangs');
  });

  it('replaces a component that fails, with backoff, and says why meanwhile', async () => {
    const stop = new AbortController();
    const made: Scripted[] = [];
    let supervised: SupervisedComponent[] = [];
    const running = runComponents(
      [
        {
          name: 'sink',
          create: () => {
            // the first two fail (a missing table), the third runs
            const failing = made.length < 2;
            const component = new Scripted('sink', {
              failAfterMs: failing
                ? [10, new SluiceError('ING_DB_MISCONFIGURED', 'table telemetry_readings is missing')]
                : undefined,
            });
            made.push(component);
            return component;
          },
        },
      ],
      logger,
      { stopSignal: stop.signal, settings: quick, graceMs: 100, onSupervised: (s) => (supervised = s) },
    );
    let sawReason = '';
    for (let waited = 0; waited < 5000 && made.length < 3; waited += 5) {
      const health = supervised[0]?.health();
      if (health?.state === 'down' && health.reason?.includes('missing')) sawReason = health.reason;
      await sleep(5);
    }
    await sleep(50);
    assert.equal(made.length, 3);
    assert.ok(
      made.slice(0, 2).every((component) => component.stopped),
      'a failed instance is stopped',
    );
    assert.match(sawReason, /ING_DB_MISCONFIGURED: table telemetry_readings is missing \(restart \d in/);
    assert.equal(supervised[0]?.health().state, 'ready');
    assert.equal(supervised[0]?.restarts, 2);
    stop.abort();
    assert.equal(await running, 0);
  });

  it('gives the process up with exit code 2 on a settings error, which no restart can fix', async () => {
    const code = await runComponents(
      [
        {
          name: 'gateway',
          create: () => {
            throw new SluiceError('ING_CONFIG_INVALID', 'HTTP_GATEWAY_PORT="x" is invalid');
          },
        },
        { name: 'other', create: () => new Scripted('other') },
      ],
      logger,
      { settings: quick, graceMs: 100 },
    );
    assert.equal(code, 2);
  });

  it('gives the process up with exit code 1 when a component keeps failing', async () => {
    const code = await runComponents(
      [{ name: 'flaky', create: () => new Scripted('flaky', { startFails: new Error('ECONNREFUSED') }) }],
      logger,
      { settings: { ...quick, giveUpMs: 300 }, graceMs: 100 },
    );
    assert.equal(code, 1);
  });

  it('leaves no listener on the stop signal behind, however often it restarts', async () => {
    const stop = new AbortController();
    let made = 0;
    const supervised = new SupervisedComponent(
      {
        name: 'flaky',
        create: () => {
          made++;
          return new Scripted('flaky', { startFails: new Error('ECONNREFUSED') });
        },
      },
      { restartInitialMs: 1, restartMaxMs: 2, giveUpMs: 60_000 },
      logger,
    );
    const running = supervised.run(stop.signal);
    while (made < 20) await sleep(5);
    assert.ok(
      getEventListeners(stop.signal, 'abort').length <= 1,
      `${getEventListeners(stop.signal, 'abort').length} listeners after ${made} starts`,
    );
    stop.abort();
    assert.equal(await running, undefined);
  });

  it('ends the run when a one-shot job given as an instance fails', async () => {
    const code = await runComponents(
      [new Scripted('collection', { startFails: new Error('no pages') })],
      logger,
      {
        settings: quick,
        graceMs: 100,
      },
    );
    assert.equal(code, 1);
  });
});

describe('how a Sluice process starts', () => {
  it('npm start builds and runs the compiled `sluice up`, which starts the platform with its flags', () => {
    const { scripts } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.equal(scripts.start, 'npm run --silent build && node dist/cli/main.js up');
    const platform = sluiceProcess('dist/cli/main.js', ['run', 'platform', '--attached'], {});
    assert.deepEqual(platform.args, [
      ...nodeFlagsOf('platform'),
      'dist/cli/main.js',
      'run',
      'platform',
      '--attached',
    ]);
  });

  it('a Sluice process starts with jemalloc when the machine has it, with glibc’s settings otherwise', () => {
    const env = sluiceProcess('dist/cli/main.js', ['run', 'sink', 'postgres'], { LOG_LEVEL: 'warn' }).env;
    assert.equal(env.LOG_LEVEL, 'warn');
    for (const [name, value] of Object.entries(mallocEnv)) assert.equal(env[name], value, name);
    assert.equal(env.LD_PRELOAD, jemallocLibrary(), 'LD_PRELOAD');
    const jemalloc = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
    assert.equal(memoryEnv({}, jemalloc).LD_PRELOAD, jemalloc);
    assert.equal(
      memoryEnv({ LD_PRELOAD: '/opt/a.so' }, jemalloc).LD_PRELOAD,
      `/opt/a.so:${jemalloc}`,
      'the user’s kept',
    );
    assert.equal(memoryEnv({ LD_PRELOAD: jemalloc }, jemalloc).LD_PRELOAD, jemalloc, 'preloaded once');
    assert.equal(memoryEnv({}, null).LD_PRELOAD, undefined, 'glibc where there is no jemalloc');
    assert.equal(memoryEnv({ MALLOC_ARENA_MAX: '4' }, null).MALLOC_ARENA_MAX, '4', 'the user’s settings win');
  });

  it('the image preloads jemalloc and sets glibc’s settings (lib/memory.ts)', () => {
    const image = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
    const settings = [
      ...Object.entries(mallocEnv).map(([name, value]) => `${name}=${value}`),
      'LD_PRELOAD=/usr/local/lib/libjemalloc.so.2',
    ];
    for (const setting of settings)
      assert.ok(image.includes(`    ${setting} \\\n`), `Dockerfile ENV lacks ${setting}`);
    assert.match(image, /apt-get install .*libjemalloc2/);
  });
});
