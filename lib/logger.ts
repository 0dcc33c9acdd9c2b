import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import type pretty from 'pino-pretty';
import { defineSettings, loadSettings, oneOf, setting } from './config.ts';
import { lazyModule } from './lazy-module.ts';

// a terminal's readable lines only: components in containers and under the platform log JSON
const prettyLibrary = lazyModule<typeof pretty>('pino-pretty');

export type { Logger };

export const logSettings = defineSettings('logging', {
  level: setting(
    'LOG_LEVEL',
    oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'Minimum level of the log lines written to stdout.',
  ),
  format: setting(
    'LOG_FORMAT',
    oneOf(['auto', 'json', 'pretty']),
    'auto',
    'Log lines as JSON (for collectors) or as readable coloured lines; auto: readable in a terminal, JSON when piped.',
  ),
});

/** Warnings and errors logged so far, by component and message: `npm start` sums them up at the end. */
export interface LoggedProblem {
  component: string;
  level: 'warn' | 'error' | 'fatal';
  message: string;
  count: number;
}

const problems = new Map<string, LoggedProblem>();
const problemLevels: Record<number, LoggedProblem['level']> = { 40: 'warn', 50: 'error', 60: 'fatal' };
const problemKey = (p: Omit<LoggedProblem, 'count'>) => `${p.level}\u0000${p.component}\u0000${p.message}`;

/** This process's logged problems, with those other processes reported (`also`), most frequent first. */
export function loggedProblems(also: LoggedProblem[] = []): LoggedProblem[] {
  const all = new Map([...problems].map(([key, problem]) => [key, { ...problem }]));
  for (const problem of also) {
    const key = problemKey(problem);
    const seen = all.get(key);
    if (seen) seen.count += problem.count;
    else all.set(key, { ...problem });
  }
  return [...all.values()].sort((a, b) => b.count - a.count);
}

let root: Logger | undefined;
let destination: 1 | 2 = 1;
let redirect: ((line: string) => void) | undefined;

/** Log lines go to stderr from now on: the command prints machine output (--json) on stdout. */
export function logToStderr(): void {
  destination = 2;
}

/** Sends every log line to `write` instead of stdout, until called with undefined. */
export function redirectLogs(write: ((line: string) => void) | undefined): void {
  redirect = write;
}

/** Where log lines go: stdout (or stderr), unless a command that owns the terminal (a progress bar) takes them. */
const output = new Writable({
  decodeStrings: false,
  write(line: string | Buffer, _encoding, written) {
    if (redirect) redirect(String(line));
    else (destination === 1 ? process.stdout : process.stderr).write(line);
    written();
  },
});

/**
 * The one logger: one line per event naming its component, JSON for log collectors or readable
 * lines in a terminal (LOG_FORMAT); secrets in well-known fields are replaced by ***.
 */
export function rootLogger(): Logger {
  if (root) return root;
  const settings = loadSettings(logSettings);
  const terminal = destination === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  const readable = settings.format === 'pretty' || (settings.format === 'auto' && terminal);
  root = pino(
    {
      level: settings.level,
      base: { app: 'sluice', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'password',
          '*.password',
          'headers.authorization',
          'headers["x-api-key"]',
          'token',
          '*.token',
        ],
        censor: '***',
      },
      hooks: {
        logMethod(args, method, level) {
          const problemLevel = problemLevels[level];
          if (problemLevel) {
            const component = String(this.bindings().component ?? 'sluice');
            const message = String(typeof args[0] === 'string' ? args[0] : (args[1] ?? ''));
            const key = problemKey({ component, level: problemLevel, message });
            const seen = problems.get(key) ?? { component, level: problemLevel, message, count: 0 };
            seen.count++;
            problems.set(key, seen);
          }
          method.apply(this, args);
        },
      },
    },
    readable
      ? prettyLibrary()({
          destination: output,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'app,pid,hostname,component,lib',
          messageFormat: '{component}  {msg}',
          singleLine: true,
        })
      : output,
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
