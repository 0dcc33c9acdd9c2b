import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenAPI3 } from 'openapi-typescript';

/**
 * The typed client's types, generated from the OpenAPI document by openapi-typescript (a
 * development dependency: only this generator and its staleness check load it).
 */

export const clientTypesFile = fileURLToPath(new URL('./openapi-types.ts', import.meta.url));

export async function clientTypes(document: object): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(document as OpenAPI3);
  return `// Generated from the OpenAPI document by \`sluice api client\`. Do not edit.\n\n${astToString(ast)}`;
}

export async function writeClientTypes(document: object): Promise<void> {
  writeFileSync(clientTypesFile, await clientTypes(document));
}

export async function clientTypesCurrent(document: object): Promise<boolean> {
  return readFileSync(clientTypesFile, 'utf8') === (await clientTypes(document));
}
