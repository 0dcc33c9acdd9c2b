import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Component,
  type Health,
  nodeFlagsOf,
  runComponents,
  type SupervisedComponent,
} from './component.ts';
import { projectRoot } from './config.ts';
import { SluiceError } from './errors.ts';
import { componentLogger } from './logger.ts';
import { mallocEnv } from './memory.ts';

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

describe('V8 flags', () => {
  it('npm start builds and runs the compiled platform with the platform’s flags', () => {
    const { scripts } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.match(
      scripts.start ?? '',
      new RegExp(
        `^npm run --silent build && .* node ${nodeFlagsOf('platform').join(' ')} dist/cli/main.js up$`,
      ),
    );
  });

  it('npm start and the image set glibc’s malloc settings (lib/memory.ts mallocEnv)', () => {
    const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const settings = Object.entries(mallocEnv).map(([name, value]) => `${name}=${value}`);
    assert.ok(scripts.start?.includes(` && ${settings.join(' ')} node `), scripts.start);
    const image = read('Dockerfile');
    for (const setting of settings)
      assert.ok(image.includes(`    ${setting} \\\n`), `Dockerfile ENV lacks ${setting}`);
  });
});
