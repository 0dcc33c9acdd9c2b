// autocannon ships no types: the part the benchmarks use.
declare module 'autocannon' {
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }
  interface Result {
    duration: number;
    '2xx': number;
    non2xx: number;
    errors: number;
    timeouts: number;
    requests: Histogram;
    latency: Histogram;
  }
  export type Request = {
    method?: 'POST' | 'GET';
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  };
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    requests?: Request[];
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
