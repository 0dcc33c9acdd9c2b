import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import type { ApiServer } from '../../api/server.ts';
import { projectRoot } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { done } from '../output.ts';

/**
 * The API's routes, for their documents: it is never started, so it never reads Kafka or a database.
 * Imported here, not with the CLI: every component's process (`sluice run …`) loads the CLI.
 */
async function unstartedApi(): Promise<ApiServer> {
  const { ApiServer } = await import('../../api/server.ts');
  return new ApiServer({
    components: () => [],
    overview: async () => {
      throw new Error('not served');
    },
  });
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

/** `sluice api …`: the API's OpenAPI and AsyncAPI documents and the typed client's types (`sluice run api` runs it). */
export function registerApiCommands(program: Command): void {
  const api = program
    .command('api')
    .description('the query API: REST, GraphQL, OpenAPI and AsyncAPI documents');
  api
    .command('openapi')
    .description('print the OpenAPI 3.1 document (also served at /api/openapi.json)')
    .option('--out <file>', 'write it to this file')
    .action(async ({ out }: { out?: string }) => {
      const server = await unstartedApi();
      write(server.openApi(), out, 'OpenAPI document');
      await server.stop();
    });
  api
    .command('client')
    .description(
      'regenerate the typed client’s types (api/client/openapi-types.ts) from the OpenAPI document',
    )
    .option('--check', 'only verify that they are up to date')
    .action(async ({ check }: { check?: boolean }) => {
      const { clientTypesCurrent, clientTypesFile, writeClientTypes } = await import(
        '../../api/client/generate.ts'
      );
      const server = await unstartedApi();
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
      }
    });
  api
    .command('asyncapi')
    .description('print the AsyncAPI 3 document of the topics (also served at /api/asyncapi.json)')
    .option('--out <file>', 'write it to this file')
    .action(async ({ out }: { out?: string }) => {
      const { asyncApiDocument } = await import('../../api/asyncapi.ts');
      write(asyncApiDocument(), out, 'AsyncAPI document');
    });
}
