import { randomBytes } from 'node:crypto';
import { type Logger, pino } from 'pino';
import { defineSettings, loadSettings, oneOf, setting } from './config.ts';

export type { Logger };

export const logSettings = defineSettings('logging', {
  level: setting(
    'LOG_LEVEL',
    oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'Minimum level of the JSON log lines written to stdout.',
  ),
});

let root: Logger | undefined;
let redirect: ((line: string) => void) | undefined;

/** Where log lines go: stdout, unless a command that owns the terminal (a progress bar) takes them. */
const output = {
  write(line: string) {
    if (redirect) redirect(line);
    else process.stdout.write(line);
  },
};

/** Sends every log line to `write` instead of stdout, until called with undefined. */
export function redirectLogs(write: ((line: string) => void) | undefined): void {
  redirect = write;
}

/** The one logger: JSON lines on stdout, every line naming its component. */
export function rootLogger(): Logger {
  root ??= pino(
    {
      level: loadSettings(logSettings).level,
      base: { app: 'sluice', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    output,
  );
  return root;
}

export function componentLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger().child({ component, ...bindings });
}

/** A W3C-style trace id (16 random bytes, hex), carried from ingest through every topic. */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}
