import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeyVerifier, createApiKey, revokeApiKey } from './api-keys.ts';
import { createPgPool } from './postgres.ts';

/** The gateway's key check against the local PostgreSQL: fresh while it answers, from the last copy while it does not. */
describe('API key verifier', () => {
  const pool = createPgPool();
  after(() => pool.end());

  it('honours a revocation within its cache time, and knows a key made after its last reload', async () => {
    const verifier = new ApiKeyVerifier(pool, 300);
    const first = await createApiKey(pool, { name: 'verifier-test-a', roles: ['ingest'] });
    assert.equal((await verifier.verify(first.key))?.name, 'verifier-test-a');
    const second = await createApiKey(pool, { name: 'verifier-test-b', roles: ['read'] });
    assert.deepEqual(
      (await verifier.verify(second.key))?.roles,
      ['read'],
      'a key made since the copy was loaded',
    );
    await revokeApiKey(pool, first.prefix);
    await sleep(400);
    assert.equal(await verifier.verify(first.key), undefined, 'revoked, and the cache time has passed');
    assert.equal(await verifier.verify(`sk_00000000_${'x'.repeat(43)}`), undefined, 'an unknown key');
    await revokeApiKey(pool, second.prefix);
  });

  it('keeps verifying known keys from its copy while PostgreSQL does not answer, and says since when', async () => {
    const outage = createPgPool();
    const staleReports: unknown[] = [];
    const verifier = new ApiKeyVerifier(outage, 100, undefined, (err) => staleReports.push(err));
    const created = await createApiKey(pool, { name: 'verifier-test-outage', roles: ['ingest'] });
    try {
      assert.equal((await verifier.verify(created.key))?.name, 'verifier-test-outage');
      await outage.end(); // from here every query of this pool fails, as during an outage
      await sleep(200);
      for (let i = 0; i < 3; i++) {
        assert.equal((await verifier.verify(created.key))?.name, 'verifier-test-outage');
        await sleep(50);
      }
      assert.ok(verifier.staleSince, 'the copy is known to be stale');
      assert.equal(staleReports.length, 1, 'reported once per outage');
      await assert.rejects(
        verifier.verify(`sk_11111111_${'y'.repeat(43)}`),
        'a key the copy does not hold cannot be verified meanwhile',
      );
    } finally {
      await revokeApiKey(pool, created.prefix);
    }
  });
});
