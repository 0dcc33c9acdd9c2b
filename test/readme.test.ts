import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../lib/config.ts';
import { sluice } from './support.ts';

const readDoc = (path: string) => readFileSync(join(projectRoot, path), 'utf8');

describe('docs', () => {
  it('documents every setting exactly as `sluice config --markdown` prints it', () => {
    const result = sluice(['config', '--markdown']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(
      readDoc('docs/configuration.md').includes(result.stdout),
      'docs/configuration.md is stale: paste `sluice config --markdown`',
    );
  });

  it('lists every reason code exactly as `sluice reasons` prints it', () => {
    const result = sluice(['reasons']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(
      readDoc('docs/reasons.md').includes(result.stdout),
      'docs/reasons.md is stale: paste `sluice reasons`',
    );
  });

  it('keeps the README short, and every page it links to exists', () => {
    const readme = readDoc('README.md');
    assert.ok(readme.split('\n').length <= 200, 'README.md is over 200 lines: details belong in docs/');
    for (const [link] of readme.matchAll(/(?<=\]\()docs\/[^)#]+/g)) assert.ok(readDoc(link));
  });
});
