import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../lib/config.ts';

/**
 * The folders import downward only. `lib/` and `schemas/` are the shared layers (contracts, Kafka,
 * serde, config, errors); producers, processors, sinks and the API build on them and never import
 * each other; `cli/` composes them; `test/` and `bench/` may use everything. A component's tests
 * may also use `test/`'s helpers, production code never.
 */

const components = ['producers', 'processors', 'sinks', 'api'];
const shared = ['lib', 'schemas'];
const checked = [...components, ...shared, 'cli'];

function sources(folder: string): string[] {
  return readdirSync(join(projectRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.includes('node_modules'))
    .map((file) => join(folder, file));
}

/** The top folder of every relative module a file imports (static, dynamic and type-only imports). */
function importedFolders(file: string): { specifier: string; folder: string }[] {
  const text = readFileSync(join(projectRoot, file), 'utf8');
  const found: { specifier: string; folder: string }[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)) {
    const specifier = match[1] as string;
    const target = relative(projectRoot, join(projectRoot, dirname(file), specifier));
    found.push({ specifier, folder: target.split('/')[0] as string });
  }
  return found;
}

const isTestCode = (file: string) => /\.test\.ts$|(^|\/)(testing|fixtures)\.ts$/.test(file);

function allowed(fromFolder: string, file: string, toFolder: string): boolean {
  if (toFolder === fromFolder || shared.includes(toFolder)) return true;
  if (toFolder === 'test') return isTestCode(file);
  if (fromFolder === 'cli') return components.includes(toFolder);
  return false;
}

describe('import graph', () => {
  it('imports downward only: components from the shared layers, never from each other', () => {
    const violations: string[] = [];
    let edges = 0;
    for (const folder of checked) {
      for (const file of sources(folder)) {
        for (const { specifier, folder: target } of importedFolders(file)) {
          edges += 1;
          if (!allowed(folder, file, target)) violations.push(`${file} imports ${specifier}`);
        }
      }
    }
    assert.ok(edges > 500, `only ${edges} imports read: the scan is broken`);
    assert.deepEqual(violations, []);
  });

  it('catches a sideways import', () => {
    assert.equal(allowed('processors', 'processors/x.ts', 'producers'), false);
    assert.equal(allowed('sinks', 'sinks/x.test.ts', 'api'), false);
    assert.equal(allowed('lib', 'lib/x.ts', 'processors'), false);
    assert.equal(allowed('schemas', 'schemas/x.ts', 'cli'), false);
    assert.equal(allowed('api', 'api/x.ts', 'test'), false);
    assert.equal(allowed('api', 'api/x.test.ts', 'test'), true);
    assert.equal(allowed('cli', 'cli/x.ts', 'sinks'), true);
  });
});
