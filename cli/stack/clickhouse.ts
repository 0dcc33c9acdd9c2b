import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluiceHome } from '../../lib/config.ts';
import { ensureDebianPackage } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import { nodePort, type StackSettings } from './settings.ts';
import { renderTemplate } from './template.ts';

const database = 'sluice';
const serverBinary = '/usr/sbin/clickhouse-server';
/** The sinks' user (the sluice database only); `default` is kept for the launcher alone. */
const user = { name: 'sluice', password: 'sluice' };

/** Where the `default` user's password is kept: one for every node of the stack under `home`. */
export function passwordFile(home: string): string {
  return join(home, 'clickhouse', 'default.password');
}

/** The `default` user's password: random, made once per stack, known only to the launcher. */
function defaultPassword(home: string): string {
  const file = passwordFile(home);
  if (!existsSync(file)) {
    mkdirSync(join(home, 'clickhouse'), { recursive: true });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function query(base: string, sql: string, password: string): Promise<string> {
  const response = await fetch(`${base}/?query=${encodeURIComponent(sql)}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`default:${password}`).toString('base64')}` },
    signal: AbortSignal.timeout(5000),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`ClickHouse answered ${response.status}: ${body.trim()}`);
  return body;
}

/** The name of the local ClickHouse cluster (shards and replicas) in the nodes' remote_servers. */
export const localClusterName = 'sluice';

interface ClickHouseNode {
  node: number;
  shard: number;
  replica: number;
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
}

/** The nodes of the local ClickHouse, shard by shard; one node when it is not a cluster. */
export function clickhouseNodes(settings: StackSettings): ClickHouseNode[] {
  const replicas = settings.clickhouseReplicas;
  return Array.from({ length: settings.clickhouseShards * replicas }, (_, i) => ({
    node: i + 1,
    shard: Math.floor(i / replicas) + 1,
    replica: (i % replicas) + 1,
    httpPort: nodePort(settings.clickhousePort, i + 1),
    tcpPort: nodePort(settings.clickhouseTcpPort, i + 1),
    interserverPort: nodePort(settings.clickhouseInterserverPort, i + 1),
  }));
}

export function isClickHouseCluster(settings: StackSettings): boolean {
  return settings.clickhouseShards * settings.clickhouseReplicas > 1;
}

/**
 * remote_servers' shards of the local cluster: replicas of a shard copy each other (internal
 * replication); nodes reach each other as `default`, whose password only the launcher knows.
 */
function shardsXml(nodes: ClickHouseNode[], password: string): string {
  const shards = [...new Set(nodes.map((node) => node.shard))];
  return shards
    .map((shard) => {
      const replicas = nodes
        .filter((node) => node.shard === shard)
        .map(
          (node) =>
            `                <replica><host>127.0.0.1</host><port>${node.tcpPort}</port><user>default</user><password>${password}</password></replica>`,
        );
      return [
        '            <shard>',
        '                <internal_replication>true</internal_replication>',
        ...replicas,
        '            </shard>',
      ].join('\n');
    })
    .join('\n');
}

/**
 * ClickHouse from Debian: one server named `clickhouse`, or, with SLUICE_CLICKHOUSE_SHARDS or
 * SLUICE_CLICKHOUSE_REPLICAS above 1, the nodes `clickhouse-1`… of the cluster `sluice` (their
 * replicated tables coordinate through the stack's ZooKeeper). The connection is the first node's.
 */
export function clickhouseServices(settings: StackSettings, home = sluiceHome()): ServiceDefinition[] {
  const nodes = clickhouseNodes(settings);
  const cluster = isClickHouseCluster(settings);
  const first = `http://127.0.0.1:${settings.clickhousePort}`;
  const password = () => defaultPassword(home);
  const connection: Record<string, string> = {
    CLICKHOUSE_URL: first,
    CLICKHOUSE_DATABASE: database,
    CLICKHOUSE_USER: user.name,
    CLICKHOUSE_PASSWORD: user.password,
  };
  if (cluster) connection.CLICKHOUSE_CLUSTER = localClusterName;
  return nodes.map((node) => {
    const base = `http://127.0.0.1:${node.httpPort}`;
    return {
      name: cluster ? `clickhouse-${node.node}` : 'clickhouse',
      envVar: 'CLICKHOUSE_URL',
      connection,
      url: base,
      detail: cluster
        ? `native port ${node.tcpPort}, shard ${node.shard} replica ${node.replica} of cluster ${localClusterName}`
        : `native port ${node.tcpPort}`,
      ports: cluster ? [node.httpPort, node.tcpPort, node.interserverPort] : [node.httpPort, node.tcpPort],
      // 18.16 started before its ZooKeeper answers crashes (SIGSEGV) on its first ON CLUSTER statement
      startsAfter: cluster ? ['zookeeper'] : undefined,
      readyTimeoutMs: 60_000,
      async install() {
        ensureDebianPackage('clickhouse-server', serverBinary);
        ensureDebianPackage('clickhouse-client', '/usr/bin/clickhouse-client');
      },
      async prepare(dir) {
        for (const sub of ['log', 'data', 'tmp', 'user_files', 'format_schemas', 'config.d'])
          mkdirSync(join(dir, sub), { recursive: true });
        const values = {
          DIR: dir,
          HTTP_PORT: node.httpPort,
          TCP_PORT: node.tcpPort,
          DEFAULT_PASSWORD_HASH: createHash('sha256').update(password()).digest('hex'),
        };
        renderTemplate('clickhouse/config.xml', join(dir, 'config.xml'), values);
        renderTemplate('clickhouse/users.xml', join(dir, 'users.xml'), values);
        if (cluster) {
          renderTemplate('clickhouse/cluster.xml', join(dir, 'config.d', 'cluster.xml'), {
            INTERSERVER_PORT: node.interserverPort,
            ZOOKEEPER_PORT: settings.zookeeperPort,
            SHARD: node.shard,
            REPLICA: `clickhouse-${node.node}`,
            SHARDS: shardsXml(nodes, password()),
          });
        }
      },
      launch(dir) {
        return { command: serverBinary, args: [`--config-file=${join(dir, 'config.xml')}`] };
      },
      probe: async () => (await query(base, 'SELECT 1', password())).trim() === '1',
      // its output stays empty: config.xml's logger writes here
      errorLog: (dir) => join(dir, 'log', 'server.err.log'),
      async afterReady() {
        await query(base, `CREATE DATABASE IF NOT EXISTS ${database}`, password());
      },
      external: (value) => ({
        CLICKHOUSE_URL: value,
        CLICKHOUSE_DATABASE: process.env.CLICKHOUSE_DATABASE ?? database,
      }),
    };
  });
}
