import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasDir } from './catalog.ts';

/**
 * Generates schemas/types.ts from the .avsc files, so producers, processors and sinks
 * share one source of truth. timestamp-millis stays a number (epoch ms), decimal is a string.
 */

type AvroSchema = string | AvroSchema[] | { type: AvroSchema; [key: string]: unknown };

const primitives: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

function generate(): string {
  const declarations = new Map<string, string>();

  const typeOf = (schema: AvroSchema): string => {
    if (typeof schema === 'string') return primitives[schema] ?? schema.split('.').pop() ?? schema;
    if (Array.isArray(schema)) return schema.map(typeOf).join(' | ');
    const s = schema as Record<string, unknown> & { type: AvroSchema };
    if (s.logicalType === 'decimal') return 'string';
    switch (s.type) {
      case 'record': {
        const name = s.name as string;
        const fields = (s.fields as { name: string; type: AvroSchema; doc?: string }[]).map(
          (f) => `  /** ${f.doc ?? ''} */\n  ${f.name}: ${typeOf(f.type)};`,
        );
        declarations.set(
          name,
          `/** ${s.doc ?? name} */\nexport interface ${name} {\n${fields.join('\n')}\n}`,
        );
        return name;
      }
      case 'enum': {
        const name = s.name as string;
        const symbols = (s.symbols as string[]).map((x) => `'${x}'`).join(' | ');
        declarations.set(name, `/** ${s.doc ?? name} */\nexport type ${name} = ${symbols};`);
        return name;
      }
      case 'array':
        return `${wrap(typeOf(s.items as AvroSchema))}[]`;
      case 'map':
        return `Record<string, ${typeOf(s.values as AvroSchema)}>`;
      default:
        return typeOf(s.type);
    }
  };
  const wrap = (t: string) => (t.includes('|') ? `(${t})` : t);

  for (const file of readdirSync(schemasDir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()) {
    typeOf(JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as AvroSchema);
  }
  return `// Generated from schemas/*.avsc by \`sluice schemas codegen\`. Do not edit.\n\n${[...declarations.values()].join('\n\n')}\n`;
}

export const generatedTypesFile = join(schemasDir, 'types.ts');

export function generatedTypes(): string {
  return generate();
}

export function writeGeneratedTypes(): void {
  writeFileSync(generatedTypesFile, generate());
}
