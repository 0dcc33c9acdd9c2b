import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sluiceCache } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { ensureMavenArtifacts } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';

/**
 * Apicurio Registry 3.0.9 (its Confluent-compatible API): the newest release that runs on Java 17
 * and is published whole on Maven Central. Schemas persist in an H2 file under `.sluice/registry`.
 */
const version = '3.0.9';

export function registryService(settings: StackSettings): ServiceDefinition {
  const base = `http://127.0.0.1:${settings.registryPort}`;
  const ccompat = `${base}/apis/ccompat/v7`;
  const home = join(sluiceCache(), `registry-${version}`);
  const runnerJar = join(home, `apicurio-registry-app-${version}-runner.jar`);
  return {
    name: 'registry',
    envVar: 'SCHEMA_REGISTRY_URL',
    connection: { SCHEMA_REGISTRY_URL: ccompat },
    url: ccompat,
    detail: `Apicurio ${version}`,
    ports: [settings.registryPort],
    readyTimeoutMs: 90_000,
    async install() {
      ensureMavenArtifacts('deploy/local/registry', `registry-${version}`, () => [
        'package',
        `-Dapicurio.version=${version}`,
        `-Dsluice.cache=${sluiceCache()}`,
      ]);
      if (!existsSync(runnerJar)) {
        throw new SluiceError(
          'ING_STACK_INSTALL_FAILED',
          `Maven ran, but ${runnerJar} is missing; delete ${home} and retry`,
        );
      }
    },
    async prepare(dir) {
      mkdirSync(join(dir, 'data'), { recursive: true });
    },
    launch(dir) {
      return {
        command: 'java',
        args: [
          '-Xms64m',
          `-Xmx${settings.registryHeap}`,
          '-XX:MaxMetaspaceSize=192m',
          '-XX:+UseSerialGC',
          // C1 only: the registry does little work, and start-up is three times faster
          '-XX:TieredStopAtLevel=1',
          `-Dsluice.home=${dir}`,
          '-Dquarkus.http.host=127.0.0.1',
          `-Dquarkus.http.port=${settings.registryPort}`,
          '-Dapicurio.storage.kind=sql',
          '-Dapicurio.storage.sql.kind=h2',
          // WRITE_DELAY=0: a schema registered just before a crash must survive it
          `-Dapicurio.datasource.url=jdbc:h2:file:${join(dir, 'data', 'registry')};WRITE_DELAY=0`,
          '-Dapicurio.datasource.jdbc.initial-size=2',
          '-Dapicurio.datasource.jdbc.min-size=2',
          '-Dapicurio.datasource.jdbc.max-size=10',
          // content ids, as Confluent's registry hands out
          '-Dapicurio.ccompat.legacy-id-mode.enabled=false',
          '-Dquarkus.http.access-log.enabled=false',
          '-Dquarkus.log.category."io.apicurio".level=WARN',
          '-jar',
          runnerJar,
        ],
      };
    },
    async probe() {
      const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    },
    async afterReady() {
      // Apicurio's global default is NONE; Confluent's (and what subscribers expect) is BACKWARD.
      const response = await fetch(`${ccompat}/config`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ compatibility: 'BACKWARD' }),
      });
      if (!response.ok)
        throw new SluiceError(
          'ING_STACK_START_FAILED',
          `registry refused the global compatibility: ${await response.text()}`,
        );
    },
  };
}
