import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluiceHome } from '../../lib/config.ts';
import { describeError } from '../../lib/errors.ts';
import { done, failed, step } from '../output.ts';
import { clickhouseServices, isClickHouseCluster } from './clickhouse.ts';
import { ensureJemalloc } from './install.ts';
import { kafkaServices } from './kafka.ts';
import { mosquittoService } from './mosquitto.ts';
import { postgresService } from './postgres.ts';
import { registryService } from './registry.ts';
import { LocalService, type ServiceStatus } from './service.ts';
import { loadStackSettings } from './settings.ts';
import { zookeeperService } from './zookeeper.ts';

/** The services by kind; a cluster's nodes are named after their kind (`kafka-1`, `clickhouse-2`…). */
export const serviceNames = [
  'kafka',
  'registry',
  'postgres',
  'zookeeper',
  'clickhouse',
  'mosquitto',
] as const;
export type ServiceName = (typeof serviceNames)[number];

/** The local stack: every server Sluice needs, each under `.sluice/<name>`. */
export function localStack(home = sluiceHome()): LocalService[] {
  const settings = loadStackSettings();
  return [
    ...kafkaServices(settings, home),
    registryService(settings),
    postgresService(settings, join(home, 'postgres')),
    ...(isClickHouseCluster(settings) ? [zookeeperService(settings)] : []),
    ...clickhouseServices(settings, home),
    mosquittoService(settings),
  ].map((definition) => new LocalService(definition, home));
}

/** The services named: a kind (`kafka`) stands for all its nodes, a node (`kafka-2`) for itself. */
function select(services: LocalService[], names: readonly string[]): LocalService[] {
  if (names.length === 0) return services;
  const matches = (service: LocalService, name: string) =>
    service.name === name || service.name.replace(/-\d+$/, '') === name;
  const unknown = names.filter((name) => !services.some((service) => matches(service, name)));
  if (unknown.length > 0)
    throw new Error(
      `unknown service ${unknown.join(', ')}; the services are ${services.map((service) => service.name).join(', ')}`,
    );
  return services.filter((service) => names.some((name) => matches(service, name)));
}

/** `.sluice/env`: the connection variables of every service, managed or external, for other tools. */
function writeEnvFile(services: LocalService[], home: string): void {
  const variables = new Map<string, string>();
  for (const service of services) {
    const external = service.externalValue;
    const { envVar = '', connection } = service.definition;
    const vars =
      external === undefined
        ? connection
        : (service.definition.external?.(external) ?? { [envVar]: external });
    // a cluster's nodes name the same variables: each once
    for (const [key, value] of Object.entries(vars)) variables.set(key, value);
  }
  const lines = [
    '# Written by `sluice stack up`: connection variables of the local stack.',
    ...[...variables].map(([key, value]) => `${key}=${value}`),
  ];
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'env'), `${lines.join('\n')}\n`);
}

/**
 * Starts what is not running (in parallel: the JVMs start slowly; a server after those it needs,
 * `startsAfter`) and waits until each answers.
 * Returns the services started by this call, so a caller can stop exactly those.
 */
export async function stackUp(names: readonly string[] = [], home = sluiceHome()): Promise<string[]> {
  const all = localStack(home);
  const services = select(all, names);
  writeEnvFile(all, home);
  const started: string[] = [];
  // apt and Maven run synchronously: were they interleaved with launches, a server's ready deadline
  // would expire while the event loop waited for another server's install
  for (const service of services) if (!service.isExternal) await service.definition.install();
  ensureJemalloc();
  const starting = new Map<string, Promise<void>>();
  const startOne = async (service: LocalService, prerequisites: Promise<void>[]) => {
    if ((await Promise.allSettled(prerequisites)).some((result) => result.status === 'rejected'))
      throw new Error(`not started: ${service.definition.startsAfter?.join(', ')} did not start`);
    if (service.isExternal) {
      done(
        service.name,
        `external: ${process.env[service.definition.envVar ?? '']} (${service.definition.envVar})`,
      );
      return;
    }
    const began = Date.now();
    const startedNow = await service.start((message) => step(service.name, message));
    if (startedNow) started.push(service.name);
    const took = startedNow ? ` in ${((Date.now() - began) / 1000).toFixed(1)}s` : '';
    const detail = service.definition.detail ? ` (${service.definition.detail})` : '';
    done(
      service.name,
      `${startedNow ? 'ready' : 'already running'}${took}  ${service.definition.url}${detail}`,
    );
  };
  for (const service of services) {
    const prerequisites = (service.definition.startsAfter ?? []).flatMap((name) => starting.get(name) ?? []);
    starting.set(service.name, startOne(service, prerequisites));
  }
  const results = await Promise.allSettled(starting.values());
  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [`${services[index]?.name}: ${describeError(result.reason)}`] : [],
  );
  for (const failure of failures) failed('stack', failure);
  if (failures.length > 0) {
    // a half-started stack is of no use to anyone: what this call started does not outlive the failure
    if (started.length > 0) {
      step('stack', `stopping what this call started: ${started.join(', ')}`);
      await stackDown(started, home);
    }
    throw new Error(`${failures.length} service(s) failed to start (see above)`);
  }
  done('stack', `up; connection variables in ${join(home, 'env')}`);
  return started;
}

export async function stackDown(names: readonly string[] = [], home = sluiceHome()): Promise<void> {
  const services = select(localStack(home), names);
  await Promise.all(
    services.map(async (service) => {
      if (service.isExternal) return;
      if (await service.stop()) done(service.name, 'stopped');
    }),
  );
}

export async function stackStatus(home = sluiceHome()): Promise<ServiceStatus[]> {
  return Promise.all(localStack(home).map((service) => service.status()));
}
