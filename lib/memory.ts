import { performance } from 'node:perf_hooks';

/**
 * How often an isolate checks its heap. The gateway alone after a 20 s burst (16 MiB semi-space)
 * was back from 288 to 216 MiB 40 s later and to 177 (idle: 151) 70 s later with checks every 30 s:
 * the first quiet check comes up to a whole interval after the burst.
 */
const checkEveryMs = 10_000;
/** Below this share of the interval spent running, the isolate counts as quiet. */
const quietUtilization = 0.25;
/** Reserved but unused heap worth handing back. */
const slackBytes = 32 * 1024 * 1024;

type ExposedGc = (options: { type: 'major'; execution: 'sync' }) => void;

/**
 * Gives memory back once a burst is over. V8 keeps what a burst made it reserve: a young
 * generation grown to its limit (2 × 64 MiB per isolate with componentNodeFlags) and old-space
 * pages, so a process idle after a burst keeps its peak resident size. Every 10 s an isolate whose
 * event loop was mostly idle and whose heap holds well over what it uses runs a full collection,
 * which returns both (the young generation starts small again and regrows with the load). Under
 * load nothing is forced. Needs --expose-gc (componentNodeFlags); without it, it does nothing.
 */
export function compactHeapWhenQuiet(): () => void {
  const collect = (globalThis as { gc?: ExposedGc }).gc;
  if (typeof collect !== 'function') return () => {};
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const { heapTotal, heapUsed } = process.memoryUsage();
    if (busy < quietUtilization && heapTotal - heapUsed > slackBytes)
      collect({ type: 'major', execution: 'sync' });
  }, checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
