import { lazyModule } from '../lib/lazy-module.ts';

/** Human progress output for the CLI (stderr, so stdout stays clean for --json and pipes). */

/** cli-progress, loaded by the commands that draw a bar (not by every component's process). */
export const progressBars = lazyModule<typeof import('cli-progress')>('cli-progress');

const useColor = process.stderr.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);

export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);

export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function step(subject: string, message: string): void {
  say(`${dim('•')} ${bold(subject.padEnd(10))} ${message}`);
}

export function done(subject: string, message: string): void {
  say(`${green('✓')} ${bold(subject.padEnd(10))} ${message}`);
}

export function failed(subject: string, message: string): void {
  say(`${red('✗')} ${bold(subject.padEnd(10))} ${message}`);
}

const levelColors: Record<string, (text: string) => string> = { warn: yellow, error: red, fatal: red };

/** A JSON log line as one readable line: level, component, message and its error, if any. */
export function readableLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { level?: string; component?: string; msg?: string; err?: unknown };
    const level = entry.level ?? 'info';
    const err =
      entry.err === undefined
        ? ''
        : `: ${typeof entry.err === 'string' ? entry.err : JSON.stringify(entry.err)}`;
    return `  ${(levelColors[level] ?? dim)(level.padEnd(5))} ${dim(entry.component ?? '')} ${entry.msg ?? ''}${err}`;
  } catch {
    return line.trimEnd();
  }
}
