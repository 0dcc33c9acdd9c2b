import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { asyncApiDocument } from '../../api/asyncapi.ts';
import { clientTypesCurrent, clientTypesFile, writeClientTypes } from '../../api/client/generate.ts';
import { buildOverview } from '../../api/overview.ts';
import { ApiServer } from '../../api/server.ts';
import { type Component, runComponents } from '../../lib/component.ts';
import { projectRoot } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { done } from '../output.ts';

/** The API with only itself to report on, and a Kafka admin connected on first use for the overview. */
function standaloneApi(): { api: ApiServer; close: () => Promise<void> } {
  const admin = createKafka('api').admin();
  let connected: Promise<void> | undefined;
  const components: Component[] = [];
  const api = new ApiServer({
    components: () => components,
    overview: async () => {
      connected ??= admin.connect().catch((err) => {
        connected = undefined;
        throw err;
      });
      await connected.catch(() => {});
      return buildOverview(admin, components);
    },
  });
  components.push(api);
  return { api, close: () => admin.disconnect() };
}

function write(document: unknown, out: string | undefined, what: string): void {
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (!out) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(out, text);
  done('api', `${what} written to ${out}`);
}

/** `sluice api`: run the API alone; print its OpenAPI and AsyncAPI documents. */
export function registerApiCommands(program: Command): void {
  const api = program
    .command('api')
    .description('the query API: REST, GraphQL, OpenAPI and AsyncAPI documents');
  api
    .command('serve', { isDefault: true })
    .description('run the API alone (REST, GraphQL, docs, /metrics) until Ctrl-C')
    .action(async () => {
      const { api: server, close } = standaloneApi();
      try {
        await runComponents([server], componentLogger('cli'));
      } finally {
        await close();
      }
    });
  api
    .command('openapi')
    .description('print the OpenAPI 3.1 document (also served at /api/openapi.json)')
    .option('--out <file>', 'write it to this file')
    .action(async ({ out }: { out?: string }) => {
      const { api: server, close } = standaloneApi();
      write(server.openApi(), out, 'OpenAPI document');
      await server.stop();
      await close();
    });
  api
    .command('client')
    .description(
      'regenerate the typed client’s types (api/client/openapi-types.ts) from the OpenAPI document',
    )
    .option('--check', 'only verify that they are up to date')
    .action(async ({ check }: { check?: boolean }) => {
      const { api: server, close } = standaloneApi();
      try {
        if (!check) {
          await writeClientTypes(server.openApi());
          done('api', `wrote ${relative(projectRoot, clientTypesFile)}`);
        } else if (!(await clientTypesCurrent(server.openApi()))) {
          throw new SluiceError(
            'ING_CONFIG_INVALID',
            'api/client/openapi-types.ts is stale: run `sluice api client`',
          );
        } else {
          done('api', 'client types are up to date');
        }
      } finally {
        await server.stop();
        await close();
      }
    });
  api
    .command('asyncapi')
    .description('print the AsyncAPI 3 document of the topics (also served at /api/asyncapi.json)')
    .option('--out <file>', 'write it to this file')
    .action(({ out }: { out?: string }) => {
      write(asyncApiDocument(), out, 'AsyncAPI document');
    });
}
