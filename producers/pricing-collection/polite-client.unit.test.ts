import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SluiceError } from '../../lib/errors.ts';
import { componentLogger } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import { PricingFixtureServer } from '../../test/pricing-fixture-server.ts';
import type { PolitenessSettings } from './config.ts';
import { PoliteClient, retryAfterMs } from './polite-client.ts';
import { RateLimiter } from './rate-limiter.ts';

const settings: PolitenessSettings = {
  requestsPerSecond: 1000,
  concurrency: 1,
  requestTimeoutMs: 500,
  retries: 12,
  retryInitialMs: 20,
  retryMaxMs: 100,
  circuitFailures: 10,
  circuitCooldownMs: 60_000,
};

const clients: PoliteClient[] = [];

function client(overrides: Partial<PolitenessSettings> = {}) {
  const created = new PoliteClient(
    'fixture',
    { ...settings, ...overrides },
    componentLogger('polite-client-test'),
    componentMetrics('polite-client-test'),
  );
  clients.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<SluiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SluiceError, `expected a SluiceError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('polite HTTP client against the fixture server', () => {
  let fixture: PricingFixtureServer;
  const signal = new AbortController().signal;
  before(async () => {
    fixture = await PricingFixtureServer.start({ synthetic: { azurePages: 3, azureItemsPerPage: 5 } });
  });
  after(async () => {
    for (const polite of clients) polite.close();
    await fixture.close();
  });

  it('honours 429 Retry-After: 2 before asking again', async (t) => {
    fixture.requests.length = 0;
    fixture.inject('azure', { kind: 'throttle', retryAfterSeconds: 2 });
    const { body } = await client().getJson(fixture.azureUrl, signal);
    assert.equal((body as { Items: unknown[] }).Items.length, 5);
    const [throttled, retried] = fixture.requestsOf('azure');
    assert.equal(throttled?.answer, 'throttle');
    assert.equal(retried?.answer, 'ok');
    const waitedMs = (retried?.at ?? 0) - (throttled?.at ?? 0);
    t.diagnostic(
      `429 at +0 ms, retried at +${waitedMs} ms (Retry-After: 2, backoff alone would wait ≤ 20 ms)`,
    );
    assert.ok(waitedMs >= 2000, `retried after ${waitedMs} ms`);
    assert.ok(waitedMs < 3000, `retried after ${waitedMs} ms`);
  });

  it('opens the circuit after 10 consecutive 500s and stops asking', async (t) => {
    fixture.requests.length = 0;
    fixture.inject('azure', { kind: 'status', status: 500 }, { times: 50 });
    const polite = client();
    const started = Date.now();
    const error = await failure(polite.getJson(fixture.azureUrl, signal));
    t.diagnostic(
      `${fixture.requestsOf('azure').length} requests in ${Date.now() - started} ms, then: ${error.message}`,
    );
    assert.equal(error.code, 'ING_FETCH_CIRCUIT_OPEN');
    assert.match(error.message, /circuit open: 10 consecutive failed requests to fixture \(last: HTTP 500/);
    assert.equal(fixture.requestsOf('azure').length, 10);
    assert.equal(polite.health().state, 'down');
    // while open, nothing reaches the server
    assert.equal((await failure(polite.getJson(fixture.azureUrl, signal))).code, 'ING_FETCH_CIRCUIT_OPEN');
    assert.equal(fixture.requestsOf('azure').length, 10);
    fixture.clearFaults();
  });

  it('retries a slow answer past its timeout and a dropped connection', async (t) => {
    fixture.requests.length = 0;
    fixture.inject('azure', { kind: 'slow', delayMs: 1500 });
    fixture.inject('azure', { kind: 'drop' });
    const polite = client();
    const { body } = await polite.getJson(fixture.azureUrl, signal);
    assert.equal((body as { Items: unknown[] }).Items.length, 5);
    assert.deepEqual(
      fixture.requestsOf('azure').map((r) => r.answer),
      ['slow', 'drop', 'ok'],
    );
    t.diagnostic(
      `answers seen: ${fixture
        .requestsOf('azure')
        .map((r) => r.answer)
        .join(', ')}`,
    );
    assert.equal(polite.health().state, 'ready');
  });

  it('fails a truncated body and a non-JSON body as an invalid page, without retrying', async () => {
    for (const kind of ['truncated', 'not-json'] as const) {
      fixture.requests.length = 0;
      fixture.inject('azure', { kind });
      const error = await failure(client().getJson(fixture.azureUrl, signal));
      assert.equal(error.code, 'ING_PRICING_PAGE_INVALID');
      assert.equal(error.disposition, 'poison');
      assert.match(error.message, /is not valid JSON/);
      assert.equal(error.details?.url, fixture.azureUrl);
      assert.equal(fixture.requestsOf('azure').length, 1);
    }
  });

  it('reads gzip-compressed answers', async () => {
    const zipped = await PricingFixtureServer.start({
      synthetic: { azurePages: 1, azureItemsPerPage: 5 },
      gzip: true,
    });
    const polite = client();
    try {
      const { body } = await polite.getJson(zipped.azureUrl, signal);
      assert.equal((body as { Items: unknown[] }).Items.length, 5);
      assert.deepEqual(
        zipped.requestsOf('azure').map((r) => r.answer),
        ['ok-gzip'],
      );
    } finally {
      polite.close();
      await zipped.close();
    }
  });

  it('refuses a 4xx other than 429 at once as a fatal error', async () => {
    fixture.requests.length = 0;
    fixture.inject('azure', { kind: 'status', status: 400 });
    const error = await failure(client().getJson(fixture.azureUrl, signal));
    assert.equal(error.code, 'ING_FETCH_REJECTED');
    assert.equal(error.disposition, 'fatal');
    assert.equal(fixture.requestsOf('azure').length, 1);
  });
});

describe('politeness building blocks', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(
      retryAfterMs('Sat, 21 Nov 2026 00:00:10 GMT', Date.parse('Sat, 21 Nov 2026 00:00:00 GMT')),
      10_000,
    );
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
  });

  it('spaces requests at the configured rate', async () => {
    const limiter = new RateLimiter(20);
    const started = Date.now();
    for (let i = 0; i < 11; i++) await limiter.acquire();
    const elapsed = Date.now() - started;
    // 11 requests at 20/s: the 11th may leave 500 ms after the first
    assert.ok(elapsed >= 480 && elapsed < 900, `took ${elapsed} ms`);
  });
});
