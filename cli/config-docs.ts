import { clickhouseSettings } from '../lib/clickhouse.ts';
import {
  describeUnknownVariable,
  environment,
  isSecret,
  loadSettings,
  type SettingGroup,
  settingsCatalogue,
  unknownVariables,
} from '../lib/config.ts';
import { maskUrl, SluiceError } from '../lib/errors.ts';
import { kafkaSettings } from '../lib/kafka.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import { postgresSettings } from '../lib/postgres.ts';
import { registrySettings } from '../lib/registry.ts';
import { say, yellow } from './output.ts';
import { loadStackSettings } from './stack/settings.ts';

/**
 * Fails fast, naming the variable, when any setting is malformed (every problem in one line), and
 * warns about variables that look meant for Sluice but are not its settings.
 */
export function validateConnectionSettings(): void {
  loadStackSettings();
  const connections = [kafkaSettings, registrySettings, postgresSettings, clickhouseSettings, mqttSettings];
  const groups = new Set<SettingGroup>([...connections, ...settingsCatalogue().values()]);
  const problems = [...groups].flatMap((group) => {
    try {
      loadSettings(group);
      return [];
    } catch (err) {
      return [err instanceof Error ? err.message : String(err)];
    }
  });
  if (problems.length > 0) throw new SluiceError('ING_CONFIG_INVALID', problems.join('; '));
}

/** One warning line per variable that looks meant for Sluice but that it does not read. */
export function warnUnknownVariables(): void {
  for (const unknown of unknownVariables()) say(`${yellow('sluice:')} ${describeUnknownVariable(unknown)}`);
}

type Catalogue = ReadonlyMap<string, SettingGroup>;

/** A value as `sluice config` shows it: secrets hidden, passwords in URLs masked. */
function shown(env: string, value: string): string {
  return isSecret(env) && value !== '' ? '***' : maskUrl(value);
}

/** Every setting with its default and meaning; those set now with their value (masked) and whether it is valid. */
export function configText(catalogue: Catalogue, values = environment()): string {
  const lines: string[] = [];
  for (const [component, group] of catalogue) {
    lines.push(`${component}:`);
    for (const spec of Object.values(group)) {
      const current = values[spec.env];
      lines.push(
        `  ${spec.env.padEnd(32)} ${(spec.default === '' ? "''" : (spec.default ?? '(required)')).padEnd(42)} ${spec.doc}`,
      );
      if (current === undefined) continue;
      const parsed = spec.schema.safeParse(current);
      const verdict = parsed.success ? '' : `  ✗ invalid: ${parsed.error.issues[0]?.message}`;
      lines.push(`  ${''.padEnd(32)} now: ${shown(spec.env, current)}${verdict}`);
    }
  }
  const unknown = unknownVariables(values, catalogue);
  if (unknown.length > 0) {
    lines.push('not Sluice settings:');
    for (const variable of unknown) lines.push(`  ✗ ${describeUnknownVariable(variable)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function configMarkdown(catalogue: Catalogue): string {
  const lines = ['| component | variable | default | meaning |', '| --- | --- | --- | --- |'];
  for (const [component, group] of catalogue) {
    for (const spec of Object.values(group)) {
      const fallback =
        spec.default === undefined ? '(required)' : spec.default === '' ? '(empty)' : `\`${spec.default}\``;
      lines.push(`| ${component} | \`${spec.env}\` | ${fallback} | ${spec.doc} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
