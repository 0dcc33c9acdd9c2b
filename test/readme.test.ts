import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../lib/config.ts';
import { sluice } from './support.ts';

describe('README', () => {
  it('documents every setting exactly as `sluice config --markdown` prints it', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const result = sluice(['config', '--markdown']);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(
      readme.includes(result.stdout),
      'README configuration table is stale: paste `sluice config --markdown`',
    );
  });
});
