/** True when this code runs as the JavaScript `npm run build` compiled into dist/, false under tsx. */
export const runningCompiled = !import.meta.url.endsWith('.ts');

/**
 * A module named by its source URL (`new URL('./x.ts', import.meta.url)`) as it runs now: the
 * source under tsx, the compiled `x.js` beside the caller in dist/.
 */
export function runnableModule(module: URL | string): string {
  const href = typeof module === 'string' ? module : module.href;
  return runningCompiled ? href.replace(/\.ts$/, '.js') : href;
}
