import { avroType } from '../lib/avro.ts';
import type { Compatibility } from './catalog.ts';

type Schema = Record<string, unknown>;

interface Field {
  name: string;
  type: unknown;
  default?: unknown;
}

/** Whether data written with `writer` can be read with `reader` (Avro schema resolution), and why not. */
export function canRead(reader: Schema, writer: Schema): string | undefined {
  try {
    avroType(reader).createResolver(avroType(writer));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const directions: Record<Compatibility, { backward: boolean; forward: boolean; transitive: boolean }> = {
  NONE: { backward: false, forward: false, transitive: false },
  BACKWARD: { backward: true, forward: false, transitive: false },
  BACKWARD_TRANSITIVE: { backward: true, forward: false, transitive: true },
  FORWARD: { backward: false, forward: true, transitive: false },
  FORWARD_TRANSITIVE: { backward: false, forward: true, transitive: true },
  FULL: { backward: true, forward: true, transitive: false },
  FULL_TRANSITIVE: { backward: true, forward: true, transitive: true },
};

/**
 * Checks `next` against earlier versions (oldest first) under a compatibility level:
 * BACKWARD = new readers read old data, FORWARD = old readers read new data,
 * TRANSITIVE = against every earlier version, not just the last. Returns the problems found.
 */
export function compatibilityProblems(next: Schema, earlier: Schema[], level: Compatibility): string[] {
  const { backward, forward, transitive } = directions[level];
  const against = transitive ? earlier : earlier.slice(-1);
  const problems: string[] = [];
  against.forEach((previous, index) => {
    const label = transitive ? `version ${index + 1} of ${earlier.length}` : 'the previous version';
    const backwardProblem = backward ? canRead(next, previous) : undefined;
    const forwardProblem = forward ? canRead(previous, next) : undefined;
    if (backwardProblem || forwardProblem) {
      const changes = describeChanges(previous, next);
      if (backwardProblem)
        problems.push(`new readers cannot read data written with ${label}: ${backwardProblem}`);
      if (forwardProblem) problems.push(`readers on ${label} cannot read new data: ${forwardProblem}`);
      problems.push(...changes.map((change) => `  ${change}`));
    }
  });
  return problems;
}

function typeLabel(type: unknown): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.map(typeLabel).join(' | ');
  const t = type as { type: unknown; name?: string; logicalType?: string; items?: unknown; values?: unknown };
  if (t.logicalType) return `${typeLabel(t.type)} (${t.logicalType})`;
  if (t.type === 'array') return `array<${typeLabel(t.items)}>`;
  if (t.type === 'map') return `map<${typeLabel(t.values)}>`;
  return t.name ?? typeLabel(t.type);
}

function fieldsOf(schema: unknown): Field[] | undefined {
  const record = schema as { type?: unknown; fields?: Field[] };
  return record?.type === 'record' ? record.fields : undefined;
}

/** A readable diff of record fields (nested records by path): what a reviewer needs to see. */
export function describeChanges(previous: unknown, next: unknown, path = ''): string[] {
  const before = fieldsOf(previous);
  const after = fieldsOf(next);
  if (!before || !after) return [];
  const changes: string[] = [];
  for (const field of before) {
    const now = after.find((f) => f.name === field.name);
    const name = `${path}${field.name}`;
    if (!now) {
      changes.push(
        `- removed field ${name} (${typeLabel(field.type)}${'default' in field ? '' : ', no default'})`,
      );
    } else if (fieldsOf(field.type) && fieldsOf(now.type)) {
      changes.push(...describeChanges(field.type, now.type, `${name}.`));
    } else if (typeLabel(field.type) !== typeLabel(now.type)) {
      changes.push(`~ field ${name}: ${typeLabel(field.type)} → ${typeLabel(now.type)}`);
    } else if ('default' in field && !('default' in now)) {
      changes.push(`~ field ${name}: default removed`);
    }
  }
  for (const field of after) {
    if (!before.some((f) => f.name === field.name)) {
      changes.push(
        `+ added field ${path}${field.name} (${typeLabel(field.type)}${'default' in field ? '' : ', no default'})`,
      );
    }
  }
  return changes;
}
