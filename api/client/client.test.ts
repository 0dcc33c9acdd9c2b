import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '../../lib/config.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { testApiKey, uniqueSuffix } from '../../test/support.ts';
import { apiSettings } from '../config.ts';
import { ApiServer } from '../server.ts';
import { clientTypesCurrent } from './generate.ts';
import { createSluiceClient } from './index.ts';

describe('typed TypeScript client', () => {
  const pool = createPgPool();
  const api = new ApiServer(
    {
      components: () => [],
      overview: async () => ({ generatedAt: '', kafka: { reachable: true }, topics: [], components: [] }),
      pool,
    },
    { ...loadSettings(apiSettings), port: 0 },
  );
  const revokes: (() => Promise<void>)[] = [];
  let adminKey: string;

  before(async () => {
    await api.start();
    const admin = await testApiKey(pool, ['admin']);
    adminKey = admin.key;
    revokes.push(admin.revoke);
  });

  after(async () => {
    await api.stop();
    for (const revoke of revokes) await revoke();
    await pool.end();
  });

  it('its types are generated from the current OpenAPI document (`sluice api client` when not)', async () => {
    assert.ok(
      await clientTypesCurrent(api.openApi()),
      'api/client/openapi-types.ts is stale: run `sluice api client`',
    );
  });

  it('creates, changes and reads a device, and hands back problems typed', async () => {
    const sluice = createSluiceClient({ baseUrl: api.url, apiKey: adminKey });
    const id = `client-${uniqueSuffix()}`;
    const created = await sluice.PUT('/api/v1/devices/{id}', {
      params: { path: { id } },
      body: { siteId: 'site-c', deviceType: 'meter', tags: { floor: '2' } },
    });
    assert.equal(created.response.status, 201);
    assert.equal(created.data?.deviceType, 'meter');
    const patched = await sluice.PATCH('/api/v1/devices/{id}', {
      params: { path: { id } },
      body: { latitude: 48.1 },
    });
    assert.equal(patched.data?.latitude, 48.1);
    const listed = await sluice.GET('/api/v1/devices', {
      params: { query: { site: ['site-c'], prefix: id, limit: 5 } },
    });
    assert.deepEqual(
      listed.data?.data.map((device) => [device.deviceId, device.tags]),
      [[id, { floor: '2' }]],
    );
    const missing = await sluice.GET('/api/v1/devices/{id}', { params: { path: { id: `${id}-none` } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.type, 'urn:sluice:problem:not-found');
    const anonymous = await createSluiceClient({ baseUrl: api.url }).GET('/api/v1/devices', {});
    assert.equal(anonymous.error?.status, 401);
  });
});
