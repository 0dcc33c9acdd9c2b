import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SupervisedComponent } from './component.ts';
import { ComponentProcess, componentProcessProblems } from './component-process.ts';
import type { SluiceError } from './errors.ts';
import { componentLogger } from './logger.ts';
import { gatheredMetrics } from './metrics.ts';

/**
 * A component process as the platform runs one: a real child Node process running `runComponents`
 * with a component that counts, warns once, and exits with the code the test asks for.
 */
function childProgram(exitCode?: number): string {
  const lib = import.meta.dirname;
  return `
    import { runComponents } from '${lib}/component.ts';
    import { componentLogger } from '${lib}/logger.ts';
    import { componentMetrics } from '${lib}/metrics.ts';
    const logger = componentLogger('child-test');
    const metrics = componentMetrics('child-test');
    let holding; // what a real component holds open (a socket) keeps its process alive
    const component = {
      name: 'child-test',
      async start() {
        holding = setInterval(() => {}, 1000);
        metrics.received('test.topic', 7);
        logger.warn('a warning of the child');
        ${exitCode === undefined ? '' : `setTimeout(() => process.exit(${exitCode}), 300);`}
      },
      async stop() {
        clearInterval(holding);
      },
      health: () => ({ state: 'ready' }),
    };
    process.exitCode = await runComponents([{ name: 'child-test', create: () => component }], logger, { ops: true });
  `;
}

const launch = (exitCode?: number) => ({
  command: process.execPath,
  args: ['--import', 'tsx', '--input-type=module', '--eval', childProgram(exitCode)],
  env: process.env,
});

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

describe('ComponentProcess', { timeout: 120_000 }, () => {
  it('reports the child’s health, metrics and logged problems, and stops it gracefully', async () => {
    const child = new ComponentProcess('child-test', launch());
    await child.start();
    assert.equal(child.health().state, 'down', 'down until the child reports');
    await until('the child ready', () => child.health().state === 'ready');
    const registry = await gatheredMetrics();
    const received = await registry.getSingleMetric('sluice_events_received_total')?.get();
    assert.deepEqual(
      received?.values.filter((v) => v.labels.component === 'child-test').map((v) => v.value),
      [7],
    );
    await child.stop(Date.now() + 10_000);
    assert.equal(child.failed.aborted, false, 'a stop asked for is no failure');
    assert.ok(
      componentProcessProblems().some(
        (p) => p.component === 'child-test' && p.message === 'a warning of the child',
      ),
    );
    const after = await (await gatheredMetrics()).getSingleMetric('sluice_events_received_total')?.get();
    assert.equal(after?.values.filter((v) => v.labels.component === 'child-test').length ?? 0, 0);
  });

  it('fails when the child dies, as a settings error when it exits 2', async () => {
    const killed = new ComponentProcess('child-test', launch());
    await killed.start();
    await until('the child ready', () => killed.health().state === 'ready');
    process.kill(killed.pid as number, 'SIGKILL');
    await until('the failure', () => killed.failed.aborted);
    assert.equal((killed.failed.reason as SluiceError).code, 'ING_PROCESS_EXITED');
    assert.match((killed.failed.reason as SluiceError).message, /was killed \(SIGKILL\)/);

    const misconfigured = new ComponentProcess('child-test', launch(2));
    await misconfigured.start();
    await until('the failure', () => misconfigured.failed.aborted);
    assert.equal((misconfigured.failed.reason as SluiceError).code, 'ING_CONFIG_INVALID');
  });

  it('is started again by its supervisor when its process dies', async () => {
    const supervised = new SupervisedComponent(
      { name: 'child-test', create: () => new ComponentProcess('child-test', launch(1)) },
      { restartInitialMs: 100, restartMaxMs: 200, giveUpMs: 60_000 },
      componentLogger('test'),
    );
    const stop = new AbortController();
    const running = supervised.run(stop.signal);
    await until('two restarts', () => supervised.restarts >= 2);
    stop.abort();
    await supervised.stop(Date.now() + 5_000);
    assert.equal(await running, undefined);
  });

  it('stops its component when the platform process is gone', async () => {
    const { spawn } = await import('node:child_process');
    // a platform process that starts a component process and is then SIGKILLed
    const platform = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '--eval',
        `import { ComponentProcess } from '${import.meta.dirname}/component-process.ts';
         const child = new ComponentProcess('child-test', ${JSON.stringify(launch())});
         await child.start();
         console.log(child.pid);
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    platform.stdout.on('data', (data: Buffer) => {
      output += String(data);
    });
    await until('the component process started', () => output.includes('\n'));
    const childPid = Number(output.split('\n')[0]);
    // an exited orphan may stay a zombie until init reaps it: alive means running
    const alive = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${childPid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    assert.ok(alive());
    platform.kill('SIGKILL');
    await until('the orphaned component process gone', () => !alive()).catch((err) => {
      throw new Error(`${err.message}; the platform wrote:\n${output}`);
    });
  });
});
