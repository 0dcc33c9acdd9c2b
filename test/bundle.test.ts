import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { projectRoot, sluiceCache, sluiceHome } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { dlqContract, readSchema, topics } from '../schemas/catalog.ts';
import type { TelemetryReading } from '../schemas/types.ts';
import { freePorts, uniqueSuffix } from './support.ts';
import {
  buildLoad,
  committedCount,
  deleteTopics,
  privateRawTopic,
  publishLoad,
  readAll,
} from './telemetry-load.ts';

/**
 * `npm ci --omit=dev` of this package.json, lock and patches, kept in the cache under their hash:
 * the node_modules a production image has (no tsx, no TypeScript).
 */
function productionDependencies(): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json'])
    hash.update(readFileSync(join(projectRoot, file)));
  for (const patch of readdirSync(join(projectRoot, 'patches')).sort())
    hash.update(readFileSync(join(projectRoot, 'patches', patch)));
  const dir = join(sluiceCache(), 'production-dependencies', hash.digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules');
  const staging = mkdtempSync(join(tmpdir(), 'sluice-production-dependencies-'));
  for (const file of ['package.json', 'package-lock.json', 'patches'])
    cpSync(join(projectRoot, file), join(staging, file), { recursive: true });
  const install = spawnSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: staging,
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(install.status, 0, `npm ci --omit=dev failed:\n${install.stderr}`);
  mkdirSync(dir, { recursive: true });
  renameSync(join(staging, 'node_modules'), join(dir, 'node_modules'));
  rmSync(staging, { recursive: true, force: true });
  return join(dir, 'node_modules');
}

/** Polls /readyz until it answers ready and `settled` holds for its answer. */
async function waitForReady(
  url: string,
  child: ChildProcess,
  log: () => string,
  settled: (answer: unknown) => boolean = () => true,
): Promise<unknown> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    assert.equal(child.exitCode, null, `exited with ${child.exitCode}:\n${log()}`);
    const answer = await fetch(url).catch(() => undefined);
    const body: unknown = answer?.ok ? await answer.json() : undefined;
    if (body !== undefined && settled(body)) return body;
    assert.ok(Date.now() < deadline, `${url} not ready in 90 s:\n${log()}`);
    await sleep(250);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

