import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SluiceError } from './errors.ts';
import { runningCompiled } from './modules.ts';

/**
 * The one config loader. Every setting is an environment variable declared once with
 * its schema, default and description; the same declaration validates input at start,
 * prints `sluice config` and feeds docs/configuration.md.
 */

export interface Setting<S extends z.ZodType = z.ZodType> {
  env: string;
  schema: S;
  /** The default as it would be written in the environment; absent means required. */
  default?: string;
  doc: string;
}

export type SettingGroup = Record<string, Setting>;
export type SettingsOf<G extends SettingGroup> = { [K in keyof G]: z.output<G[K]['schema']> };

export function setting<S extends z.ZodType>(
  env: string,
  schema: S,
  defaultValue: string | undefined,
  doc: string,
) {
  return { env, schema, default: defaultValue, doc } satisfies Setting<S>;
}

const catalogue = new Map<string, SettingGroup>();

/** Declares a component's settings and lists them in the catalogue for `sluice config`. */
export function defineSettings<G extends SettingGroup>(component: string, group: G): G {
  catalogue.set(component, group);
  return group;
}

export function settingsCatalogue(): ReadonlyMap<string, SettingGroup> {
  return catalogue;
}

/** The checkout or package: where `.sluice/`, `bin/` and `deploy/` are (dist/ holds the compiled code). */
export const projectRoot = resolve(fileURLToPath(new URL(runningCompiled ? '../..' : '..', import.meta.url)));

/** Where the local stack keeps data and the connection file other tools read. */
export function sluiceHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SLUICE_HOME ?? join(projectRoot, '.sluice'));
}

export function sluiceCache(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SLUICE_CACHE ?? join(homedir(), '.cache', 'sluice'));
}

/** Parses a KEY=VALUE file (the format of `.sluice/env`); blank lines and # comments are skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1]) continue;
    values[match[1]] = (match[2] ?? '').trim().replace(/^'(.*)'$/, '$1');
  }
  return values;
}

/**
 * The environment components see: the process environment over `.sluice/env`
 * (written by `sluice stack up`), so tools started by hand find the local stack.
 */
export function environment(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnvFile(readFileSync(join(sluiceHome(env), 'env'), 'utf8'));
  } catch {
    // no local stack file: defaults apply
  }
  return { ...fromFile, ...env };
}

export function loadSettings<G extends SettingGroup>(
  group: G,
  env: Record<string, string | undefined> = environment(),
): SettingsOf<G> {
  const result: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(group)) {
    const raw = env[spec.env] ?? spec.default;
    if (raw === undefined) {
      problems.push(`${spec.env} is required: ${spec.doc}`);
      continue;
    }
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) result[key] = parsed.data;
    else problems.push(`${spec.env}=${JSON.stringify(raw)} is invalid: ${parsed.error.issues[0]?.message}`);
  }
  if (problems.length > 0) {
    throw new SluiceError('ING_CONFIG_INVALID', problems.join('; '));
  }
  return result as SettingsOf<G>;
}

/** Variables Sluice reads besides its settings: the stack's home and cache, a worker's instance number, a component process of the platform, colours, test and bench knobs. */
const readOutsideSettings =
  /^(SLUICE_HOME|SLUICE_CACHE|SLUICE_INSTANCE|SLUICE_COMPONENT_PROCESS|NO_COLOR|FAULTS_SUITE|BENCH_[A-Z_]+)$/;

/** First words that are not Sluice's alone (HTTP_PROXY, AWS_REGION, API_…): a prefix there takes two words. */
const commonFirstWords = new Set(['HTTP', 'API', 'LOG', 'AWS', 'NODE', 'NPM']);

function prefixOf(name: string): string {
  const words = name.split('_');
  return (commonFirstWords.has(words[0] as string) ? words.slice(0, 2) : words.slice(0, 1)).join('_');
}

/** Edits (insert, delete, replace, swap of neighbours) between two names. */
function editDistance(a: string, b: string): number {
  // three rolling rows: a matrix of arrays per pair allocated ~200 MB at every start (a hundred variables × every setting)
  let before = new Int32Array(b.length + 1);
  let above = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) above[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, (before[j - 2] as number) + 1);
    }
    [before, above, row] = [above, row, before];
  }
  return above[b.length] as number;
}

export interface UnknownVariable {
  name: string;
  /** The setting it is probably a misspelling of. */
  suggestion?: string;
}

