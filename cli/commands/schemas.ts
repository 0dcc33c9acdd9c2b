import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { projectRoot } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { allContracts, schemasDir, subjectOf, type TopicContract } from '../../schemas/catalog.ts';
import { generatedTypes, generatedTypesFile, writeGeneratedTypes } from '../../schemas/codegen.ts';
import { compatibilityProblems, describeChanges } from '../../schemas/compatibility.ts';
import { done, failed, say } from '../output.ts';

type Schema = Record<string, unknown>;

/** Every committed version of a schema file, oldest first (what readers in the field may hold). */
function gitVersions(file: string): Schema[] {
  const path = relative(projectRoot, join(schemasDir, file));
  const log = spawnSync('git', ['log', '--format=%H', '--', path], { cwd: projectRoot, encoding: 'utf8' });
  if (log.status !== 0) return [];
  return log.stdout
    .split('\n')
    .filter(Boolean)
    .reverse()
    .flatMap((commit) => {
      const shown = spawnSync('git', ['show', `${commit}:${path}`], { cwd: projectRoot, encoding: 'utf8' });
      return shown.status === 0 ? [JSON.parse(shown.stdout) as Schema] : [];
    });
}

function uniqueSchemaFiles(contracts: TopicContract[]): TopicContract[] {
  return contracts.filter((c, i) => contracts.findIndex((o) => o.schemaFile === c.schemaFile) === i);
}

interface CheckOptions {
  dir: string;
  registry: boolean;
  git: boolean;
}

/** `sluice schemas check`: every schema against its git history and against what the registry holds. */
export async function checkSchemas({ dir, registry, git }: CheckOptions): Promise<number> {
  let broken = 0;
  const client = registry ? createRegistryClient() : undefined;
  for (const contract of uniqueSchemaFiles(allContracts)) {
    const schema = JSON.parse(readFileSync(join(dir, contract.schemaFile), 'utf8')) as Schema;
    const problems: string[] = [];
    if (git) {
      for (const problem of compatibilityProblems(
        schema,
        gitVersions(contract.schemaFile),
        contract.compatibility,
      )) {
        problems.push(`git: ${problem}`);
      }
    }
    for (const subjectContract of client
      ? allContracts.filter((c) => c.schemaFile === contract.schemaFile)
      : []) {
      const subject = subjectOf(subjectContract.topic);
      const result = await client?.testCompatibility(subject, schema);
      if (result && !result.compatible) {
        const latest = await client?.latestSchema(subject);
        problems.push(
          `registry: ${subject} (version ${latest?.version}) refuses it under ${await client?.compatibility(subject)}`,
        );
        problems.push(
          ...describeChanges(latest?.schema, schema).map((change) => `  ${change}`),
          ...result.messages,
        );
      }
    }
    if (problems.length === 0) {
      done('schemas', `${contract.schemaFile} compatible (${contract.compatibility})`);
    } else {
      broken += 1;
      failed('schemas', `${contract.schemaFile} breaks ${contract.compatibility} compatibility:`);
      for (const problem of problems) say(`    ${problem}`);
    }
  }
  return broken === 0 ? 0 : 1;
}

export function registerSchemaCommands(program: Command): void {
  const schemas = program
    .command('schemas')
    .description('Avro contracts in schemas/: check, register, generate types');

  schemas
    .command('check')
    .description(
      'fail with a readable diff when a schema change would break readers (git history and registry)',
    )
    .option('--dir <dir>', 'schemas to check', schemasDir)
    .option('--no-registry', 'skip the check against the schema registry')
    .option('--no-git', 'skip the check against earlier versions in git')
    .action(async (options: CheckOptions) => {
      process.exitCode = await checkSchemas(options);
    });

  schemas
    .command('register')
    .description('register every schema under <topic>-value with its compatibility level')
    .action(async () => {
      const serde = new AvroSerde(createRegistryClient());
      for (const contract of allContracts) {
        const id = await serde.register(contract);
        done('schemas', `${subjectOf(contract.topic)} → id ${id} (${contract.compatibility})`);
      }
    });

  schemas
    .command('codegen')
    .description('regenerate schemas/types.ts from the .avsc files')
    .option('--check', 'only verify that schemas/types.ts is up to date')
    .action(({ check }: { check?: boolean }) => {
      if (!check) {
        writeGeneratedTypes();
        done('schemas', `wrote ${relative(projectRoot, generatedTypesFile)}`);
      } else if (readFileSync(generatedTypesFile, 'utf8') !== generatedTypes()) {
        throw new SluiceError(
          'ING_CONFIG_INVALID',
          'schemas/types.ts is stale: run `sluice schemas codegen`',
        );
      } else {
        done('schemas', 'types.ts is up to date');
      }
    });
}
