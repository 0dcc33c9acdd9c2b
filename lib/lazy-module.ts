import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS library loaded when first used, not when its module is imported. Every `sluice`
 * command imports every component's settings (the catalogue that warns of unknown variables), and
 * each settings module sits beside its client library: loaded eagerly, `pg`, `mqtt` and the CLI's
 * helpers cost each process that never uses them ~0.1 CPU-second and ~15 MB (docs/performance.md).
 */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}
