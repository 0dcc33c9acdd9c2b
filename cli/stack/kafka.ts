import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { projectRoot } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { ensureMavenArtifacts } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';
import { renderTemplate } from './template.ts';

/**
 * Apache Kafka in KRaft mode (one node, broker + controller), from Maven Central jars.
 * Kafka 3.x logs through reload4j, 4.x through log4j2: the pom's profile and the
 * logging config follow the major version.
 */
export function kafkaService(settings: StackSettings): ServiceDefinition {
  const version = settings.kafkaVersion;
  const major = Number(version.split('.')[0]);
  const bootstrap = `127.0.0.1:${settings.kafkaPort}`;
  const libDir = () =>
    join(
      ensureMavenArtifacts('deploy/local/kafka', `kafka-${version}`, (target) => [
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(target, 'lib')}`,
        `-Dkafka.version=${version}`,
        `-Dkafka.major=${major}`,
      ]),
      'lib',
    );
  const java = (dir: string, mainClass: string, args: string[]) => [
    '-Xms256m',
    `-Xmx${settings.kafkaHeap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    major >= 4
      ? `-Dlog4j2.configurationFile=${join(projectRoot, 'deploy/local/kafka/log4j2.xml')}`
      : `-Dlog4j.configuration=file:${join(projectRoot, 'deploy/local/kafka/log4j.properties')}`,
    '-cp',
    `${libDir()}/*`,
    mainClass,
    ...args,
  ];
  return {
    name: 'kafka',
    envVar: 'KAFKA_BROKERS',
    connection: { KAFKA_BROKERS: bootstrap },
    url: bootstrap,
    detail: `Kafka ${version}, KRaft`,
    ports: [settings.kafkaPort, settings.kafkaControllerPort],
    readyTimeoutMs: 120_000,
    async install() {
      libDir();
    },
    async prepare(dir) {
      const data = join(dir, 'data');
      mkdirSync(join(dir, 'logs'), { recursive: true });
      const config = join(dir, 'server.properties');
      renderTemplate('kafka/server.properties', config, {
        PORT: settings.kafkaPort,
        CONTROLLER_PORT: settings.kafkaControllerPort,
        DATA_DIR: data,
      });
      if (existsSync(join(data, 'meta.properties'))) return;
      // A KRaft cluster id is a random UUID in base64url (22 characters), never starting with '-'
      // (Kafka's own Uuid.randomUuid skips those too): the storage tool would read it as an option.
      let clusterId = randomBytes(16).toString('base64url');
      while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
      const format = spawnSync(
        'java',
        java(dir, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', config, '-g']),
        {
          encoding: 'utf8',
        },
      );
      if (format.status !== 0) {
        throw new SluiceError(
          'ING_STACK_START_FAILED',
          `kafka storage format failed:\n${format.stdout}${format.stderr}`,
        );
      }
    },
    launch(dir) {
      return { command: 'java', args: java(dir, 'kafka.Kafka', [join(dir, 'server.properties')]) };
    },
    async probe() {
      const admin = new Kafka({
        clientId: 'sluice-stack-probe',
        brokers: [bootstrap],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1000,
        requestTimeout: 3000,
        retry: { retries: 0 },
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0 && cluster.controller !== null;
      } finally {
        await admin.disconnect();
      }
    },
  };
}
