import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';

/** Copies a committed config template from deploy/local, filling in its {{NAME}} placeholders. */
export function renderTemplate(
  template: string,
  target: string,
  values: Record<string, string | number>,
): void {
  const text = readFileSync(join(projectRoot, 'deploy', 'local', template), 'utf8').replace(
    /\{\{([A-Z_]+)\}\}/g,
    (_, name: string) => {
      const value = values[name];
      if (value === undefined)
        throw new SluiceError('ING_PROGRAMMING', `template ${template} needs a value for ${name}`);
      return String(value);
    },
  );
  writeFileSync(target, text);
}