/**
 * Variables that look meant for Sluice but that it does not read: names with one of its prefixes
 * (KAFKA_, SINK_, HTTP_GATEWAY_…) that are no setting, and names a typo or two away from one
 * (KAFKA_BROKER, DATABSE_URL). A misspelt setting would otherwise be ignored without a word.
 */
export function unknownVariables(
  env: Record<string, string | undefined> = process.env,
  catalogue: ReadonlyMap<string, SettingGroup> = settingsCatalogue(),
): UnknownVariable[] {
  const known = [...catalogue.values()].flatMap((group) => Object.values(group).map((spec) => spec.env));
  const knownNames = new Set(known);
  const prefixes = new Set(known.map(prefixOf));
  const found: UnknownVariable[] = [];
  for (const name of Object.keys(env).sort()) {
    if (knownNames.has(name) || readOutsideSettings.test(name)) continue;
    let suggestion: string | undefined;
    let best = Math.max(2, Math.floor(name.length / 6)) + 1;
    for (const candidate of known) {
      // at least as many edits as the lengths differ: only a closer candidate is worth computing
      if (Math.abs(name.length - candidate.length) >= best) continue;
      const distance = editDistance(name, candidate);
      if (distance < best) {
        best = distance;
        suggestion = candidate;
      }
    }
    if (suggestion || prefixes.has(prefixOf(name))) found.push({ name, suggestion });
  }
  return found;
}

export function describeUnknownVariable({ name, suggestion }: UnknownVariable): string {
  return `${name} is not a Sluice setting${suggestion ? `; did you mean ${suggestion}?` : ' (see `sluice config`)'}`;
}

/** Whether a setting holds a secret: its value is never printed. */
export function isSecret(env: string): boolean {
  return /PASSWORD|SECRET|TOKEN|CREDENTIALS|_KEY$/.test(env);
}

// Schemas for values that arrive as strings from the environment.

const hostnamePattern =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function isHost(host: string): boolean {
  return hostnamePattern.test(host) || isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

export const str = z.string().trim().min(1, 'must not be empty');

/** A Kafka topic name: the characters Kafka allows, at most 249 of them. */
export const topicName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name (letters, digits, . _ -)');

export const port = z.string().transform((text, ctx) => {
  const value = parsePort(text.trim());
  if (value === undefined) ctx.addIssue({ code: 'custom', message: 'expected a port number 1-65535' });
  return value ?? 0;
});

/** A port to listen on, or 0 for any free one (the server logs which). */
export const listenPort = z.string().transform((text, ctx) => {
  const value = text.trim() === '0' ? 0 : parsePort(text.trim());
  if (value === undefined) ctx.addIssue({ code: 'custom', message: 'expected a port number 0-65535' });
  return value ?? 0;
});

/** A whole number from the environment, at least `min`; `expected` says so in the error. */
function wholeNumber(min: number, expected: string) {
  return z.string().transform((text, ctx) => {
    const value = Number(text.trim());
    if (!Number.isInteger(value) || value < min) ctx.addIssue({ code: 'custom', message: expected });
    return value;
  });
}

export const positiveInt = wholeNumber(1, 'expected a positive integer');

/** A whole number ≥ 0 from the environment (0 usually meaning "off"). */
export const nonNegativeInt = wholeNumber(0, 'expected a whole number ≥ 0');

export const bool = z
  .string()
  .transform((text) => text.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' }))
  .transform((text) => ['true', '1', 'yes'].includes(text));

/** `host:port[,host:port…]`, the format of KAFKA_BROKERS. */
export const hostPortList = z.string().transform((text, ctx) => {
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const separator = entry.lastIndexOf(':');
    const host = entry.slice(0, separator);
    if (separator <= 0 || !isHost(host) || parsePort(entry.slice(separator + 1)) === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a comma-separated list of host:port, "${entry}" is not one`,
      });
      return [];
    }
  }
  return entries;
});

export function url(protocols: readonly string[]) {
  return z.string().transform((text, ctx) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(text.trim());
    } catch {
      // reported below
    }
    if (!parsed || !protocols.includes(parsed.protocol.replace(/:$/, '')) || !parsed.hostname) {
      ctx.addIssue({ code: 'custom', message: `expected a ${protocols.join(' or ')} URL` });
    }
    return text.trim().replace(/\/$/, '');
  });
}

/** `schema`, or nothing when the variable is empty (an optional setting whose default is ''). */
export function optional<S extends z.ZodType<unknown, string>>(schema: S) {
  return z.union([z.literal('').transform(() => undefined), schema]);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { message: `expected one of ${values.join(', ')}` });
}