describe('production bundle: npm run build, then Node alone', () => {
  const app = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
  const suffix = uniqueSuffix();
  const input = `test.raw.telemetry.bundle.${suffix}`;
  const output = `test.normalized.telemetry.bundle.${suffix}`;
  const children: ChildProcess[] = [];
  let kafka: Kafka;

  /** `node dist/cli/main.js …` from the app dir: no tsx loader, only production dependencies. */
  function sluiceFromBundle(args: string[], env: Record<string, string>) {
    let output = '';
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', join(app, 'dist', 'cli', 'main.js'), ...args],
      {
        cwd: app,
        // the local stack's connection file, which a checkout's components find by themselves
        env: { ...process.env, SLUICE_HOME: sluiceHome(), LOG_LEVEL: 'info', NODE_OPTIONS: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    children.push(child);
    return { child, log: () => output.slice(-4000) };
  }

  before(async () => {
    const build = spawnSync('npm', ['run', 'build'], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
    cpSync(join(projectRoot, 'dist'), join(app, 'dist'), { recursive: true });
    cpSync(join(projectRoot, 'package.json'), join(app, 'package.json'));
    symlinkSync(productionDependencies(), join(app, 'node_modules'), 'dir');
    kafka = createKafka('bundle-test');
  });

  after(async () => {
    await Promise.all(children.map(stop));
    await deleteTopics(kafka, [input, output, `dlq.${input}`]);
    rmSync(app, { recursive: true, force: true });
  });

  it('holds compiled JavaScript with source maps and runtime assets, and no devDependency is installed', () => {
    for (const file of [
      'cli/main.js',
      'cli/main.js.map',
      'processors/runner/pipeline-thread.js',
      'producers/pricing-collection/publisher-worker.js',
      'schemas/raw.telemetry.readings.v1.avsc',
      'lib/db/migrations/001_core.sql',
      'api/dashboard/index.html',
      'api/pages/graphiql.html',
      'api/graphql/schema.graphql',
    ])
      assert.ok(existsSync(join(app, 'dist', file)), `dist/${file} missing`);
    // a devDependency may also be a production dependency's dependency (@types/node is): the lock says which
    const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devDependencies?: Record<string, string> }>;
    };
    const devOnly = Object.keys(lock.packages['']?.devDependencies ?? {}).filter(
      (name) => lock.packages[`node_modules/${name}`]?.dev === true,
    );
    assert.ok(devOnly.includes('tsx') && devOnly.includes('typescript'), devOnly.join(', '));
    for (const name of devOnly)
      assert.equal(existsSync(join(app, 'node_modules', name)), false, `${name} is installed`);
  });

  it('is what the Dockerfile builds: it copies every source folder the build compiles, and the context holds them', () => {
    const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
    const buildStage = dockerfile.slice(
      dockerfile.indexOf(' AS build'),
      dockerfile.indexOf(' AS dependencies'),
    );
    const copied = new Set([...buildStage.matchAll(/^COPY (\S+) \.\/\S+$/gm)].map((m) => m[1]));
    const context = readFileSync(join(projectRoot, '.dockerignore'), 'utf8');
    for (const folder of readdirSync(join(app, 'dist'))) {
      assert.ok(copied.has(folder), `the Dockerfile's build stage does not copy ${folder}/`);
      assert.ok(context.includes(`!${folder}/`), `.dockerignore keeps ${folder}/ out of the context`);
    }
    assert.match(buildStage, /RUN npm run build/);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^HEALTHCHECK /m);
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-\S+$/m);
  });

  it('`sluice migrate` and `sluice run api` start from it and become ready', async () => {
    const migrate = sluiceFromBundle(['migrate'], {});
    const [code] = await once(migrate.child, 'exit');
    assert.equal(code, 0, migrate.log());
    assert.match(migrate.log(), /topics exist, schemas registered/);

    const [apiPort, opsPort] = await freePorts(2);
    const api = sluiceFromBundle(['run', 'api'], { API_PORT: String(apiPort), OPS_PORT: String(opsPort) });
    type Readiness = { components: { name: string; state: string }[] };
    // ready at once from the databases; fully ready (not degraded) once its Kafka parts connected
    const ready = (await waitForReady(`http://127.0.0.1:${opsPort}/readyz`, api.child, api.log, (answer) =>
      (answer as Readiness).components.every((c) => c.state === 'ready'),
    )) as Readiness;
    assert.deepEqual(
      ready.components.map((c) => [c.name, c.state]),
      [['api', 'ready']],
    );
    const overview = (await (await fetch(`http://127.0.0.1:${apiPort}/api/v1/overview`)).json()) as {
      kafka: { reachable: boolean };
    };
    assert.equal(overview.kafka.reachable, true);
    assert.match(await (await fetch(`http://127.0.0.1:${apiPort}/`)).text(), /<title>Sluice<\/title>/);
    await stop(api.child);
    assert.equal(api.child.exitCode, 0, api.log());
  });

  it('`sluice run processor telemetry` becomes ready and its compiled pipeline threads normalize readings', async () => {
    const serde = new AvroSerde(createRegistryClient());
    await privateRawTopic(kafka, serde, input);
    await serde.register({ ...topics.normalizedTelemetry, topic: output });
    await serde.register(dlqContract(input), readSchema('dlq.v1.avsc'));
    const load = buildLoad({ unique: 50, duplicates: 0, invalid: 0, devicePrefix: `bundle-${suffix}` });
    const producer = createProducer(kafka);
    await producer.connect();
    await publishLoad(producer, serde, input, load.events);
    await producer.disconnect();

    const [opsPort] = await freePorts(1);
    const processor = sluiceFromBundle(['run', 'processor', 'telemetry'], {
      OPS_PORT: String(opsPort),
      PROCESSOR_TELEMETRY_THREADS: '2',
      PROCESSOR_TELEMETRY_INPUT_TOPIC: input,
      PROCESSOR_TELEMETRY_OUTPUT_TOPIC: output,
      PROCESSOR_TELEMETRY_GROUP_ID: `test-bundle-${suffix}`,
      PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: `test-bundle-${suffix}`,
    });
    await waitForReady(`http://127.0.0.1:${opsPort}/readyz`, processor.child, processor.log);
    const deadline = Date.now() + 60_000;
    while ((await committedCount(kafka, `test-bundle-${suffix}`, input)) < load.events.length) {
      assert.ok(Date.now() < deadline, `not all processed in 60 s:\n${processor.log()}`);
      await sleep(250);
    }
    const normalized = await readAll(
      kafka,
      output,
      (value) => serde.decodeSync<TelemetryReading>(output, value).value,
    );
    assert.deepEqual(new Set(normalized.map((reading) => reading.eventId)), load.validIds);
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(`sluice_events_sent_total\\{component="telemetry-processor",topic="${output}"\\} 50`),
    );
    await stop(processor.child);
    assert.equal(processor.child.exitCode, 0, processor.log());
  });
});
