import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';

/**
 * How often an isolate checks its heap. The gateway alone after a 20 s burst (16 MiB semi-space)
 * was back from 288 to 216 MiB 40 s later and to 177 (idle: 151) 70 s later with checks every 30 s:
 * the first quiet check comes up to a whole interval after the burst.
 */
const defaultCheckEveryMs = 10_000;
/** Below this share of the interval spent running, the isolate counts as quiet. */
const quietUtilization = 0.25;
/** Heap grown past its size after the last full collection by this much is worth a collection. */
const growthBytes = 16 * 1024 * 1024;

/**
 * Called without options: Node 20's V8 (11.3) takes any argument, `{ type: 'major', execution:
 * 'sync' }` included, for a young-generation collection that leaves old-space garbage in place
 * (150 MiB of dropped objects: 155 MiB still used after it, 2 MiB after `gc()`).
 */
type ExposedGc = () => void;

/**
 * A full collection that also moves the survivors together. An ordinary one frees only the
 * old-space pages left empty: where long-lived objects sit among a burst's garbage (the platform
 * process after a burst: 95 MiB of old space, 42 used, after `gc()`) the pages stay. Compacting
 * every full collection would cost under load; this one compacts alone (26 ms for 135 MiB).
 */
function compacting(collect: ExposedGc): void {
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    collect();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

/**
 * Gives memory back once a burst is over. V8 keeps what a burst made it reserve: a young
 * generation grown to its limit and old-space pages full of garbage it has no reason to collect
 * while nothing allocates, so a process idle after a burst keeps its peak resident size. Every
 * 10 s an isolate checks its event loop; once it was quiet for two checks in a row (a burst's last
 * batches are written, not in flight), it runs a full collection if it was busy or its heap grew
 * by 16 MiB since the last one, which returns both (the young generation starts small again and
 * regrows with the load). The heap's own slack does not tell: garbage counts as used until it is
 * collected (a sink after a burst: 133 MiB heap, 104 "used", 28 live). Under load nothing is
 * forced, and a quiet process whose heap stays as it is is left alone. Needs --expose-gc
 * (nodeFlagsOf); without it, it does nothing.
 */
export function compactHeapWhenQuiet(checkEveryMs = defaultCheckEveryMs): () => void {
  const collect = (globalThis as { gc?: ExposedGc }).gc;
  if (typeof collect !== 'function') return () => {};
  let last = performance.eventLoopUtilization();
  let collectedSize = process.memoryUsage().heapTotal;
  let busySinceCollected = false;
  let quietChecks = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const quiet = performance.eventLoopUtilization(now, last).utilization < quietUtilization;
    last = now;
    quietChecks = quiet ? quietChecks + 1 : 0;
    if (!quiet) busySinceCollected = true;
    if (quietChecks < 2) return;
    if (!busySinceCollected && process.memoryUsage().heapTotal - collectedSize <= growthBytes) return;
    compacting(collect);
    collectedSize = process.memoryUsage().heapTotal;
    busySinceCollected = false;
    last = performance.eventLoopUtilization(); // the collection itself is not load
  }, checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * glibc's malloc settings every Sluice process starts with (`memoryEnv`, the container image), for
 * a machine without jemalloc; glibc reads them only at start.
 * MALLOC_ARENA_MAX: each thread that allocates gets an arena of its own otherwise, where the
 * pipeline threads' buffers stay reserved after a burst (+41% resident without the cap, +10–16%
 * with it). MALLOC_MMAP_THRESHOLD_: glibc raises its mmap threshold to the size of each mapped block
 * freed (up to 32 MiB), so once the first fetch response or 1 MiB row chunk is freed such buffers
 * come from the arenas, whose freed pages it keeps (each sink ~60 MiB over idle after a burst, its
 * heap collected). Fixed at its default of 128 KiB, a buffer that large is mapped for itself and
 * unmapped when freed.
 */
export const mallocEnv = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/** Where Debian's and Ubuntu's `libjemalloc2` put jemalloc. */
export const debianJemalloc = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/libjemalloc.so.2`;

/** Where distributions put jemalloc's library. */
const jemallocPaths = [debianJemalloc, '/usr/lib64/libjemalloc.so.2', '/usr/lib/libjemalloc.so.2'];

/** jemalloc's shared library on this machine (`sluice stack up` installs it), if any. */
export function jemallocLibrary(): string | undefined {
  return jemallocPaths.find((path) => existsSync(path));
}

/**
 * The environment a Sluice Node process starts with: `env` with jemalloc preloaded when the
 * machine has it, and glibc's settings (`mallocEnv`) for when it has not. glibc keeps the pages a
 * burst freed in its main heap below memory still in use: the platform process after a burst
 * (24 connections × 500 readings for 30 s, `/proc/<pid>/smaps` 90 s later) held an 80 MiB
 * `[heap]` against 14 MiB idle, its V8 heap back to idle size; no glibc setting returned them
 * without slowing the burst (a 64 KiB mmap threshold: 20–25% fewer readings). jemalloc returns
 * freed pages after a decay time: the same probe ended where it started (163 → 163 MiB), and in
 * the end-to-end benchmark the platform went from 145 → 209 MiB (glibc) to 193 → 117 while it
 * took 46,214 readings/s in the burst against 35,385. Settings given in `env` win.
 */
export function memoryEnv(
  env: NodeJS.ProcessEnv = process.env,
  jemalloc: string | null = jemallocLibrary() ?? null,
): NodeJS.ProcessEnv {
  const preloaded = (env.LD_PRELOAD ?? '').split(/[:\s]+/).filter(Boolean);
  const preload =
    jemalloc && !preloaded.some((library) => library.includes('libjemalloc'))
      ? { LD_PRELOAD: [...preloaded, jemalloc].join(':') }
      : {};
  return { ...mallocEnv, ...env, ...preload };
}
