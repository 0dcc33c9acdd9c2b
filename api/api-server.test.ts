import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import { SignJWT } from 'jose';
import { loadSettings } from '../lib/config.ts';
import { createKafka, kafkaSettings } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import { allContracts } from '../schemas/catalog.ts';
import { freePorts, testApiKey } from '../test/support.ts';
import { type ApiSettings, apiSettings } from './config.ts';
import { noActions } from './operations/actions.ts';
import { ApiServer } from './server.ts';

/** The API's edges that need no loaded data: tokens, rate limits, CORS, request ids, documents and pages. */

const secret = 'a-shared-secret-of-at-least-32-characters';
const issuer = 'https://login.example';
const audience = 'sluice-api';

describe('API server: credentials, limits and documents', () => {
  const pool = createPgPool();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-api-test-'));
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyFile = join(dir, 'jwt.pem');
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const servers: ApiServer[] = [];
  const revokes: (() => Promise<void>)[] = [];
  let api: ApiServer;
  let readKey: string;

  async function server(overrides: Partial<ApiSettings>): Promise<ApiServer> {
    const started = new ApiServer(
      {
        components: () => [],
        overview: async () => ({ generatedAt: '', kafka: { reachable: true }, topics: [], components: [] }),
        pool,
      },
      { ...loadSettings(apiSettings), port: 0, ...overrides },
    );
    await started.start();
    servers.push(started);
    return started;
  }

  const token = (claims: Record<string, unknown>, { alg = 'HS256', exp = '5m' } = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime(exp);
    return alg === 'HS256' ? jwt.sign(Buffer.from(secret)) : jwt.sign(privateKey);
  };

  const devices = (url: string, headers: Record<string, string>) =>
    fetch(`${url}/api/v1/devices?limit=1`, { headers });

  before(async () => {
    api = await server({
      jwtSecret: secret,
      jwtPublicKeyFile: publicKeyFile,
      jwtIssuer: issuer,
      jwtAudience: audience,
      corsOrigins: 'https://dash.example',
    });
    const read = await testApiKey(pool, ['read']);
    readKey = read.key;
    revokes.push(read.revoke);
  });

  after(async () => {
    for (const started of servers) await started.stop();
    for (const revoke of revokes) await revoke();
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('JWT bearer tokens', () => {
    it('accepts HS256 and RS256 tokens with the configured issuer and audience, and their roles', async () => {
      for (const alg of ['HS256', 'RS256']) {
        const good = await token({ sub: 'dashboard', iss: issuer, aud: audience, roles: ['read'] }, { alg });
        const answer = await devices(api.url, { authorization: `Bearer ${good}` });
        assert.equal(answer.status, 200, `${alg}: ${await answer.text()}`);
      }
      const scoped = await token({ sub: 'svc', iss: issuer, aud: audience, roles: 'admin ingest' });
      assert.equal(
        (await devices(api.url, { authorization: `Bearer ${scoped}` })).status,
        200,
        'admin reads too',
      );
    });

    it('refuses wrong issuer, audience, signature, algorithm, expired and exp-less tokens with 401', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const cases: [string, string][] = [
        ['issuer', await token({ iss: 'https://evil.example', aud: audience, roles: ['read'] })],
        ['audience', await token({ iss: issuer, aud: 'other', roles: ['read'] })],
        ['expired', await token({ iss: issuer, aud: audience, roles: ['read'] }, { exp: '-1m' })],
        [
          'no exp',
          await new SignJWT({ iss: issuer, aud: audience, roles: ['read'] })
            .setProtectedHeader({ alg: 'HS256' })
            .sign(Buffer.from(secret)),
        ],
        [
          'signature',
          await new SignJWT({ iss: issuer, aud: audience, roles: ['read'] })
            .setProtectedHeader({ alg: 'RS256' })
            .setExpirationTime('5m')
            .sign(other),
        ],
        [
          'alg none',
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: issuer, aud: audience, roles: ['read'], exp: 9999999999 })).toString('base64url')}.`,
        ],
        ['garbage', 'not.a.token'],
      ];
      for (const [what, bad] of cases) {
        const answer = await devices(api.url, { authorization: `Bearer ${bad}` });
        assert.equal(answer.status, 401, `${what}: ${await answer.text()}`);
        assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
    });

    it('gives 403 to a valid token without the role', async () => {
      const ingestOnly = await token({ sub: 'device', iss: issuer, aud: audience, roles: ['ingest'] });
      const answer = await devices(api.url, { authorization: `Bearer ${ingestOnly}` });
      assert.equal(answer.status, 403);
      assert.match(
        ((await answer.json()) as { detail: string }).detail,
        /has roles ingest; this needs read or admin/,
      );
    });
  });

  it('limits each key to its budget per minute: 429 with Retry-After, other keys unaffected', async () => {
    const limited = await server({ rateLimitPerMinute: 3 });
    const other = await testApiKey(pool, ['read']);
    revokes.push(other.revoke);
    const answers: Response[] = [];
    for (let i = 0; i < 5; i++) answers.push(await devices(limited.url, { 'x-api-key': readKey }));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200, 429, 429],
    );
    const last = answers[4] as Response;
    assert.ok(Number(last.headers.get('retry-after')) > 0);
    assert.match(last.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(((await last.json()) as { type: string }).type, 'urn:sluice:problem:rate-limited');
    assert.equal((await devices(limited.url, { 'x-api-key': other.key })).status, 200);
  });

  it('answers CORS preflights for the configured origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/api/v1/devices`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'x-api-key',
        },
      });
    const allowed = await preflight('https://dash.example');
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://dash.example');
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /X-API-Key/i);
    const refused = await preflight('https://evil.example');
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    const withoutCors = await server({});
    const none = await fetch(`${withoutCors.url}/api/v1/devices`, {
      headers: { origin: 'https://dash.example' },
    });
    assert.equal(none.headers.get('access-control-allow-origin'), null);
  });

  it('gives every answer a request id, keeps a well-formed one it is sent, and answers unknown routes with a problem', async () => {
    const given = await fetch(`${api.url}/nowhere`, { headers: { 'x-request-id': 'trace-me-42' } });
    assert.equal(given.status, 404);
    assert.equal(given.headers.get('x-request-id'), 'trace-me-42');
    const problem = (await given.json()) as Record<string, unknown>;
    assert.deepEqual(
      {
        type: problem.type,
        status: problem.status,
        instance: problem.instance,
        requestId: problem.requestId,
      },
      { type: 'urn:sluice:problem:not-found', status: 404, instance: '/nowhere', requestId: 'trace-me-42' },
    );
    const made = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('serves GraphiQL and the API docs from its own assets, no other host', async () => {
    for (const page of ['/graphql', '/api/docs']) {
      const response = await fetch(`${api.url}${page}`, { headers: { accept: 'text/html' } });
      assert.equal(response.status, 200);
      const html = await response.text();
      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
      assert.ok(references.length >= 2, page);
      for (const reference of references) {
        assert.ok(reference.startsWith('/'), `${page} loads ${reference} from elsewhere`);
        const asset = await fetch(`${api.url}${reference}`);
        assert.equal(asset.status, 200, reference);
        assert.ok((await asset.arrayBuffer()).byteLength > 100, reference);
      }
    }
  });

  it('serves an AsyncAPI 3 document a parser accepts, with every topic, its key and headers', async () => {
    const document = await (await fetch(`${api.url}/api/asyncapi.json`)).text();
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document: parsed, diagnostics } = await parser.parse(document);
    const errors = diagnostics.filter((d) => d.severity === 0);
    assert.deepEqual(errors, [], JSON.stringify(errors, null, 2));
    assert.ok(parsed);
    const channels = parsed.channels().all();
    assert.deepEqual(channels.map((c) => c.address()).sort(), allContracts.map((c) => c.topic).sort());
    for (const contract of allContracts) {
      const channel = channels.find((c) => c.address() === contract.topic);
      const message = channel?.messages().all()[0];
      const kafka = message?.bindings().get('kafka')?.value() as
        | { key?: { description?: string } }
        | undefined;
      assert.equal(kafka?.key?.description, contract.key, contract.topic);
      const headers = Object.keys(
        (message?.headers()?.json() as { properties?: object } | undefined)?.properties ?? {},
      );
      assert.deepEqual(headers, Object.keys(contract.headers), contract.topic);
    }
  });

  it('answers from the databases while Kafka cannot be reached, says what waits, and stops at once', async () => {
    const [closed] = await freePorts(1);
    const unreachable = new ApiServer(
      {
        components: () => [],
        overview: async () => ({ generatedAt: '', kafka: { reachable: false }, topics: [], components: [] }),
        pool,
        operations: {
          kafka: createKafka('api', { ...loadSettings(kafkaSettings), brokers: [`127.0.0.1:${closed}`] }),
          actions: noActions,
        },
      },
      { ...loadSettings(apiSettings), port: 0 },
    );
    await unreachable.start();
    try {
      const answer = await devices(unreachable.url, { 'x-api-key': readKey });
      assert.equal(answer.status, 200, await answer.text());
      const health = unreachable.health();
      assert.equal(health.state, 'degraded');
      assert.match(health.reason ?? '', /Kafka/);
    } finally {
      const stopping = Date.now();
      await unreachable.stop();
      assert.ok(Date.now() - stopping < 5_000, `stopped in ${Date.now() - stopping} ms`);
    }
  });
});
