import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../lib/config.ts';
import { CollectionRunStore } from '../producers/pricing-collection/run-store.ts';
import { topics } from '../schemas/catalog.ts';
import type { CollectionRunEvent } from '../schemas/types.ts';
import { PricingFixtureServer } from './pricing-fixture-server.ts';
import { CollectionHarness } from './pricing-support.ts';
import { sluice, uniqueSuffix } from './support.ts';

/** `sluice collect …` as a user runs it, in its own process, against the fixture server. */
function collectProcess(args: string[], fixture: PricingFixtureServer): ChildProcess {
  return spawn(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), 'collect', ...args], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NO_COLOR: '1',
      LOG_LEVEL: 'warn',
      AZURE_PRICING_URL: fixture.azureUrl,
      // 200 pages take ~5 s: time to kill the process halfway
      AZURE_PRICING_RATE_LIMIT_RPS: '40',
      PRICING_COLLECTION_PUBLISH_BATCH_ITEMS: '1000',
      PRICING_COLLECTION_PUBLISHER_THREADS: '1',
      PRICING_COLLECTION_CANCEL_POLL_MS: '200',
      // no processor runs here: the run's processing outcome is not awaited
      PRICING_COLLECTION_OUTCOME_WAIT_MS: '0',
    },
  });
}

async function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stderr };
}

/** Waits until no process holds the run (its collector's PostgreSQL session ended). */
async function waitUntilReleased(store: CollectionRunStore, runId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const release = await store.lock(runId).catch(() => undefined);
    if (release) return release();
    if (Date.now() > deadline) throw new Error(`run ${runId} still held 30 s after its collector was killed`);
    await sleep(50);
  }
}

async function waitForPages(store: CollectionRunStore, runId: string, pages: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const run = await store.get(runId).catch(() => undefined);
    if (run && run.pages >= pages) return run.pages;
    await sleep(50);
  }
  throw new Error(`run ${runId} did not reach ${pages} pages in 60 s`);
}

describe('sluice collect: a run killed with SIGKILL resumes without losing or re-sending what Kafka acknowledged', () => {
  let fixture: PricingFixtureServer;
  let harness: CollectionHarness;
  let store: CollectionRunStore;
  before(async () => {
    fixture = await PricingFixtureServer.start({ synthetic: { azurePages: 200, azureItemsPerPage: 100 } });
    harness = await CollectionHarness.start();
    store = new CollectionRunStore(harness.pool);
  });
  after(async () => {
    await harness.close();
    await fixture.close();
  });

  it('200 pages × 100 items, killed halfway and resumed: 20,000 distinct eventIds, run succeeded', async (t) => {
    const runId = `test-sigkill-${uniqueSuffix()}`;
    const offersFrom = await harness.endOffsets();
    const runsFrom = await harness.endOffsets(topics.pricingCollectionRuns.topic);

    const first = collectProcess(['azure', '--run-id', runId], fixture);
    const firstExit = exitOf(first);
    const pagesBeforeKill = await waitForPages(store, runId, 100);
    first.kill('SIGKILL');
    const killed = await firstExit;
    assert.equal(killed.signal, 'SIGKILL');
    // the collecting process (`sluice collect` runs itself in a child) dies with it: its session lock goes
    await waitUntilReleased(store, runId);
    const atKill = await store.get(runId);
    const requestsBeforeResume = fixture.requestsOf('azure').length;
    t.diagnostic(
      `killed at ${pagesBeforeKill} checkpointed pages (${atKill.published} items acknowledged), ${requestsBeforeResume} pages fetched; status left ${atKill.status}`,
    );
    assert.equal(atKill.status, 'running');
    assert.ok(atKill.pages < 200);

    const resumed = await exitOf(collectProcess(['resume', runId], fixture));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      new RegExp(`${runId} succeeded: 200 pages, 20000 items, 20000 published, 0 failed pages`),
    );

    // the resume started at the checkpoint, not at page 1
    const resumedPages = fixture
      .requestsOf('azure')
      .slice(requestsBeforeResume)
      .map((r) => r.page);
    assert.equal(Math.min(...resumedPages), atKill.pages);
    assert.equal(resumedPages.length, 200 - atKill.pages);

    const run = await store.get(runId);
    assert.equal(run.status, 'succeeded');
    assert.deepEqual([run.pages, run.items, run.published, run.failed], [200, 20_000, 20_000, 0]);
    const offers = await harness.offersOf(runId, offersFrom, await harness.endOffsets());
    const distinct = new Set(offers.map((o) => o.eventId)).size;
    t.diagnostic(
      `${offers.length} raw events in Kafka for ${runId}, ${distinct} distinct eventIds (${offers.length - distinct} re-sent from the batch in flight at the kill)`,
    );
    assert.equal(distinct, 20_000);
    assert.ok(offers.length - distinct <= 1000, 'at most the one batch in flight at the kill is sent twice');

    const events = await harness.read<CollectionRunEvent>(
      topics.pricingCollectionRuns.topic,
      runsFrom,
      await harness.endOffsets(topics.pricingCollectionRuns.topic),
      (event) => event.runId === runId,
    );
    assert.equal(events.at(0)?.value.status, 'running');
    assert.equal(events.at(-1)?.value.status, 'succeeded');
    assert.equal(events.at(-1)?.value.published, 20_000);
    assert.equal(events.at(-1)?.key, runId);
  });

  it('a run cancelled from another process stops and is marked cancelled', async () => {
    const runId = `test-cancel-${uniqueSuffix()}`;
    const child = collectProcess(['azure', '--run-id', runId], fixture);
    const exit = exitOf(child);
    await waitForPages(store, runId, 20);
    const cancel = sluice(['collect', 'cancel', runId, '--reason', 'test cancel'], { LOG_LEVEL: 'warn' });
    assert.equal(cancel.status, 0, cancel.stderr);
    const { code, stderr } = await exit;
    assert.equal(code, 1);
    assert.match(stderr, /cancelled/);
    const run = await store.get(runId);
    assert.equal(run.status, 'cancelled');
    assert.equal(run.error, 'test cancel');
    assert.ok(run.pages < 200);
  });

  it('rejects bad filters before creating a run', () => {
    const result = sluice(['collect', 'azure', '--currency', 'euro'], { LOG_LEVEL: 'warn' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Azure filter currencyCode: expected an ISO 4217 code such as USD or EUR/);
  });
});
