import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createApiKey, listApiKeys, parseRoles, revokeApiKey } from '../../lib/api-keys.ts';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { redirectLogs } from '../../lib/logger.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { type ImportFormat, importFormats } from '../../producers/file-import/config.ts';
import { bold, done, failed, progressBars, readableLogLine, say, step, yellow } from '../output.ts';

async function withPool<T>(work: (pool: ReturnType<typeof createPgPool>) => Promise<T>): Promise<T> {
  const pool = createPgPool();
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

// The producers load Express, MQTT and protocol libraries: imported when a command needs them.

async function importTelemetry(file: string, format: ImportFormat | undefined): Promise<number> {
  const { TelemetryFileImport } = await import('../../producers/file-import/file-import.ts');
  const kafka = createKafka('file-import');
  const serde = await prepareTopicsAndSchemas(kafka);
  const bars = new (progressBars().MultiBar)({
    stream: process.stderr,
    format:
      '  import  {bar} {percentage}% | {done}/{size} | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
    barsize: 30,
    hideCursor: true,
    // without a terminal (CI, logs) print the line every 2 s instead of redrawing it
    noTTYOutput: true,
    notTTYSchedule: 2000,
    etaBuffer: 50,
  });
  // the bar owns the terminal while it runs: log lines are printed above it, readable, not through it
  redirectLogs((line) => bars.log(`${readableLogLine(line)}\n`));
  const started = Date.now();
  let bar: SingleBar | undefined;
  const job = new TelemetryFileImport(serde, file, {
    format,
    kafka,
    onProgress: (progress) => {
      const payload = {
        rows: progress.rows,
        rate: Math.round(progress.rows / Math.max((Date.now() - started) / 1000, 0.001)),
        done: formatBytes(progress.bytesRead),
        size: formatBytes(progress.totalBytes),
      };
      if (!bar) bar = bars.create(Math.max(progress.totalBytes, 1), progress.bytesRead, payload);
      else bar.update(progress.bytesRead, payload);
    },
  });
  const onSignal = () => {
    bars.log(`${yellow('  stopping: sending what was read, then summarising')}\n`);
    void job.stop(Date.now() + 30_000);
  };
  process.once('SIGINT', onSignal);
  let summary: Awaited<ReturnType<typeof job.run>>;
  try {
    summary = await job.run();
  } finally {
    bars.stop();
    redirectLogs(undefined);
    process.off('SIGINT', onSignal);
  }
  const rate = `${summary.readingsPerSecond.toLocaleString('en')} readings/s`;
  done(
    'import',
    `${bold(summary.accepted.toLocaleString('en'))} accepted, ${bold(summary.rejected.toLocaleString('en'))} rejected in ${summary.seconds.toFixed(1)}s (${rate})`,
  );
  for (const { reason, message, count } of summary.reasons) {
    say(
      `    ${String(count).padStart(8)}  ${reason}: ${message}${count > 1 ? ` (the first of ${count} like it)` : ''}`,
    );
  }
  if (summary.rejectsFile) step('import', `rejected rows with their reasons: ${summary.rejectsFile}`);
  if (summary.stopped)
    failed('import', 'stopped before the end of the file; run it again (readings keep their eventIds)');
  if (summary.error) {
    const where = [
      summary.error.line && `line ${summary.error.line}`,
      summary.error.position !== undefined && `byte ${summary.error.position}`,
    ]
      .filter(Boolean)
      .join(', ');
    failed('import', `the file is unreadable from ${where || 'here'} on: ${summary.error.message}`);
    return 1;
  }
  return summary.stopped ? 1 : 0;
}

/** `sluice apikey …` and `sluice import telemetry FILE`. */
export function registerProducersCommands(program: Command): void {
  const apikey = program.command('apikey').description('API keys for the ingest gateway and the API');

  apikey
    .command('create')
    .description('create a key and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what uses the key')
    .option('--roles <roles>', 'comma-separated roles: ingest, read, admin', 'ingest')
    .action(async ({ name, roles }: { name: string; roles: string }) => {
      const created = await withPool((pool) => createApiKey(pool, { name, roles: parseRoles(roles) }));
      done(
        'apikey',
        `created "${created.name}" (prefix ${created.prefix}, roles ${created.roles.join(', ')})`,
      );
      say(yellow('  the key is shown only this once; keep it in a secret store'));
      process.stdout.write(`${created.key}\n`);
    });

  apikey
    .command('list')
    .description('the keys with their prefix, roles and state (never the key)')
    .action(async () => {
      const keys = await withPool((pool) => listApiKeys(pool));
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        process.stdout.write(
          `${key.prefix}  ${key.name.padEnd(24)} ${key.roles.join(',').padEnd(18)} ${state}\n`,
        );
      }
    });

  apikey
    .command('revoke')
    .description('revoke the key with this prefix (gateways forget it within their cache time)')
    .argument('<prefix>', 'the 8-character prefix shown by create and list')
    .action(async (prefix: string) => {
      const count = await withPool((pool) => revokeApiKey(pool, prefix));
      if (count === 0) throw new SluiceError('ING_CONFIG_INVALID', `no active key has the prefix ${prefix}`);
      done('apikey', `revoked ${prefix}`);
    });

  program
    .command('import')
    .description('import data from files')
    .command('telemetry')
    .description('stream a CSV, NDJSON or JSON-array file of readings into raw.telemetry.readings.v1')
    .argument('<file>', 'the file; rejected rows are written next to it as FILE.rejected.ndjson')
    .option('--format <format>', `one of ${importFormats.join(', ')} (default: from the extension)`)
    .action(async (file: string, { format }: { format?: string }) => {
      if (format !== undefined && !(importFormats as readonly string[]).includes(format)) {
        throw new SluiceError('ING_CONFIG_INVALID', `--format must be one of ${importFormats.join(', ')}`);
      }
      process.exitCode = await importTelemetry(file, format as ImportFormat | undefined);
    });
}
