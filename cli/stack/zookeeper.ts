import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { ensureMavenClasspath } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';
import { renderTemplate } from './template.ts';

/** ZooKeeper's answer to a four-letter command (`srvr`), or the empty string. */
function fourLetterWord(port: number, command: string): Promise<string> {
  return new Promise((resolveAnswer) => {
    let answer = '';
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.end(command));
    socket.setTimeout(2000, () => socket.destroy());
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.once('close', () => resolveAnswer(answer));
    socket.once('error', () => resolveAnswer(''));
  });
}

/**
 * Apache ZooKeeper, standalone, from Maven Central jars: where replicated ClickHouse tables keep
 * their replication log and insert deduplication. Started only for a ClickHouse cluster.
 */
export function zookeeperService(settings: StackSettings): ServiceDefinition {
  const version = settings.zookeeperVersion;
  const address = `127.0.0.1:${settings.zookeeperPort}`;
  const libDir = () =>
    ensureMavenClasspath('deploy/local/zookeeper', `zookeeper-${version}`, [
      `-Dzookeeper.version=${version}`,
    ]);
  return {
    name: 'zookeeper',
    connection: {},
    url: address,
    detail: `ZooKeeper ${version}`,
    ports: [settings.zookeeperPort],
    readyTimeoutMs: 60_000,
    async install() {
      libDir();
    },
    async prepare(dir) {
      mkdirSync(join(dir, 'data'), { recursive: true });
      renderTemplate('zookeeper/zoo.cfg', join(dir, 'zoo.cfg'), { DIR: dir, PORT: settings.zookeeperPort });
    },
    launch(dir) {
      return {
        command: 'java',
        args: [
          '-Xms32m',
          '-Xmx256m',
          '-XX:+UseSerialGC',
          '-XX:+ExitOnOutOfMemoryError',
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
          '-cp',
          `${libDir()}/*`,
          'org.apache.zookeeper.server.ZooKeeperServerMain',
          join(dir, 'zoo.cfg'),
        ],
      };
    },
    // `srvr` answers "not currently serving requests" until the database is loaded
    probe: async () => (await fourLetterWord(settings.zookeeperPort, 'srvr')).includes('Mode:'),
  };
}
