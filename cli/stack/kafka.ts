import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { projectRoot } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { ensureMavenClasspath } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import { nodePort, type StackSettings } from './settings.ts';
import { renderTemplate } from './template.ts';

/** A KRaft cluster id: a random UUID in base64url (22 characters), shared by every node of the cluster. */
function clusterId(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  // never starting with '-' (Kafka's own Uuid.randomUuid skips those too): the storage tool would read it as an option
  let id = randomBytes(16).toString('base64url');
  while (id.startsWith('-')) id = randomBytes(16).toString('base64url');
  writeFileSync(file, `${id}\n`);
  return id;
}

/** The bootstrap list of the local Kafka: every broker's address. */
export function kafkaBootstrap(settings: StackSettings): string {
  return Array.from(
    { length: settings.kafkaBrokers },
    (_, i) => `127.0.0.1:${nodePort(settings.kafkaPort, i + 1)}`,
  ).join(',');
}

/**
 * Apache Kafka in KRaft mode from Maven Central jars: one node (broker + controller) named
 * `kafka`, or SLUICE_KAFKA_BROKERS nodes `kafka-1`… that are each broker and controller of one
 * static quorum. Topics and the internal topics replicate to three brokers where there are three,
 * with min.insync.replicas 2. Kafka 3.x logs through reload4j, 4.x through log4j2: the pom's
 * profile and the logging config follow the major version.
 */
export function kafkaServices(settings: StackSettings, home: string): ServiceDefinition[] {
  return Array.from({ length: settings.kafkaBrokers }, (_, i) => kafkaNode(settings, home, i + 1));
}

function kafkaNode(settings: StackSettings, home: string, node: number): ServiceDefinition {
  const version = settings.kafkaVersion;
  const major = Number(version.split('.')[0]);
  const brokers = settings.kafkaBrokers;
  const port = nodePort(settings.kafkaPort, node);
  const controllerPort = nodePort(settings.kafkaControllerPort, node);
  const address = `127.0.0.1:${port}`;
  const bootstrap = kafkaBootstrap(settings);
  const replication = Math.min(3, brokers);
  const libDir = () =>
    ensureMavenClasspath('deploy/local/kafka', `kafka-${version}`, [
      `-Dkafka.version=${version}`,
      `-Dkafka.major=${major}`,
    ]);
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
    name: brokers === 1 ? 'kafka' : `kafka-${node}`,
    envVar: 'KAFKA_BROKERS',
    connection: { KAFKA_BROKERS: bootstrap },
    url: address,
    detail: brokers === 1 ? `Kafka ${version}, KRaft` : `Kafka ${version}, KRaft node ${node} of ${brokers}`,
    ports: [port, controllerPort],
    readyTimeoutMs: 120_000,
    async install() {
      libDir();
    },
    async prepare(dir) {
      const data = join(dir, 'data');
      mkdirSync(join(dir, 'logs'), { recursive: true });
      const config = join(dir, 'server.properties');
      const voters = Array.from(
        { length: brokers },
        (_, i) => `${i + 1}@127.0.0.1:${nodePort(settings.kafkaControllerPort, i + 1)}`,
      ).join(',');
      renderTemplate('kafka/server.properties', config, {
        NODE_ID: node,
        VOTERS: voters,
        PORT: port,
        CONTROLLER_PORT: controllerPort,
        DATA_DIR: data,
        REPLICATION_FACTOR: replication,
        MIN_INSYNC_REPLICAS: Math.max(1, Math.min(2, replication - 1)),
      });
      if (existsSync(join(data, 'meta.properties'))) return;
      const id = clusterId(join(home, brokers === 1 ? 'kafka.cluster-id' : 'kafka-cluster.cluster-id'));
      const format = spawnSync(
        'java',
        java(dir, 'kafka.tools.StorageTool', ['format', '-t', id, '-c', config, '-g']),
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
        brokers: [address],
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
