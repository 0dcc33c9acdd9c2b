import { clickhouseSettings } from '../lib/clickhouse.ts';
import { loadSettings, type SettingGroup } from '../lib/config.ts';
import { kafkaSettings } from '../lib/kafka.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import { postgresSettings } from '../lib/postgres.ts';
import { registrySettings } from '../lib/registry.ts';
import { loadStackSettings } from './stack/settings.ts';

/** Fails fast, naming the variable, when a connection setting is malformed. */
export function validateConnectionSettings(): void {
  loadStackSettings();
  for (const group of [kafkaSettings, registrySettings, postgresSettings, clickhouseSettings, mqttSettings]) {
    loadSettings(group);
  }
}

type Catalogue = ReadonlyMap<string, SettingGroup>;

export function configText(catalogue: Catalogue): string {
  const lines: string[] = [];
  for (const [component, group] of catalogue) {
    lines.push(`${component}:`);
    for (const spec of Object.values(group)) {
      const current = process.env[spec.env];
      lines.push(
        `  ${spec.env.padEnd(32)} ${(spec.default === '' ? "''" : (spec.default ?? '(required)')).padEnd(42)} ${spec.doc}`,
      );
      if (current !== undefined) lines.push(`  ${''.padEnd(32)} now: ${current}`);
    }
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
