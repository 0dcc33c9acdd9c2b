/**
 * GET /api/v1/prices/compare under 50 concurrent clients over 1,000,000 current prices, in a
 * PostgreSQL database of the benchmark's own (the migrations' tables, loaded directly with
 * INSERT … SELECT: a benchmark is not a contract test), dropped at the end. The API runs in its
 * own process (`sluice run api`), first with its answer cache off (every request queries
 * PostgreSQL), then as deployed (answers kept until the pricing_prices trigger notifies a change).
 * Target: p99 ≤ 50 ms.
 *
 *   npm run bench api-prices
 *   BENCH_PRICES=1000000 BENCH_CONNECTIONS=50 BENCH_SECONDS=20 to change the conditions
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createApiKey } from '../lib/api-keys.ts';
import { environment, loadSettings } from '../lib/config.ts';
import { migrate } from '../lib/db/migrate.ts';
import { postgresSettings, roleConnection } from '../lib/postgres.ts';
import { regionTable } from '../schemas/pricing/regions.ts';
import { uniqueSuffix } from '../test/support.ts';
import { ApiProcesses, latencyRun } from './api-process.ts';

const prices = Number(process.env.BENCH_PRICES ?? 1_000_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const port = Number(process.env.API_PORT ?? 8080) + 9;
const database = `sluice_bench_prices_${uniqueSuffix()}`;
const regions = regionTable
  .filter((region) => region.aws.length > 0 && region.azure.length > 0)
  .map((r) => r.id);

// the schema's owner makes the database and its tables; the API reads as the writer, as deployed
const settings = loadSettings(postgresSettings, environment());
const serverUrl = roleConnection(settings, 'owner').url;
const inDatabase = (role: 'owner' | 'writer') => {
  const parsed = new URL(roleConnection(settings, role).url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};
const databaseUrl = inDatabase('writer');

async function onServer<T>(work: (client: pg.Pool) => Promise<T>): Promise<T> {
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * Prices shaped as the sink writes them: 2 providers, 13 categories, the regions both providers
 * have, on-demand, reservations and spot; instances with vCPUs and memory. All current.
 */
async function load(pool: pg.Pool): Promise<number> {
  const started = performance.now();
  await pool.query(
    `INSERT INTO pricing_prices (event_id, provider, service, category, region, region_name, original_region, sku,
       product, price_per_unit_usd, unit, original_amount, original_currency, original_unit, price_type, term,
       purchase_option, tier_start, effective_from, collection_id, fetched_at, processed_at, lineage_topic,
       lineage_partition, lineage_offset, amortized, usd_rate, region_mapped, instance_type, vcpu, memory_gib,
       operating_system)
     SELECT md5(i::text), provider, 'bench-service', category, region, region, region, 'bench-' || i,
       'bench product', price, unit, price, 'USD', unit, price_type,
       CASE WHEN price_type = 'reservation' THEN '1 Year' ELSE '' END, '', 0, '2026-01-01', 'bench', now(), now(),
       'bench', 0, i, false, 1, true, 'size-' || (i % 40), vcpu, vcpu * 4, 'Linux'
     FROM (
       SELECT i,
         (ARRAY['aws', 'azure'])[i % 2 + 1] AS provider,
         (ARRAY['GENERAL', 'NETWORKING', 'COMPUTE_WEB', 'CONTAINERS', 'DATABASES', 'STORAGE', 'AI_ML',
                'ANALYTICS_IOT', 'VIRTUAL_DESKTOP', 'DEV_TOOLS', 'INTEGRATION', 'MIGRATION', 'MANAGEMENT'])[(i / 2) % 13 + 1] AS category,
         ($2::text[])[(i / 26) % cardinality($2::text[]) + 1] AS region,
         (ARRAY['hour', 'hour', 'GB-month', '1M requests'])[(i / 7) % 4 + 1] AS unit,
         (ARRAY['on_demand', 'on_demand', 'on_demand', 'reservation', 'spot'])[(i / 11) % 5 + 1] AS price_type,
         round((0.001 + (hashint4(i) & 65535) / 65535.0 * 2)::numeric, 6) AS price,
         2 ^ (i % 6) AS vcpu
       FROM generate_series(1, $1::int) AS i
     ) generated`,
    [prices, regions],
  );
  await pool.query('ANALYZE pricing_prices');
  return (performance.now() - started) / 1000;
}

const apis = new ApiProcesses(port, { DATABASE_URL: databaseUrl });
await onServer((admin) => admin.query(`CREATE DATABASE ${database}`));
const pool = new pg.Pool({ connectionString: inDatabase('owner'), max: 2 });
try {
  await migrate(pool);
  process.stderr.write(
    `loading ${prices.toLocaleString('en')} prices into PostgreSQL database ${database}…\n`,
  );
  const loadSeconds = await load(pool);
  const key = await createApiKey(pool, { name: 'bench', roles: ['read'] });
  const headers = { 'x-api-key': key.key, 'accept-encoding': 'gzip' };
  const requests = regions.flatMap((region) =>
    ['COMPUTE_WEB', 'DATABASES'].map((category) => ({
      method: 'GET' as const,
      path: `/api/v1/prices/compare?category=${category}&region=${region}&unit=hour&limit=10`,
      headers,
    })),
  );
  const uncached = await apis.start({ API_ANSWER_CACHE_MB: '0' });
  const probe = (await (await fetch(`${apis.url}${requests[0]?.path}`, { headers })).json()) as {
    providers: { prices: unknown[] }[];
  };
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM pricing_prices WHERE effective_to IS NULL AND category = 'COMPUTE_WEB'
       AND region = $1 AND unit = 'hour' AND price_type = 'on_demand'`,
    [regions[0]],
  );
  const conditions = {
    prices: `${prices.toLocaleString('en')} current (PostgreSQL load ${loadSeconds.toFixed(1)} s, INSERT … SELECT, the migrations' indexes)`,
    'one request': `one category, region and unit, on-demand, 10 cheapest per provider (${probe.providers.map((p) => p.prices.length).join(' + ')} prices) out of ${Number(rows[0]?.n).toLocaleString('en')} matching; ${requests.length} such kinds`,
  };
  const target = { connections, seconds, p99TargetMs: 50 };
  await latencyRun(
    apis.url,
    'GET /api/v1/prices/compare: every request queries PostgreSQL',
    { ...conditions, 'answer cache': 'off (API_ANSWER_CACHE_MB=0)' },
    requests,
    target,
  );
  await apis.stop(uncached);
  await apis.start();
  await latencyRun(
    apis.url,
    'GET /api/v1/prices/compare: answers kept by the API until prices change',
    {
      ...conditions,
      'answer cache': 'on (kept until a change is notified, at most API_CURRENT_ANSWERS_MAX_AGE_SECONDS)',
    },
    requests,
    target,
  );
} finally {
  await apis.stopAll();
  await pool.end();
  await onServer((admin) => admin.query(`DROP DATABASE IF EXISTS ${database}`));
}
