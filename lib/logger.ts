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

/** The one logger: JSON lines on stdout, every line naming its component. */
export function rootLogger(): Logger {
  root ??= pino({
    level: loadSettings(logSettings).level,
    base: { app: 'sluice', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  return root;
}

export function componentLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger().child({ component, ...bindings });
}

/** A W3C-style trace id (16 random bytes, hex), carried from ingest through every topic. */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}
